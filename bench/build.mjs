// Benchmark: `whittle build` of a small node:http app with one local dependency, cold (empty build
// cache) and warm (base facts and dependency layer cached, one app file changed), against
// `docker build` of the same app's multi-stage Dockerfile with a warm engine cache (the same app
// file changed), in one run. Issue 15's target: the warm whittle build under a third of the warm
// engine build.
// The runtime base is the engine test's (Debian's nodejs on the bookworm minbase,
// test/engine/build.test.ts; built here if missing); the Dockerfile's install stage is the minbase
// with the host's node and npm copied in (no registry is reachable from a build).
// Usage: npm run build && node bench/build.mjs [runs=3]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const runs = Number(process.argv[2] ?? 3);
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

const seconds = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};
const cache = join(work, 'cache');
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', WHITTLE_CACHE_DIR: cache, npm_config_offline: 'true' };
const whittle = (base, out) => execFileSync(process.execPath, ['bin/whittle.js', 'build', app, '--base', base, '-o', out], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const baseArchive = join(work, 'base.tar');
docker('save', '-o', baseArchive, BASE);

const rows = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// engine: one build to warm its cache, then builds with one app file changed
docker('build', '-q', '-t', 'whittle-build/bench-engine:1', app);
const engineWarm = [];
for (let i = 1; i <= runs; i++) {
  writeFileSync(join(app, 'server.js'), serverJs(`engine ${process.pid} ${i}`));
  engineWarm.push(seconds(() => docker('build', '-q', '-t', 'whittle-build/bench-engine:1', app)));
}
rows.push(['docker build, multi-stage, warm engine cache, one app file changed', median(engineWarm)]);
for (const [label, base, out] of [
  ['docker-daemon: base → docker-daemon:', `docker-daemon:${BASE}`, 'docker-daemon:whittle-build/bench-app:1'],
  ['docker-archive base → docker-archive', `docker-archive:${baseArchive}`, `docker-archive:${join(work, 'out.tar')}:whittle-build/bench-app:1`],
]) {
  rmSync(cache, { recursive: true, force: true });
  writeFileSync(join(app, 'server.js'), serverJs('cold'));
  rows.push([`whittle build, ${label}, cold (empty cache)`, seconds(() => whittle(base, out))]);
  const warm = [];
  for (let i = 1; i <= runs; i++) {
    writeFileSync(join(app, 'server.js'), serverJs(`whittle ${process.pid} ${i}`));
    warm.push(seconds(() => whittle(base, out)));
  }
  rows.push([`whittle build, ${label}, warm, one app file changed`, median(warm)]);
}
// registry base → registry: with the base facts cached and the base's blobs already in the
// registry, a warm build moves no base byte (Debian's docker-registry, when installed)
const REGISTRY_BIN = '/usr/bin/docker-registry';
if (spawnSync('test', ['-x', REGISTRY_BIN]).status === 0 && spawnSync('sh', ['-c', 'command -v skopeo'], { stdio: 'ignore' }).status === 0) {
  const { createServer } = await import('node:net');
  const port = await new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => res(p));
    });
  });
  const regDir = join(work, 'registry');
  mkdirSync(join(regDir, 'storage'), { recursive: true });
  writeFileSync(join(regDir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(regDir, 'storage')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const { spawn } = await import('node:child_process');
  const registry = spawn(REGISTRY_BIN, ['serve', join(regDir, 'config.yml')], { stdio: 'ignore' });
  try {
    const host = `127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://${host}/v2/`).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${baseArchive}`, `docker://${host}/node-base:1`]);
    rmSync(cache, { recursive: true, force: true });
    writeFileSync(join(app, 'server.js'), serverJs('cold'));
    const label = 'docker:// base → docker:// (same registry)';
    rows.push([`whittle build, ${label}, cold (empty cache)`, seconds(() => whittle(`docker://${host}/node-base:1`, `docker://${host}/app:1`))]);
    const warm = [];
    for (let i = 1; i <= runs; i++) {
      writeFileSync(join(app, 'server.js'), serverJs(`registry ${process.pid} ${i}`));
      warm.push(seconds(() => whittle(`docker://${host}/node-base:1`, `docker://${host}/app:1`)));
    }
    rows.push([`whittle build, ${label}, warm, one app file changed`, median(warm)]);
  } finally {
    registry.kill('SIGTERM');
  }
}
const engine = rows[0][1];
for (const [label, s] of rows) console.log(`${s.toFixed(2).padStart(7)} s  ${(s / engine).toFixed(2).padStart(5)}× engine  ${label}`);
spawnSync('docker', ['rmi', '-f', 'whittle-build/bench-engine:1', 'whittle-build/bench-app:1'], { stdio: 'ignore' });
