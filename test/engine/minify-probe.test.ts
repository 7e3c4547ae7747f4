// whittle minify --probe on real images: the original is run under the check with this machine's
// strace (bind-mounted with its loader and libraries), and what it touched is added to the static
// closure. A script reading a file through a computed path fails --verify without the probe and
// passes with it, the report naming the file as added by the probe; a HEALTHCHECK's exec'd command
// run as USER nobody is traced too; a static program on scratch (no shell, no C library) is traced
// as well. No container, temporary tag, kit or trace directory is left behind, after a run or a
// SIGTERM during one.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith, requireTools } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-probe-'));
/** scratch is the TMPDIR of the runs: the kit and trace directories go there, and must be gone after. */
const scratch = join(tmp, 'scratch');
mkdirSync(scratch);
const made: string[] = [];
afterAll(() => {
  if (made.length) spawnSync('docker', ['rmi', '-f', ...made], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

/** build builds a Dockerfile in its own context directory with the given files and returns its tag. */
function build(name: string, dockerfile: string, files: Record<string, string | Buffer>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f), data, { mode: 0o755 });
  const tag = `whittle-probe/${name}:src`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  made.push(tag);
  return tag;
}

interface Report {
  probe?: { added: string[]; touched: number; command: string[]; exec?: string[]; notFound: string[]; original: { exitCode: number | null; healthy?: boolean } };
  verify?: { status: 'ok' | 'failed'; difference: string | null; missing: { named: string }[]; minified: { stdout: string } };
  kept: { path: string; reasons: string[] }[];
}

/** ours lists what a run may leave: its containers (whittle-probe-… and whittle-verify-…), temporary tags, and the kit and trace directories. */
function ours(): string[] {
  const c = execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter((n) => /^whittle-(probe|verify)-\d+-[0-9a-f]+-\d+$/.test(n));
  const i = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n').filter((n) => /^whittle-verify-\d+-[0-9a-f]+:(original|minified)$/.test(n));
  return [...c, ...i, ...readdirSync(scratch)];
}

/** minify runs whittle minify on a tag, writing an archive with its own tag; --json unless text is asked for. */
function minify(tag: string, name: string, flags: string[], text = false) {
  const out = join(tmp, `${name}.tar`);
  rmSync(out, { force: true });
  const before = new Set(ours());
  const r = spawnSync(process.execPath, ['bin/whittle.js', 'minify', `docker-daemon:${tag}`, ...(text ? [] : ['--json']), '-o', `docker-archive:${out}:whittle-probe/${name}:min`, ...flags], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, TMPDIR: scratch },
  });
  const left = ours().filter((n) => !before.has(n));
  const json = !text && r.stdout ? (JSON.parse(r.stdout) as Report) : undefined;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json, written: existsSync(out), left };
}

const reasonsOf = (r: Report, path: string) => r.kept.find((k) => k.path === path)?.reasons;

const SCRIPT = `#!/bin/sh
set -e
d=data
echo "reading the answer"
cat "/app/$d/answer.txt"
`;

/** STATIC_APP opens a file whose name it builds at run time; linked statically, it runs on scratch. */
const STATIC_APP = `#include <stdio.h>
#include <string.h>
int main(void) {
  char p[64];
  strcpy(p, "/data/");
  strcat(p, "answer.txt");
  FILE *f = fopen(p, "r");
  if (!f) { perror(p); return 1; }
  char b[32];
  size_t n = fread(b, 1, sizeof b - 1, f);
  b[n] = 0;
  printf("%s", b);
  return 0;
}
`;

