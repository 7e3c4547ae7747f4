// whittle minify on Node apps built FROM the Debian minbase (issue 14's acceptance): the seeds'
// express app built the plain way (a full Node base from `apt-get install nodejs npm`, `npm install`,
// `CMD ["npm","start"]`, a non-root user), compared with the same app on a distroless-style base; an
// app with a native addon built in the image by node-gyp; an ESM entry resolving a package through
// its `exports` conditions and its own `imports`. Each minified image answers as the original does;
// the sizes are printed for docs/minify.md. (test/engine/minify.test.ts covers an ESM entry importing
// CommonJS, JSON and Debian's /usr/share/nodejs modules; src/minify/node.test.ts the resolution rules.)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith, REQUIRE } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minaccept-'));
const made: string[] = [];
const containers: string[] = [];
afterAll(() => {
  if (containers.length) spawnSync('docker', ['rm', '-f', ...containers], { stdio: 'ignore' });
  if (made.length) spawnSync('docker', ['rmi', '-f', ...made], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`whittle ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** writeFiles writes files (paths with folders) under a directory. */
function writeFiles(dir: string, files: Record<string, string>) {
  for (const [f, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), data);
  }
}

/** build builds a Dockerfile in its context directory (files already there, plus these) and returns its tag. */
function build(name: string, dockerfile: string, files: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFiles(dir, files);
  const tag = `whittle-minaccept/${name}:src`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  made.push(tag);
  return tag;
}

interface Report {
  kept: { path: string; reasons: string[] }[];
  warnings: string[];
  verify?: { status: string; original: { status?: number | null; body?: string }; minified: { status?: number | null; body?: string } };
}

/** minified minifies a tag through a docker-archive with its own tag, loads it, and returns the tag and the JSON report. */
function minified(tag: string, ...flags: string[]) {
  const out = join(tmp, `${tag.replace(/\W+/g, '-')}.tar`);
  const to = tag.replace(/:src$/, ':min');
  const report = JSON.parse(whittle('minify', `docker-daemon:${tag}`, '--json', '-o', `docker-archive:${out}:${to}`, ...flags)) as Report;
  execFileSync('docker', ['load', '-q', '-i', out]);
  made.push(to);
  rmSync(out);
  return { tag: to, report };
}

const run = (tag: string, ...args: string[]) => spawnSync('docker', ['run', '--rm', tag, ...args], { encoding: 'utf8' });
const inspect = (tag: string, format: string) => execFileSync('docker', ['image', 'inspect', '--format', format, tag], { encoding: 'utf8' }).trim();
const size = (tag: string) => Number(inspect(tag, '{{.Size}}'));
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** answer starts a container of the image with its own command and returns its answer to GET /PATH on PORT. */
async function answer(tag: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  const id = execFileSync('docker', ['run', '-d', '-p', `127.0.0.1::${port}`, tag], { encoding: 'utf8' }).trim();
  containers.push(id);
  try {
    const host = execFileSync('docker', ['port', id, String(port)], { encoding: 'utf8' }).split('\n')[0]!.trim();
    for (let tries = 0; tries < 120; tries++) {
      try {
        const res = await fetch(`http://${host}${path}`, { signal: AbortSignal.timeout(10_000) });
        return { status: res.status, body: await res.text() };
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new Error(`${tag} did not answer on ${port}: ${spawnSync('docker', ['logs', id], { encoding: 'utf8' }).stderr}`);
  } finally {
    spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
}

const SERVER = `const express = require('express');
const app = express();
app.get('/', (req, res) => res.json({ hello: 'world', uid: process.getuid(), node: process.version }));
app.listen(3000, () => console.log('listening on 3000'));
`;

/**
 * DISTROLESS_STYLE runs as root in the full image and writes to stdout a tar of the same app on a
 * distroless-style base: node, the shared libraries `ldd` lists for it (the loader's own answer, not
 * whittle's), each symlink on the way to them; the modules Debian's libnode loads by path at start-up
 * (the upstream node binary gcr.io/distroless/nodejs ships has them compiled in, so they are part
 * of "the Node binary"); what distroless's base holds that the app can use (/etc/passwd, /etc/group,
 * /etc/nsswitch.conf, the CA certificates, /tmp); and /app. It is a fair stand-in for
 * gcr.io/distroless/nodejs with this app: the same Node binary and libraries the original runs
 * (the real one carries upstream's node, ~100 MB with its ICU, plus tzdata), nothing else; it is
 * imported, run, and must answer as the original does before its size is compared.
 */
const DISTROLESS_STYLE = `set -e
walk() {
  p=$1
  while :; do
    d=$(readlink -f "$(dirname "$p")"); p="$d/$(basename "$p")"
    echo "\${p#/}"
    [ -L "$p" ] || break
    t=$(readlink "$p"); case "$t" in /*) p=$t ;; *) p="$d/$t" ;; esac
  done
}
node=$(command -v node)
libnode=$(ldd "$node" | sed -n 's/.*=> \\(\\/[^ ]*libnode[^ ]*\\) .*/\\1/p')
{
  for f in "$node" $(ldd "$node" | grep -o '/[^ ]*') $(grep -ao '/usr/share/nodejs/[A-Za-z0-9/_.@+-]*\\.js' "$libnode" | sort -u) /etc/passwd /etc/group /etc/nsswitch.conf; do walk "$f"; done
  for l in bin lib lib64 sbin; do if [ -L "/$l" ]; then echo "$l"; fi; done
} | sort -u > /tmp/distroless-files
tar -C / --no-recursion -cf /tmp/distroless.tar -T /tmp/distroless-files tmp
for d in etc/ssl/certs usr/share/ca-certificates app; do if [ -e "/$d" ]; then tar -C / -rf /tmp/distroless.tar "$d"; fi; done
cat /tmp/distroless.tar
`;

/** distrolessStyle imports the tar DISTROLESS_STYLE writes from the image as an image of its own, with WorkingDir /app and the given config changes. */
function distrolessStyle(tag: string, ...changes: string[]): string {
  const tar = join(tmp, 'distroless-style.tar');
  const made1 = spawnSync('sh', ['-c', `docker run --rm -i --user 0 --entrypoint sh ${tag} -s > ${tar}`], { input: DISTROLESS_STYLE, encoding: 'utf8' });
  expect(made1.stderr).toBe('');
  const slim = tag.replace(/:src$/, ':distroless-style');
  execFileSync('docker', ['import', '--change', 'WORKDIR /app', ...changes.flatMap((c) => ['--change', c]), tar, slim], { stdio: 'ignore' });
  made.push(slim);
  rmSync(tar);
  return slim;
}

/** compare prints the sizes for docs/minify.md and checks the minified image is within 1.1× of the distroless-style one. */
function compare(name: string, tag: string, min: string, slim: string) {
  const ratio = size(min) / size(slim);
  process.stdout.write(`minify ${name}: ${mb(size(tag))} → ${mb(size(min))}; distroless-style ${mb(size(slim))}; ${ratio.toFixed(3)}×\n`);
  expect(ratio).toBeLessThanOrEqual(1.1);
}

const ADDON_CC = `#include <node_api.h>
#include <string>
static napi_value Twice(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  double n = 0;
  napi_get_value_double(env, argv[0], &n);
  std::string s = "native " + std::to_string(static_cast<long>(n) * 2);
  napi_value out;
  napi_create_string_utf8(env, s.c_str(), s.size(), &out);
  return out;
}
NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "twice", NAPI_AUTO_LENGTH, Twice, nullptr, &fn);
  napi_set_named_property(env, exports, "twice", fn);
  return exports;
}
`;

const ADDON_APP: Record<string, string> = {
  'binding.gyp': '{ "targets": [ { "target_name": "addon", "sources": [ "addon.cc" ] } ] }\n',
  'addon.cc': ADDON_CC,
  'package.json': '{"name":"addon-app","version":"1.0.0","private":true}\n',
  'index.js': "const addon = require('./build/Release/addon.node');\nconsole.log(addon.twice(21));\n",
};

const ESM_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'esm-app', type: 'module', imports: { '#internal': { node: './src/internal.js', default: './src/browser.js' } } }),
  'main.js': [
    "import { createRequire } from 'node:module';",
    "import { kind } from 'dual';",
    "import feature from 'dual/feature';",
    "import internal from '#internal';",
    'const require = createRequire(import.meta.url);',
    "console.log(kind, require('dual').kind, feature, internal);",
  ].join('\n'),
  'src/internal.js': "export default 'internal-node';\n",
  'src/browser.js': "export default 'internal-browser';\n",
  'node_modules/dual/package.json': JSON.stringify({
    name: 'dual',
    main: './index.js',
    exports: { '.': { import: './esm.mjs', require: './cjs.cjs' }, './feature': { node: './lib/feature.cjs', default: './lib/browser.cjs' } },
  }),
  'node_modules/dual/index.js': "module.exports = { kind: 'main' };\n",
  'node_modules/dual/esm.mjs': "export const kind = 'esm';\n",
  'node_modules/dual/cjs.cjs': "exports.kind = 'cjs';\n",
  'node_modules/dual/lib/feature.cjs': "module.exports = 'feature-node';\n",
  'node_modules/dual/lib/browser.cjs': "module.exports = 'feature-browser';\n",
};

