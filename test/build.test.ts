// whittle build without an engine: a generated Node project (one local file: dependency, so npm ci
// needs no registry) on generated fake bases. What goes in, how it is owned and dated, that the
// digests are reproducible and move only with what changed, and that bad input fails before any
// output is written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build/index.js';
import { scanLayer } from '../src/layers/scan.js';
import { openImage } from '../src/transports/open.js';
import { copyProject, writeBase, writeProject } from './build-fixtures.js';
import { makeElf } from './support/elf-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const EPOCH = '1700000000';
const env = { ...process.env, SOURCE_DATE_EPOCH: EPOCH, npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache') };
let glibcBase: string;
let muslBase: string;
let nodeless: string;

beforeAll(async () => {
  process.env.npm_config_offline = 'true';
  glibcBase = await writeBase(join(tmp, 'glibc-base.tar'));
  muslBase = await writeBase(join(tmp, 'musl-base.tar'), { libc: 'musl' });
  nodeless = await writeBase(join(tmp, 'nodeless.tar'), { node: false });
});

let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${++n}`);

async function run(dir: string, opts: Partial<BuildOptions> & { baseRef?: string } = {}) {
  const ref = opts.baseRef ?? glibcBase;
  const warnings: string[] = [];
  const result = await build({ dir, base: await openImage(ref), baseName: ref, env, onWarning: (m) => warnings.push(m), ...opts });
  const layers = await result.image.layers();
  const manifest = await result.image.manifest();
  const config = await result.image.config();
  const digest = await result.image.digest();
  const scans = [];
  for (const l of layers.slice(-2)) scans.push((await scanLayer(l)).entries);
  await result.dispose();
  return { result, digest, manifest, config, deps: scans[0]!, app: scans[1]!, warnings };
}

const paths = (entries: { path: string }[]) => entries.map((e) => e.path);

describe('whittle build (library)', () => {
  it('puts production dependencies, then the app, on the base, owned by 65532 and dated SOURCE_DATE_EPOCH', async () => {
    const dir = writeProject(fresh('app'), { dockerignore: '*.spec.js\nvendor\n' });
    const { deps, app, config, manifest, result } = await run(dir);
    expect(manifest.layers).toHaveLength(3);
    expect(paths(deps)).toEqual(['app', 'app/node_modules', 'app/node_modules/.package-lock.json', 'app/node_modules/greet', 'app/node_modules/greet/index.js', 'app/node_modules/greet/package.json']);
    expect(paths(app)).toEqual(['app', 'app/.dockerignore', 'app/lib', 'app/lib/util.js', 'app/package-lock.json', 'app/package.json', 'app/run.sh', 'app/server.js']);
    for (const e of [...deps, ...app]) {
      expect([e.uid, e.gid, e.mtime]).toEqual([65532, 65532, Number(EPOCH)]);
      expect(e.mode).toBe(e.type === 'file' && !e.path.endsWith('run.sh') ? 0o644 : 0o755);
    }
    expect(config.config).toMatchObject({ Entrypoint: ['/usr/bin/node', '/app/server.js'], WorkingDir: '/app', User: '65532:65532' });
    expect(config.config?.Cmd).toBeUndefined();
    expect(config.config?.Env).toContain('NODE_ENV=production');
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.history!.slice(-2).map((h) => h.comment)).toEqual(['dependencies', 'app']);
    expect(manifest.annotations?.['org.opencontainers.image.base.digest']).toMatch(/^sha256:/);
    expect(result.base).toMatchObject({ libc: 'glibc', glibcVersion: '2.36', nodeVersion: { version: '18.19.0' } });
  });

  it('takes package.json files when there is no .dockerignore', async () => {
    const dir = writeProject(fresh('files'), { files: ['server.js', 'lib'] });
    const { app } = await run(dir);
    expect(paths(app)).toEqual(['app', 'app/lib', 'app/lib/util.js', 'app/package.json', 'app/server.js']);
  });

  it('gives the same manifest digest from two copies of the project in different temp dirs', async () => {
    const a = writeProject(fresh('same'), { dockerignore: 'node_modules\n' });
    const b = copyProject(a, join(mkdtempSync(join(tmp, 'other-')), 'elsewhere'));
    // without the cache: both install and write every layer
    const [x, y] = [await run(a, { cache: false }), await run(b, { cache: false })];
    expect(y.digest).toBe(x.digest);
    expect([x.result.cached, y.result.cached]).toEqual([{ base: false, dependencies: false }, { base: false, dependencies: false }]);
  });

  it('reuses the base facts and the dependency layer from the cache, with the same digest', async () => {
    const a = writeProject(fresh('cache'), { greetVersion: '3.0.0' }); // a lock no other test has: a cold cache
    const cold = await run(a);
    const warm = await run(a);
    expect(cold.result.cached.dependencies).toBe(false);
    expect(warm.result.cached).toEqual({ base: true, dependencies: true });
    expect(warm.digest).toBe(cold.digest);
    // a changed local dependency is a new key: installed again
    writeFileSync(join(a, 'vendor/greet/index.js'), 'module.exports = (name) => `hi ${name}`;\n');
    const changed = await run(a);
    expect(changed.result.cached.dependencies).toBe(false);
    expect(changed.manifest.layers[1]!.digest).not.toBe(cold.manifest.layers[1]!.digest);
  });

  it('changing one app file changes only the app layer; changing the lock file changes the dependency layer', async () => {
    const a = writeProject(fresh('change'));
    const before = await run(a);
    writeFileSync(join(a, 'lib/util.js'), 'module.exports = 2;\n');
    const appChanged = await run(a);
    expect(appChanged.manifest.layers.slice(0, 2)).toEqual(before.manifest.layers.slice(0, 2));
    expect(appChanged.manifest.layers[2]!.digest).not.toBe(before.manifest.layers[2]!.digest);
    const b = writeProject(fresh('lock'), { greetVersion: '1.0.1' });
    writeFileSync(join(b, 'lib/util.js'), 'module.exports = 2;\n');
    const lockChanged = await run(b);
    expect(lockChanged.manifest.layers[1]!.digest).not.toBe(appChanged.manifest.layers[1]!.digest);
    expect(lockChanged.manifest.layers[2]!.digest).not.toBe(appChanged.manifest.layers[2]!.digest); // the lock file is an app file too
  });

  it('resolves the entry from the start script, and runs node from the base\'s PATH', async () => {
    const dir = writeProject(fresh('start'), { main: null, start: 'node --enable-source-maps server.js' });
    const { config } = await run(dir, { ports: ['3000'], labels: ['org.example.team=web'] });
    expect(config.config?.Entrypoint).toEqual(['/usr/bin/node', '/app/server.js']);
    expect(config.config?.ExposedPorts).toEqual({ '3000/tcp': {} });
    expect(config.config?.Labels).toEqual({ 'org.example.team': 'web' });
  });

  it('warns when the base\'s Node does not satisfy engines.node', async () => {
    const dir = writeProject(fresh('engines'), { engines: '>=20' });
    const { warnings } = await run(dir);
    expect(warnings).toEqual(['the base has Node 18.19.0 (the nodejs package 18.19.0+dfsg-6~deb12u2); package.json engines.node asks for >=20']);
  });

  it('runs --build-script with dev dependencies in a staging copy, and takes only its output and the production dependencies', async () => {
    const dir = writeProject(fresh('script'), { buildScript: true });
    const { deps, app, config } = await run(dir, { buildScript: 'build' });
    expect(paths(app)).toEqual(['app', 'app/dist', 'app/dist/server.js', 'app/package.json']);
    expect(paths(deps).filter((p) => p.includes('devtool'))).toEqual([]);
    expect(config.config?.Entrypoint).toEqual(['/usr/bin/node', '/app/dist/server.js']);
    expect(existsSync(join(dir, 'dist'))).toBe(false); // the project itself is never written
    await expect(run(dir, { buildScript: 'nope' })).rejects.toThrow('--build-script nope: package.json has no script named "nope"');
    writeFileSync(join(dir, 'scripts/build.js'), "console.error('boom: no compiler');\nprocess.exit(3);\n");
    const failed = (await run(dir, { buildScript: 'build' }).then(() => new Error('built'), (e: unknown) => e)) as Error;
    expect(failed.message).toMatch(/^running the build script build: `npm run build` failed \(exit 3\): .*boom: no compiler$/);
    expect(failed.message).not.toContain('\n');
  });

  it('uses yarn for a yarn.lock, and says so when yarn is not on PATH', async () => {
    const dir = writeProject(fresh('yarn'), { lock: false });
    writeFileSync(join(dir, 'yarn.lock'), '# yarn lockfile v1\n');
    const noYarn = { ...env, PATH: join(tmp, 'empty-path') };
    await expect(build({ dir, base: await openImage(glibcBase), baseName: 'b', env: noYarn, cache: false })).rejects.toThrow(
      "installing production dependencies: yarn is not on PATH (the project's lock file is yarn's)",
    );
  });

  it('takes node_modules from the project only with --prebuilt', async () => {
    const dir = writeProject(fresh('prebuilt'));
    const { deps } = await run(dir, { prebuilt: true });
    expect(paths(deps)).toEqual(['app', 'app/node_modules', 'app/node_modules/stale', 'app/node_modules/stale/index.js']);
  });

  it('fails naming the package when a glibc addon meets a musl base, or an arm64 addon an amd64 base', async () => {
    const dir = writeProject(fresh('addon'));
    mkdirSync(join(dir, 'node_modules/fastthing/build/Release'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/fastthing/build/Release/fast.node'), makeElf({ machine: 62, needed: ['libc.so.6'], tail: 'GLIBC_2.17' }));
    await expect(run(dir, { prebuilt: true, baseRef: muslBase })).rejects.toThrow(
      'the native addon app/node_modules/fastthing/build/Release/fast.node of package fastthing cannot load on the base: it links glibc, the base has musl',
    );
    await expect(run(dir, { prebuilt: true })).resolves.toBeTruthy();
    writeFileSync(join(dir, 'node_modules/fastthing/build/Release/fast.node'), makeElf({ machine: 183, needed: ['libc.so.6'] }));
    await expect(run(dir, { prebuilt: true })).rejects.toThrow(/of package fastthing cannot load on the base: it is built for arm64, the base is amd64/);
  });

  it('dates files by the last git commit without SOURCE_DATE_EPOCH, and warns before falling back to 2000-01-01', async (ctx) => {
    const dir = writeProject(fresh('dates'));
    const noEpoch = { ...env, SOURCE_DATE_EPOCH: '' };
    const warnings: string[] = [];
    const fallback = await build({ dir, base: await openImage(glibcBase), baseName: 'b', env: noEpoch, onWarning: (m) => warnings.push(m) }).then(async (r) => {
      await r.dispose();
      return r;
    });
    expect(fallback.epoch).toEqual({ seconds: 946684800, from: 'fallback' });
    expect(warnings).toEqual([expect.stringMatching(/^neither SOURCE_DATE_EPOCH nor a git commit dates .*: files are dated 2000-01-01T00:00:00Z; set SOURCE_DATE_EPOCH$/)]);
    const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { env: { ...process.env, GIT_AUTHOR_DATE: '@1600000000 +0000', GIT_COMMITTER_DATE: '@1600000000 +0000', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    if (git('init', '-q').status !== 0) return ctx.skip();
    git('add', '.');
    expect(git('commit', '-qm', 'x').status).toBe(0);
    const dated = await build({ dir, base: await openImage(glibcBase), baseName: 'b', env: noEpoch });
    await dated.dispose();
    expect(dated.epoch).toEqual({ seconds: 1600000000, from: 'git' });
  });
});

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('whittle build (command line): one clear error, no output', () => {
  it.each([
    ['no package.json', (d: string) => mkdirSync(d), [], /^whittle: .* has no package\.json: whittle build builds a Node project\n$/],
    ['no lock file', (d: string) => writeProject(d, { lock: false }), [], /^whittle: .* has no lock file \(package-lock\.json, npm-shrinkwrap\.json, yarn\.lock, pnpm-lock\.yaml\): run `npm install`/],
    ['an entry that is not there', (d: string) => writeProject(d), ['--entry', 'nope.js'], /^whittle: the entry nope\.js \(--entry\) is not among the app files\n$/],
    ['a base without node', (d: string) => writeProject(d), ['--base', 'NODELESS'], /^whittle: the base .* has no node on its PATH: choose a Node runtime base\n$/],
    ['a base that cannot be read', (d: string) => writeProject(d), ['--base', 'docker-archive:/nonexistent/base.tar'], /^whittle: .*no such file or directory\n$/],
  ])('%s', (_name, make, extra, message) => {
    const dir = fresh('cli');
    make(dir);
    const outDir = mkdtempSync(join(tmp, 'out-'));
    const args = ['build', dir, '-o', join(outDir, 'app.tar'), '--base', glibcBase, ...extra].map((a) => (a === 'NODELESS' ? nodeless : a));
    const r = whittle(...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('writes a docker-archive and prints the layers', () => {
    const dir = writeProject(fresh('cli-ok'));
    const out = join(tmp, 'cli-ok.tar');
    const r = whittle('build', dir, '-o', out, '--base', glibcBase, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { entry: string; manifestDigest: string; files: { app: number } };
    expect(summary.entry).toBe('server.js');
    expect(existsSync(out)).toBe(true);
  });
});
