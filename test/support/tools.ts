// External tools and services the tests depend on, in one place.
//
// Locally a missing tool makes the test (or describe block) SKIP, visibly: the reason is put in
// the test's name ("[skipped: umoci is not installed]") and printed once as a console note.
// With WHITTLE_REQUIRE_TOOLS=1 (set by .ci/run) a missing tool makes the test FAIL with the same
// reason, so CI cannot go green by skipping.
//
//   describeWith(['docker', 'skopeo'], 'name', () => { ... })     a whole block
//   itWith(['umoci'], 'name', async () => { ... })                 one test
//   requireTools(ctx, 'umoci')                                     inside a test, before the part that needs it
//   missing('umoci')                                               the reason ('' when all are there), for parametrizing
//
// Probes are synchronous (describe blocks are collected synchronously), run at most once per
// process, and only for the tools a test file asks about.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'vitest';

export type Tool =
  | 'docker' // a Docker engine answering `docker info`
  | 'buildkit' // the engine builds with DOCKER_BUILDKIT=1
  | 'debian-minbase' // the engine, plus the cached minbase image or mmdebstrap to build it (test/support/engine.ts)
  | 'skopeo'
  | 'umoci'
  | 'docker-registry' // Debian's distribution 2.8 binary at /usr/bin/docker-registry
  | 'htpasswd' // apache2-utils, for bcrypt lines docker-registry accepts
  | 'gnu-tar'
  | 'readelf'
  | 'strace' // Debian's strace, which minify --probe copies into the container
  | 'ldconfig'
  | 'gcc-static' // gcc linking against this machine's glibc, dynamically and statically (libc.a)
  | 'zstd'
  | 'tmpfs-mount' // mounting a tmpfs (root, and a kernel/container that allows it)
  | 'chromium'; // Debian's chromium, driven headless by playwright-core (browser tests)

export const REQUIRE = process.env.WHITTLE_REQUIRE_TOOLS === '1';
export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const CHROMIUM = '/usr/bin/chromium';

const ok = (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {}) =>
  spawnSync(cmd, args, { stdio: 'ignore', timeout: opts.timeout ?? 30_000, env: opts.env, cwd: opts.cwd }).status === 0;
const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' }).status === 0;