describeWith(['debian-minbase'], 'whittle minify on Node apps (express built the plain way, a native addon, ESM with exports conditions)', () => {
  let base = '';
  beforeAll(async () => {
    base = await ensureMinbase();
  }, 600_000);

  it('the express app built the plain way: answers HTTP the same, as the same user, within 1.1× of the app on a distroless-style base', async (ctx) => {
    // npm's registry answers on this machine, not inside containers: express is installed here and
    // copied in, as `npm install` lays it out (node_modules and package-lock.json next to package.json)
    const dir = join(tmp, 'express');
    writeFiles(dir, { 'package.json': JSON.stringify({ name: 'app', version: '1.0.0', scripts: { start: 'node server.js' } }), 'server.js': SERVER });
    const npm = spawnSync('npm', ['install', 'express', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    if (npm.status !== 0) {
      const reason = `npm install express failed (npm's registry is needed): ${(npm.stderr || String(npm.error)).split('\n')[0]}`;
      if (REQUIRE) throw new Error(reason);
      console.warn(`SKIPPED: ${reason}`);
      return ctx.skip(reason);
    }
    const tag = build(
      'express',
      `FROM ${base}\nRUN apt-get update && apt-get install -y nodejs npm && rm -rf /var/lib/apt/lists/*\nRUN useradd -m -u 1000 node\nWORKDIR /app\n` +
        'COPY package.json package-lock.json /app/\nCOPY node_modules /app/node_modules\nCOPY server.js /app/\nUSER node\nEXPOSE 3000\nCMD ["npm", "start"]\n',
    );
    const { tag: min, report: r } = minified(tag, '--check-http', '3000/');
    expect(r.verify).toMatchObject({ status: 'ok', original: { status: 200 }, minified: { status: 200 } });
    expect(r.verify!.minified.body).toBe(r.verify!.original.body);
    expect(JSON.parse(r.verify!.original.body!)).toMatchObject({ hello: 'world', uid: 1000 });
    expect(inspect(min, '{{.Config.User}}')).toBe('node');
    expect(inspect(min, '{{json .Config.Cmd}}')).toBe('["npm","start"]');
    // run again, outside whittle's own check
    const [before, after] = [await answer(tag, 3000), await answer(min, 3000)];
    expect(after).toEqual(before);

    const paths = r.kept.map((k) => k.path);
    for (const p of ['/app/server.js', '/app/node_modules/express/index.js', '/usr/bin/node', '/etc/passwd']) expect(paths).toContain(p);
    expect(paths.find((p) => /libnode\.so\.\d+$/.test(p))).toBeDefined();
    for (const p of ['/usr/bin/apt-get', '/usr/bin/perl', '/usr/bin/python3']) expect(paths).not.toContain(p);
    expect(r.warnings.some((w) => /npm runs as the container's main process/.test(w))).toBe(true);
    // a computed require (express's view engine loader) keeps the whole package, with a warning naming the line
    expect(r.warnings.some((w) => /^\/app\/node_modules\/express\/lib\/view\.js:\d+: require of a computed name: the whole package \/app\/node_modules\/express is kept$/.test(w))).toBe(true);
    expect(r.kept.find((k) => k.path === '/app/node_modules/express/Readme.md')?.reasons).toEqual([expect.stringMatching(/^in the package of \/app\/node_modules\/express\/lib\/view\.js, which requires a computed name \(line \d+\)$/)]);

    const slim = distrolessStyle(tag, 'USER node', 'CMD ["/usr/bin/node", "server.js"]');
    expect(await answer(slim, 3000)).toEqual(before);
    compare('express app built the plain way', tag, min, slim);
  }, 1_800_000);

  it('a native addon built in the image with node-gyp: the addon and its libstdc++ are kept, the toolchain is not, and it runs the same', () => {
    const tag = build(
      'addon',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs node-gyp libnode-dev g++ make python3 && rm -rf /var/lib/apt/lists/*\n` +
        'WORKDIR /app\nCOPY . /app/\nRUN node-gyp rebuild && test -f build/Release/addon.node\nCMD ["node", "index.js"]\n',
      ADDON_APP,
    );
    const { tag: min, report: r } = minified(tag, '--check-cmd', 'node index.js');
    expect(r.verify).toMatchObject({ status: 'ok' });
    const before = run(tag);
    const after = run(min);
    expect(before.stdout).toBe('native 42\n');
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(before.stdout);
    const kept = new Map(r.kept.map((k) => [k.path, k.reasons]));
    expect(kept.get('/app/build/Release/addon.node')).toEqual(['required by /app/index.js:1']);
    const stdcxx = r.kept.filter((k) => /\/libstdc\+\+\.so\.6[.\d]*$/.test(k.path)).flatMap((k) => k.reasons);
    expect(stdcxx).toContainEqual(expect.stringMatching(/^DT_NEEDED of \/app\/build\/Release\/addon\.node /));
    for (const p of ['/usr/bin/make', '/usr/bin/x86_64-linux-gnu-g++-12', '/usr/bin/python3', '/app/addon.cc']) expect(kept.has(p)).toBe(false);
    expect([...kept.keys()].some((p) => p.startsWith('/usr/include/'))).toBe(false);
    const slim = distrolessStyle(tag, 'CMD ["/usr/bin/node", "index.js"]');
    expect(run(slim).stdout).toBe(before.stdout);
    compare('Node app with a native addon', tag, min, slim);
  }, 1_800_000);

  it('an ESM entry resolving a package through its exports conditions (import, require, node) and its own imports (#internal): runs the same', () => {
    const tag = build(
      'esm-exports',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . /app/\nRUN rm /app/Dockerfile\nCMD ["node", "main.js"]\n`,
      ESM_APP,
    );
    const { tag: min, report: r } = minified(tag, '--check-cmd', 'node main.js');
    expect(r.verify).toMatchObject({ status: 'ok' });
    const before = run(tag);
    const after = run(min);
    expect(before.stdout).toBe('esm cjs feature-node internal-node\n');
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(before.stdout);
    const paths = r.kept.map((k) => k.path);
    for (const p of ['esm.mjs', 'cjs.cjs', 'lib/feature.cjs', 'package.json']) expect(paths).toContain(`/app/node_modules/dual/${p}`);
    expect(paths).toContain('/app/src/internal.js');
    for (const p of ['/app/node_modules/dual/index.js', '/app/node_modules/dual/lib/browser.cjs', '/app/src/browser.js']) expect(paths).not.toContain(p);
    const slim = distrolessStyle(tag, 'CMD ["/usr/bin/node", "main.js"]');
    expect(run(slim).stdout).toBe(before.stdout);
    compare('ESM app with exports conditions and imports', tag, min, slim);
  }, 1_800_000);
});
