// Benchmark: `whittle build` of a small node:http app with one local dependency, cold (empty build
// cache) and warm (base facts and dependency layer cached, one app file changed), against a warm
// `docker build` of the same app's multi-stage Dockerfile (the same app file changed), with both of
// the engine's builders: BuildKit (Debian's docker CLI in /tmp/cibin, DOCKER_BUILDKIT=1) and the
// classic builder (DOCKER_BUILDKIT=0). Issue 15's target: the warm whittle build under a third of
// the warm engine build. Whittle writes to each sink from a base of the same kind: the engine
// (docker-daemon:), a docker-archive, an OCI layout and a registry (Debian's docker-registry).
// The machine is shared, so the warm builds run in interleaved rounds (one of each per round) and
// the medians of wall and CPU time (user + system of the client process: the engine's own work is
// not in a `docker build`'s CPU figure) are printed.
// `whittle build --watch` is timed too, one process per sink started before the rounds (each on its
// own copy of the app, so a change starts one watch's build only): a round writes the changed
// server.js and waits for the line the watch prints for it (JSON Lines), timed in this process from
// before the write; its CPU is the watch process's (/proc/PID/stat) over the same span, and the
// build's own time in the process (the line's `ms`) is printed beside it.
// The runtime base is the engine test's (Debian's nodejs on the bookworm minbase,
// test/engine/build.test.ts; built here if missing); the Dockerfile's install stage is the minbase
// with the host's node and npm copied in (no registry is reachable from a build).
// Usage: npm run build && node bench/build.mjs [rounds=5]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './lib/timed.mjs';

const rounds = Number(process.argv[2] ?? 5);
// WHITTLE_BENCH_BIN: another checkout's bin/whittle.js, to time a before and an after in one way;
// WHITTLE_BENCH_BEFORE: another checkout's bin/whittle.js timed in the same rounds as this one's,
// for the OCI layout and the registry (its rows say "before"), so a before and an after share the load
const WHITTLE = process.env.WHITTLE_BENCH_BIN ?? fileURLToPath(new URL('../bin/whittle.js', import.meta.url));
const BEFORE = process.env.WHITTLE_BENCH_BEFORE;
const CIBIN = '/tmp/cibin';
const MINBASE = 'whittle-test/bookworm-minbase:1';
const BASE = 'whittle-build/node-base:1';
const BUILDER = 'whittle-build/npm-builder:1';
const work = mkdtempSync(join(tmpdir(), 'whittle-bench-build-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const has = (tag) => spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0;

if (!has(BASE)) {
  const ctx = join(work, 'base');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${MINBASE}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\n`);
  docker('build', '-q', '-t', BASE, ctx);
}
if (!has(BUILDER)) {
  const ctx = join(work, 'builder');
  mkdirSync(ctx);
  cpSync(realpathSync(process.execPath), join(ctx, 'node'));
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  cpSync(resolve(dirname(npmCli), '..'), join(ctx, 'npm'), { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${MINBASE}\nCOPY node /usr/local/bin/node\nCOPY npm /usr/local/lib/node_modules/npm\nRUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm\n`);
  docker('build', '-q', '-t', BUILDER, ctx);
}

// the app: the fixture of the build tests (test/build-fixtures.ts), written out here
const app = join(work, 'app');
{
  mkdirSync(join(app, 'vendor/greet'), { recursive: true });
  writeFileSync(join(app, 'vendor/greet/package.json'), '{"name":"greet","version":"1.0.0","main":"index.js"}\n');
  writeFileSync(join(app, 'vendor/greet/index.js'), 'module.exports = (name) => `hello ${name}`;\n');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'server.js', dependencies: { greet: 'file:vendor/greet' } }, null, 2) + '\n');
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0', dependencies: { greet: 'file:vendor/greet' } }, 'node_modules/greet': { resolved: 'vendor/greet', link: true }, 'vendor/greet': { version: '1.0.0' } } }, null, 2) + '\n',
  );
}
const serverJs = (n) => `const http = require('node:http');\nconst greet = require('greet');\nhttp.createServer((req, res) => res.end(greet('run ${n}') + '\\n')).listen(3000);\n`;
writeFileSync(join(app, 'server.js'), serverJs(0));
writeFileSync(join(app, '.dockerignore'), 'node_modules\nDockerfile\n');
writeFileSync(
  join(app, 'Dockerfile'),
  [
    `FROM ${BUILDER} AS deps`,
    'WORKDIR /app',
    'COPY package.json package-lock.json ./',
    'COPY vendor ./vendor',
    'RUN npm ci --omit=dev --offline --no-audit --no-fund',
    `FROM ${BASE}`,
    'WORKDIR /app',
    'COPY --from=deps /app/node_modules ./node_modules',
    'COPY . .',
    'ENV NODE_ENV=production',
    'USER 65532:65532',
    'ENTRYPOINT ["node", "/app/server.js"]',
    '',
  ].join('\n'),
);