const PROBES: Record<Tool, () => string> = {
  docker: () => (ok('docker', ['info'], { timeout: 20_000 }) ? '' : 'no Docker engine answers `docker info`'),
  buildkit: () => {
    const d = PROBE('docker');
    if (d) return d;
    const dir = mkdtempSync(join(tmpdir(), 'whittle-bk-probe-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY x /x\n');
      writeFileSync(join(dir, 'x'), 'x');
      const built = ok('docker', ['build', '-q', '--output', 'type=tar,dest=/dev/null', dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeout: 120_000 });
      return built ? '' : 'the Docker engine does not build with BuildKit (DOCKER_BUILDKIT=1)';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  'debian-minbase': () => {
    const d = PROBE('docker');
    if (d) return d;
    if (ok('docker', ['image', 'inspect', 'whittle-test/bookworm-minbase:1'])) return '';
    return onPath('mmdebstrap') ? '' : 'mmdebstrap is not installed (needed to build the Debian minbase image)';
  },
  skopeo: () => (ok('skopeo', ['--version']) ? '' : 'skopeo is not installed'),
  umoci: () => (ok('umoci', ['--version']) ? '' : 'umoci is not installed'),
  'docker-registry': () => (existsSync(REGISTRY_BIN) && ok(REGISTRY_BIN, ['--version']) ? '' : `docker-registry is not installed (${REGISTRY_BIN})`),
  htpasswd: () => (onPath('htpasswd') ? '' : 'htpasswd is not installed (apache2-utils)'),
  'gnu-tar': () => (/GNU tar/.test(spawnSync('tar', ['--version'], { encoding: 'utf8' }).stdout ?? '') ? '' : 'GNU tar is not installed'),
  readelf: () => (ok('readelf', ['--version']) ? '' : 'readelf is not installed (binutils)'),
  strace: () => (ok('strace', ['-V']) ? '' : 'strace is not installed'),
  'gcc-static': () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-gcc-probe-'));
    try {
      writeFileSync(join(dir, 'a.c'), 'int main(void){return 0;}\n');
      return ok('gcc', ['-static', '-o', join(dir, 'a'), join(dir, 'a.c')]) ? '' : 'gcc cannot link a static program here (gcc and libc6-dev)';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  ldconfig: () => (ok('ldconfig', ['-p']) && existsSync('/etc/ld.so.cache') ? '' : 'ldconfig -p does not list a cache here (glibc and /etc/ld.so.cache)'),
  zstd: () => (ok('zstd', ['--version']) ? '' : 'zstd is not installed'),
  chromium: () => (existsSync(CHROMIUM) && ok(CHROMIUM, ['--version']) ? '' : `chromium is not installed (${CHROMIUM}, Debian's chromium package)`),
  'tmpfs-mount': () => {
    const at = mkdtempSync(join(tmpdir(), 'whittle-mount-probe-'));
    try {
      mkdirSync(at, { recursive: true });
      if (!ok('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', at])) return 'cannot mount a tmpfs here (needs root and a kernel that allows it)';
      ok('umount', [at]);
      return '';
    } finally {
      rmSync(at, { recursive: true, force: true });
    }
  },
};

const cache = new Map<Tool, string>();
function PROBE(tool: Tool): string {
  let r = cache.get(tool);
  if (r === undefined) {
    r = PROBES[tool]();
    cache.set(tool, r);
  }
  return r;
}

/** missing returns why the tools are not usable here ('' when all are). */
export function missing(...tools: Tool[]): string {
  return tools
    .map((t) => PROBE(t))
    .filter((r) => r !== '')
    .join('; ');
}

const noted = new Set<string>();
function note(name: string, reason: string): void {
  const line = `SKIPPED "${name}": ${reason} (set WHITTLE_REQUIRE_TOOLS=1 to make this a failure)`;
  if (noted.has(line)) return;
  noted.add(line);
  console.warn(line);
}

const requiredMessage = (reason: string) => `required tool missing: ${reason} (WHITTLE_REQUIRE_TOOLS=1)`;

/** describeWith runs the block when the tools are there; otherwise skips it with the reason, or fails under WHITTLE_REQUIRE_TOOLS=1. */
export function describeWith(tools: Tool[], name: string, fn: () => void): void {
  const reason = missing(...tools);
  if (!reason) return void describe(name, fn);
  if (REQUIRE) {
    return void describe(name, () => {
      it(`needs ${tools.join(', ')}`, () => {
        throw new Error(requiredMessage(reason));
      });
    });
  }
  note(name, reason);
  describe.skip(`${name} [skipped: ${reason}]`, fn);
}

/** itWith is describeWith for one test. */
export function itWith(tools: Tool[], name: string, fn: (ctx: TestContext) => unknown, timeout?: number): void {
  const reason = missing(...tools);
  if (!reason) return void it(name, fn, timeout);
  if (REQUIRE) {
    return void it(name, () => {
      throw new Error(requiredMessage(reason));
    });
  }
  note(name, reason);
  it.skip(`${name} [skipped: ${reason}]`, fn, timeout);
}

/** requireTools, inside a running test: returns when the tools are there; otherwise skips the rest
 *  of the test with the reason as its note, or throws under WHITTLE_REQUIRE_TOOLS=1. */
export function requireTools(ctx: TestContext, ...tools: Tool[]): void {
  const reason = missing(...tools);
  if (!reason) return;
  if (REQUIRE) throw new Error(requiredMessage(reason));
  note(ctx.task.name, reason);
  ctx.skip(reason);
}