describeWith(['debian-minbase', 'strace'], 'whittle minify --probe', () => {
  let base = '';
  beforeAll(async () => {
    base = await ensureMinbase();
  }, 600_000);

  it('a script reading a file through a computed path: --verify fails without the probe; with --probe the file is added, named as the probe\'s, and --verify passes', () => {
    const tag = build('runtime-file', `FROM ${base}\nWORKDIR /app\nCOPY run.sh /app/run.sh\nRUN mkdir -p /app/data && echo 42 > /app/data/answer.txt\nCMD ["/app/run.sh"]\n`, { 'run.sh': SCRIPT });
    const without = minify(tag, 'runtime-file', ['--verify', '--check-cmd', '/app/run.sh']);
    expect(without.status).toBe(1);
    expect(without.written).toBe(false);
    expect(without.json!.verify!.missing.map((m) => m.named)).toEqual(['/app/data/answer.txt']);
    expect(without.json!.probe).toBeUndefined();

    const probed = minify(tag, 'runtime-file', ['--probe', '--verify', '--check-cmd', '/app/run.sh']);
    expect(probed.stderr).toBe('');
    expect(probed.status).toBe(0);
    expect(probed.written).toBe(true);
    expect(probed.left).toEqual([]);
    const r = probed.json!;
    expect(r.probe!.added).toEqual(['/app/data/answer.txt']);
    expect(r.probe!.command).toEqual(['/app/run.sh']);
    expect(r.probe!.original.exitCode).toBe(0);
    // run.sh, cat, the loader's cache, libc, answer.txt: the image's paths the run touched
    expect(r.probe!.touched).toBeGreaterThanOrEqual(5);
    expect(r.probe!.notFound).toContain('/usr/local/bin/cat');
    expect(reasonsOf(r, '/app/data/answer.txt')).toEqual(['touched by the probe (openat)']);
    expect(reasonsOf(r, '/usr/bin/cat')).toEqual(expect.arrayContaining(['called by /app/run.sh:5', expect.stringMatching(/^touched by the probe \(.*execve.*\)$/)]));
    expect(r.verify).toMatchObject({ status: 'ok', difference: null });
    expect(r.verify!.minified.stdout).toBe('reading the answer\n42\n');
    // /proc, /sys, /dev and the probe's own mounts are never kept
    expect(r.kept.filter((k) => /^\/(proc|sys|dev|\.whittle-probe)/.test(k.path))).toEqual([]);

    const text = minify(tag, 'runtime-file-text', ['--probe', '--check-cmd', '/app/run.sh'], true);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^probe: traced \["\/app\/run\.sh"\] in the original: exit 0; \d+ paths of the image touched, \d+ looked for and not found$/m);
    expect(text.stdout).toContain('probe: added 1 path the static trace missed:\n  /app/data/answer.txt (touched by the probe (openat))\n');
    expect(text.stdout).toContain('verify: ok: both images answered the same');
  }, 900_000);

  it("a HEALTHCHECK run as USER nobody: the exec'd health command is traced and its file added", () => {
    const tag = build('health', `FROM ${base}\nWORKDIR /app\nCOPY run.sh /app/run.sh\nRUN mkdir -p /app/data && echo 42 > /app/data/answer.txt\nHEALTHCHECK CMD /app/run.sh\nUSER nobody\nCMD ["sleep", "60"]\n`, { 'run.sh': SCRIPT });
    const r = minify(tag, 'health', ['--probe', '--verify', '--check-timeout', '30']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.left).toEqual([]);
    expect(r.json!.probe).toMatchObject({ added: ['/app/data/answer.txt'], command: ['sleep', '60'], exec: ['/bin/sh', '-c', '/app/run.sh'], original: { healthy: true } });
    expect(r.json!.verify).toMatchObject({ status: 'ok' });
  }, 900_000);

  it('a static program on scratch (no shell, no C library in the image) is traced', (ctx) => {
    requireTools(ctx, 'gcc-static');
    const dir = join(tmp, 'static-src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.c'), STATIC_APP);
    execFileSync('gcc', ['-static', '-O1', '-o', join(dir, 'app'), join(dir, 'app.c')]);
    const tag = build('static', 'FROM scratch\nCOPY app /app\nCOPY answer.txt /data/answer.txt\nENTRYPOINT ["/app"]\n', { app: execFileSync('cat', [join(dir, 'app')]), 'answer.txt': '42\n' });
    const r = minify(tag, 'static', ['--probe', '--check-cmd', 'run']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.left).toEqual([]);
    expect(r.json!.probe).toMatchObject({ added: ['/data/answer.txt'], command: ['/app', 'run'] });
    expect(r.json!.verify).toMatchObject({ status: 'ok', minified: { stdout: '42\n' } });
  }, 900_000);

  it('SIGTERM while the probe runs: status 143; the container, the temporary tag, the kit and the trace directory are removed', async () => {
    const tag = build('interrupted', `FROM ${base}\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n`, { 'run.sh': '#!/bin/sh\necho fine\n' });
    const out = join(tmp, 'interrupted.tar');
    // an archive, so the original is loaded under a temporary tag
    execFileSync('docker', ['save', '-o', join(tmp, 'interrupted-src.tar'), tag]);
    const before = new Set(ours());
    const r = await new Promise<{ status: number | null; during: string[] }>((done, reject) => {
      const child = spawn(process.execPath, ['bin/whittle.js', 'minify', `docker-archive:${join(tmp, 'interrupted-src.tar')}`, '--probe', '--check-cmd', '/run.sh', '-o', `docker-archive:${out}:whittle-probe/interrupted:min`], {
        env: { ...process.env, TMPDIR: scratch, WHITTLE_TEST_PAUSE_AT: 'minify-probe-ran' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let during: string[] = [];
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (during.length === 0 && stderr.includes('whittle-test-paused minify-probe-ran\n')) {
          during = ours().filter((n) => !before.has(n));
          child.kill('SIGTERM');
        }
      });
      child.on('error', reject);
      child.on('close', (status) => done({ status, during }));
    });
    expect(r.status).toBe(143);
    expect(r.during.filter((n) => /^whittle-probe-\d+-[0-9a-f]+-0$/.test(n))).toHaveLength(1);
    expect(r.during.filter((n) => /^whittle-verify-\d+-[0-9a-f]+:original$/.test(n))).toHaveLength(1);
    expect(r.during.filter((n) => /^whittle-probe-kit-/.test(n))).toHaveLength(1);
    expect(r.during.filter((n) => /^whittle-probe-out-/.test(n))).toHaveLength(1);
    expect(ours().filter((n) => !before.has(n))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 600_000);
});