const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true' };
const cacheOf = (name) => join(work, `cache-${name}`);
const whittle = (name, base, out, bin = WHITTLE) => () => timed(process.execPath, [bin, 'build', app, '--base', base, '-o', out], { env: { ...env, WHITTLE_CACHE_DIR: cacheOf(name) } });
const engineBuild = (buildkit) => () =>
  timed('docker', ['build', '-q', '-t', 'whittle-build/bench-engine:1', app], {
    env: { ...process.env, DOCKER_BUILDKIT: buildkit ? '1' : '0', ...(buildkit ? { PATH: `${CIBIN}:${process.env.PATH}` } : {}) },
  });

// the bases, one of each kind: an archive and an OCI layout made from the engine's, and a registry
const baseArchive = join(work, 'base.tar');
docker('save', '-o', baseArchive, BASE);
const baseLayout = join(work, 'base-oci');
execFileSync('skopeo', ['copy', '--quiet', `docker-archive:${baseArchive}`, `oci:${baseLayout}:1`]);
const REGISTRY_BIN = '/usr/bin/docker-registry';
let registry;
let host;
if (existsSync(REGISTRY_BIN)) {
  const port = await new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => res(p));
    });
  });
  const regDir = join(work, 'registry');
  mkdirSync(join(regDir, 'storage'), { recursive: true });
  writeFileSync(join(regDir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(regDir, 'storage')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  registry = spawn(REGISTRY_BIN, ['serve', join(regDir, 'config.yml')], { stdio: 'ignore' });
  process.on('exit', () => registry.kill('SIGTERM'));
  host = `127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://${host}/v2/`).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${baseArchive}`, `docker://${host}/node-base:1`]);
}

const watches = [];
/** cpuOf is a process's CPU time so far (user + system, seconds) from /proc. */
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const cpuOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime (fields 14 and 15)
};

/**
 * watcher starts `whittle build --watch --json` on its own copy of the app and returns a contender:
 * each call writes a changed server.js into that copy and resolves when the watch prints the line of
 * a build that saw it.
 */
async function watcher(name, base, out) {
  const dir = join(work, `app-watch-${name}`);
  cpSync(app, dir, { recursive: true });
  const child = spawn(process.execPath, [WHITTLE, 'build', dir, '--base', base, '-o', out, '--watch', '--json'], {
    env: { ...env, WHITTLE_CACHE_DIR: cacheOf(`watch-${name}`) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  watches.push(child);
  process.on('exit', () => child.kill('SIGINT'));
  const lines = [];
  let wake = null;
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    rest += d;
    const parts = rest.split('\n');
    rest = parts.pop();
    for (const p of parts) lines.push(JSON.parse(p));
    wake?.();
  });
  child.on('exit', (code) => {
    lines.push({ status: 'failed', error: { message: `the watch process ended (${code})` } });
    wake?.();
  });
  const nextLine = async () => {
    while (lines.length === 0) await new Promise((r) => (wake = r));
    return lines.shift();
  };
  const first = await nextLine();
  if (first.status !== 'written') throw new Error(`whittle build --watch (${name}): ${JSON.stringify(first)}`);
  let n = 0;
  return async () => {
    const text = serverJs(`${process.pid} watch ${++n}`);
    const cpu0 = cpuOf(child.pid);
    const start = process.hrtime.bigint();
    writeFileSync(join(dir, 'server.js'), text);
    for (;;) {
      const line = await nextLine();
      if (line.status === 'failed') throw new Error(`whittle build --watch (${name}): ${line.error.message}`);
      if (line.status === 'written' && line.changed?.includes('server.js')) {
        return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: cpuOf(child.pid) - cpu0, ms: line.ms };
      }
    }
  };
}

if (!existsSync(join(CIBIN, 'docker'))) throw new Error(`${CIBIN}/docker (Debian's docker CLI, for BuildKit) is missing`);
const contenders = [
  ['docker build, BuildKit', engineBuild(true)],
  ['docker build, classic builder', engineBuild(false)],
  ['whittle, docker-daemon: → docker-daemon:', whittle('daemon', `docker-daemon:${BASE}`, 'docker-daemon:whittle-build/bench-app:1')],
  ['whittle, docker-archive → docker-archive', whittle('archive', `docker-archive:${baseArchive}`, `docker-archive:${join(work, 'out.tar')}:whittle-build/bench-app:1`)],
  ['whittle, oci: → oci: (an existing layout)', whittle('oci', `oci:${baseLayout}:1`, `oci:${join(work, 'out-oci')}:app`)],
  ...(host ? [['whittle, docker:// → docker:// (same registry)', whittle('registry', `docker://${host}/node-base:1`, `docker://${host}/app:1`)]] : []),
  ...(BEFORE
    ? [
        ['before: whittle, oci: → oci: (an existing layout)', whittle('oci-before', `oci:${baseLayout}:1`, `oci:${join(work, 'out-oci-before')}:app`, BEFORE)],
        ...(host ? [['before: whittle, docker:// → docker:// (same registry)', whittle('registry-before', `docker://${host}/node-base:1`, `docker://${host}/app-before:1`, BEFORE)]] : []),
      ]
    : []),
  ['whittle build --watch, oci: → oci:', await watcher('oci', `oci:${baseLayout}:1`, `oci:${join(work, 'out-oci-watch')}:app`)],
  ...(host ? [['whittle build --watch, docker:// → docker://', await watcher('registry', `docker://${host}/node-base:1`, `docker://${host}/app-watch:1`)]] : []),
  ['whittle build --watch, docker-daemon: → docker-daemon:', await watcher('daemon', `docker-daemon:${BASE}`, 'docker-daemon:whittle-build/bench-app-watch:1')],
  // the floor of a docker-archive output: the base's bytes copied once, over the previous output
  ['floor: cp of the base archive, renamed over the last copy', () => timed('sh', ['-c', 'cp "$1" "$2.tmp" && mv "$2.tmp" "$2"', 'sh', baseArchive, join(work, 'floor.tar')])],
];

let change = 0;
const changed = () => writeFileSync(join(app, 'server.js'), serverJs(`${process.pid} ${++change}`));
const cold = new Map();
for (const [label, run] of contenders) {
  changed();
  // the engine's cold build is not the comparison (its cache holds the base and install stage);
  // its first build here only warms it (a watch's first build was its start)
  cold.set(label, await run());
}
const warm = new Map(contenders.map(([label]) => [label, []]));
for (let r = 0; r < rounds; r++) {
  for (const [label, run] of contenders) {
    changed();
    warm.get(label).push(await run());
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wallOf = (label) => median(warm.get(label).map((t) => t.seconds));
const bk = wallOf(contenders[0][0]);
const classic = wallOf(contenders[1][0]);
console.log(`warm: median of ${rounds} interleaved rounds, one app file changed before each build`);
console.log('   wall     CPU   × BuildKit  × classic  build');
for (const [label] of contenders) {
  const w = wallOf(label);
  const cpu = median(warm.get(label).map((t) => t.cpu));
  const ms = warm.get(label)[0].ms !== undefined ? `; the build's own time in the watch process: ${median(warm.get(label).map((t) => t.ms))} ms` : '';
  console.log(`${w.toFixed(3).padStart(6)} s ${cpu.toFixed(2).padStart(5)} s ${(w / bk).toFixed(2).padStart(8)}×  ${(w / classic).toFixed(2).padStart(7)}×  ${label}, warm${ms}`);
}
for (const [label] of contenders.slice(2, -1).filter(([l]) => !l.includes('--watch'))) {
  const t = cold.get(label);
  console.log(`${t.seconds.toFixed(2).padStart(6)} s ${t.cpu.toFixed(2).padStart(5)} s ${(t.seconds / bk).toFixed(2).padStart(8)}×  ${(t.seconds / classic).toFixed(2).padStart(7)}×  ${label}, cold (empty cache)`);
}
spawnSync('docker', ['rmi', '-f', 'whittle-build/bench-engine:1', 'whittle-build/bench-app:1', 'whittle-build/bench-app-watch:1'], { stdio: 'ignore' });
// the registry child keeps the event loop alive: without this the bench printed its table and never exited
registry?.kill('SIGTERM');
for (const w of watches) w.kill('SIGINT');
