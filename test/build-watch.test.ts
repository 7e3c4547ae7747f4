// whittle build --watch: the loop in process (src/build/watch.ts: which changes count, one more build
// for the changes seen during a build, never two at once) and the built CLI on a generated project
// and an OCI layout base: an app change rebuilds only the app layer, a lock file change the
// dependency layer, a failing change keeps the watch alive until a fix, the build's own output
// inside the project starts no build, and SIGINT ends it with 0 and leaves nothing behind. Every
// wait is on a line the process prints or an event the watcher reports, never on the clock.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBuilder } from '../src/build/index.js';
import { relevant, watchProject, type Watch } from '../src/build/watch.js';
import { openImage } from '../src/transports/open.js';
import { writeBase, writeProject } from './build-fixtures.js';
import { listAll } from './support/interrupt.js';
import { Lines } from './support/lines.js';
import { InProcessRegistry } from './support/registry-server.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-build-watch-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${++n}`);
const EPOCH = '1700000000';

/** Queue hands out values as they come, in order (the watcher's events, the loop's runs). */
class Queue<T> {
  private items: T[] = [];
  private waiting: (() => void) | null = null;
  push(item: T) {
    this.items.push(item);
    this.waiting?.();
  }
  async next(): Promise<T> {
    while (this.items.length === 0) {
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = null;
    }
    return this.items.shift()!;
  }
  /** drop forgets the items not taken yet (a second report of a write already waited for). */
  drop() {
    this.items = [];
  }
  /** until takes items until one passes test, and returns it. */
  async until(test: (item: T) => boolean): Promise<T> {
    for (;;) {
      const item = await this.next();
      if (test(item)) return item;
    }
  }
}

describe('Builder: what a watch keeps between builds', () => {
  it('takes the dependency layer from memory when no input changed or its key is the same, and not once it is gone', async () => {
    const dir = writeProject(fresh('builder'));
    const cache = fresh('cache');
    const base = await writeBase(`${fresh('base')}.tar`);
    const builder = createBuilder({ dir, base: await openImage(base), baseName: 'b', env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH, npm_config_offline: 'true', WHITTLE_CACHE_DIR: cache } });
    const build = async (changed?: string[]) => {
      const r = await builder.build(changed);
      await r.dispose();
      return { from: r.dependencySource, deps: r.dependencyLayer.digest, app: r.appLayer.digest };
    };
    try {
      const first = await build();
      expect(first.from).toBe('installed');
      writeFileSync(join(dir, 'server.js'), '// 2\n');
      const second = await build(['server.js']);
      expect(second).toMatchObject({ from: 'session', deps: first.deps });
      expect(second.app).not.toBe(first.app);
      expect(await build()).toMatchObject({ from: 'session', deps: first.deps }); // keyed again: the same key
      writeFileSync(join(dir, 'vendor/greet/index.js'), 'module.exports = () => "changed";\n');
      const changed = await build(['vendor/greet/index.js']);
      expect(changed.from).toBe('installed');
      expect(changed.deps).not.toBe(first.deps);
      rmSync(cache, { recursive: true, force: true }); // the kept layer's file with it
      expect(await build(['server.js'])).toMatchObject({ from: 'installed', deps: changed.deps });
    } finally {
      await builder.close();
    }
  });
});

describe('the watch loop (in process)', () => {
  let watch: Watch | null = null;
  afterEach(() => watch?.close());

  it('refuses a project directory that is not there, and ends when the one it watches goes', async () => {
    await expect(watchProject({ dir: join(tmp, 'no-such-project'), run: async () => undefined })).rejects.toMatchObject({ code: 'not-found' });
    const dir = writeProject(fresh('gone'));
    const runs = new Queue<readonly string[] | undefined>();
    let gone!: () => void;
    const ended = new Promise<void>((r) => (gone = r));
    watch = await watchProject({ dir, run: async (c) => runs.push(c), onGone: () => gone() });
    expect(await runs.next()).toBeUndefined();
    renameSync(dir, `${dir}-moved`);
    await ended; // told, instead of a process left with nothing to watch
  });

  it('counts app files, dependency inputs and control files, not what the build leaves out', async () => {
    const dir = writeProject(fresh('relevance'), { dockerignore: '*.spec.js\ndist\n!dist/keep.js\n' });
    mkdirSync(join(dir, 'dist'));
    mkdirSync(join(dir, 'out'));
    const changes = new Queue<[string | null, boolean]>();
    const runs = new Queue<readonly string[] | undefined>();
    watch = await watchProject({ dir, leaveOut: [join(dir, "out")], run: async (c) => runs.push(c), onChange: (rel, counts) => changes.push([rel, counts]) });
    expect(await runs.next()).toBeUndefined(); // the first build: everything
    expect(watch.watched()).toEqual(['', 'dist', 'lib', 'vendor', 'vendor/greet']); // no node_modules, no .git, not the output
    const seen = async (file: string, text = 'x\n') => {
      // a write may be told twice: the second telling of an earlier write of the file is not this one
      changes.drop();
      writeFileSync(join(dir, file), text);
      return (await changes.until(([rel]) => rel === file))[1];
    };
    expect(await seen('test.spec.js')).toBe(false); // .dockerignore leaves it out
    expect(await seen('dist/other.js')).toBe(false);
    expect(await seen('.app.tar.whittle-123-0123abcd.tmp')).toBe(false); // an atomic write's temporary
    expect(await seen('dist/keep.js')).toBe(true); // re-included by !dist/keep.js
    expect(await runs.next()).toEqual(['dist/keep.js']);
    expect(await seen('vendor/greet/index.js', 'module.exports = () => 1;\n')).toBe(true); // a local file: dependency
    expect(await seen('package-lock.json', '{}\n')).toBe(true);
    expect(await seen('lib/util.js')).toBe(true);
    mkdirSync(join(dir, 'lib/deep'));
    await changes.until(([rel]) => rel === 'lib/deep'); // told once it is watched
    expect(await seen('lib/deep/new.js')).toBe(true); // a directory that appeared is watched
    // a new .dockerignore is the rule from the build it starts on
    await runs.until((c) => c?.includes('lib/deep/new.js') === true);
    writeFileSync(join(dir, '.dockerignore'), 'lib\n');
    await runs.until((c) => c?.includes('.dockerignore') === true);
    expect(await seen('lib/util.js', 'module.exports = 4;\n')).toBe(false);
    expect(await seen('test.spec.js', 'y\n')).toBe(true);
  });

  it.each([
    ['node_modules/.package-lock.json', {}, false],
    ['node_modules/.package-lock.json', { prebuilt: true }, true],
    ['lib/node_modules/x.js', { prebuilt: true }, false],
    ['.git/index', { buildScript: 'build' }, false],
    ['scripts/build.js', { buildScript: 'build' }, true], // the script's copy holds it, whatever the rule
    ['scripts/build.js', {}, false],
    ['out/index.json', { buildScript: 'build' }, false], // the output
  ] as const)('%s with %o counts: %s', async (rel, flags, counts) => {
    const { Matcher, parseDockerignore } = await import('../src/context/dockerignore.js');
    const rule = { rule: '.dockerignore', matcher: new Matcher(parseDockerignore('scripts\nnode_modules\n.git\n')), keep: () => true };
    expect(relevant(rel, { rule, listed: [], locals: [] }, flags, ['out'])).toBe(counts);
  });

  it('runs one more build for the changes seen during a build, never two at once', async () => {
    const dir = writeProject(fresh('coalesce'));
    const changes = new Queue<string | null>();
    const runs = new Queue<readonly string[] | undefined>();
    let release: (() => void) | null = null;
    let inFlight = 0;
    let most = 0;
    watch = await watchProject({
      dir,
      run: async (c) => {
        inFlight++;
        most = Math.max(most, inFlight);
        runs.push(c);
        // the first build a change of server.js starts is held until released
        if (release === null && c?.includes('server.js')) await new Promise<void>((r) => (release = r));
        inFlight--;
      },
      onChange: (rel, counts) => counts && changes.push(rel),
    });
    expect(await runs.next()).toBeUndefined();
    writeFileSync(join(dir, 'server.js'), '// 2\n');
    expect(await runs.next()).toContain('server.js');
    // while that build is held: three files change, all seen before it ends. The watcher of lib/ and
    // that of the root tell their changes in either order, and one write may be told twice.
    writeFileSync(join(dir, 'lib/util.js'), '// 3\n');
    writeFileSync(join(dir, 'run.sh'), '// 4\n');
    writeFileSync(join(dir, 'lib/more.js'), '// 5\n');
    const seen = new Set<string | null>();
    while (!['lib/util.js', 'run.sh', 'lib/more.js'].every((rel) => seen.has(rel))) seen.add(await changes.next());
    release!();
    // one build for the three (and server.js again when its write was told twice)
    expect((await runs.next())?.filter((rel) => rel !== 'server.js')).toEqual(['lib/more.js', 'lib/util.js', 'run.sh']);
    expect(most).toBe(1);
  });
});

const BIN = resolve('bin/whittle.js');

interface WatchLine {
  build: number;
  status: 'written' | 'unchanged' | 'failed';
  changed: string[] | null;
  ms: number;
  dependencies?: 'installed' | 'cache' | 'session';
  manifestDigest?: string;
  appLayer?: { digest: string };
  dependencyLayer?: { digest: string };
  files?: { app: number };
  error?: { message: string };
}

/** startWatch runs `whittle build DIR --base oci:BASE:1 -o OUT --watch --json` with its own TMPDIR. */
function startWatch(dir: string, out: string, base: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const box = mkdtempSync(join(tmp, 'box-'));
  const child: ChildProcess = spawn(process.execPath, [BIN, 'build', dir, '--base', `oci:${base}:1`, '-o', out, '--watch', '--json', ...extra], {
    env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH, npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(box, 'cache'), TMPDIR: box, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new Lines(child.stdout!);
  const stderr = new Lines(child.stderr!);
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return {
    box,
    child,
    stderr,
    exited,
    next: async () => JSON.parse(await stdout.next()) as WatchLine,
    /** temporaries lists what whittle left in its TMPDIR (the build cache is not one). */
    temporaries: () => readdirSync(box).filter((name) => name !== 'cache'),
  };
}

/** layersOf reads the manifest's layer digests of what was written (whittle's own reader). */
async function layersOf(ref: string): Promise<string[]> {
  return (await (await openImage(ref)).manifest()).layers.map((l) => l.digest);
}

/**
 * replaceFile puts text at file in one step (written beside the project, then renamed over it): the
 * watch sees one change of a whole file, where a write in place can be seen half done.
 */
function replaceFile(file: string, text: string): void {
  const staged = join(tmp, `staged-${++n}`);
  writeFileSync(staged, text);
  renameSync(staged, file);
}

describe('whittle build --watch (command line)', () => {
  let layoutBase: string;
  const running: ChildProcess[] = [];
  beforeAll(async () => {
    layoutBase = await writeBase(join(tmp, 'base-oci'), { layout: true });
  });
  afterEach(() => {
    for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('rebuilds the app layer on an app change and the dependency layer on a lock file change, survives a failing change, and ends with 0 on SIGINT', async () => {
    const dir = writeProject(fresh('cli'), { dockerignore: 'node_modules\n*.spec.js\n' });
    const out = join(fresh('out'), 'layout');
    const ref = `oci:${out}:app`;
    const w = startWatch(dir, ref, layoutBase);
    running.push(w.child);
    expect(await w.stderr.next()).toBe(`whittle: watching ${dir} for changes (Ctrl-C stops)`);
    const first = await w.next();
    expect(first).toMatchObject({ build: 1, status: 'written', changed: null, dependencies: 'installed' });
    const firstLayers = await layersOf(ref);
    expect(firstLayers.slice(-2)).toEqual([first.dependencyLayer!.digest, first.appLayer!.digest]);
    /** writtenAfter is the first image written by a build that saw a change of rel (a failed or unchanged one before it is passed over). */
    const writtenAfter = async (rel: string) => {
      for (;;) {
        const line = await w.next();
        if (line.status === 'written' && line.changed?.includes(rel)) return line;
      }
    };

    // an app file: a new app layer, the same dependency layer, kept in memory
    replaceFile(join(dir, 'server.js'), 'console.log(2);\n');
    const second = await w.next();
    expect(second).toMatchObject({ build: 2, status: 'written', changed: ['server.js'], dependencies: 'session' });
    const secondLayers = await layersOf(ref);
    expect(secondLayers.at(-1)).toBe(second.appLayer!.digest);
    expect(secondLayers.at(-1)).not.toBe(firstLayers.at(-1));
    expect(secondLayers.slice(0, -1)).toEqual(firstLayers.slice(0, -1));

    // a local file: dependency changed: keyed again, installed again, a new dependency layer
    replaceFile(join(dir, 'vendor/greet/index.js'), 'module.exports = (name) => `hi ${name}`;\n');
    const third = await writtenAfter('vendor/greet/index.js');
    expect(third.dependencies).toBe('installed');
    const thirdLayers = await layersOf(ref);
    expect(thirdLayers.at(-2)).toBe(third.dependencyLayer!.digest);
    expect(thirdLayers.at(-2)).not.toBe(firstLayers.at(-2));
    // the lock file (its bytes: written again without indentation): installed again
    replaceFile(join(dir, 'package-lock.json'), JSON.stringify(JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'))) + '\n');
    expect((await writtenAfter('package-lock.json')).dependencies).toBe('installed');
    const lockLayers = await layersOf(ref);

    // a failing change (the entry gone): one whittle: line, and the watch goes on; the fix builds
    renameSync(join(dir, 'server.js'), join(dir, 'server.moved'));
    // (a build that was reading the files when server.js went fails reading it, and the next one runs)
    const entryGone = 'the entry server.js (package.json main) is not among the app files';
    let failed = await w.next();
    while (failed.status !== 'failed' || failed.error!.message !== entryGone) failed = await w.next();
    let said = await w.stderr.next();
    while (said !== `whittle: ${entryGone}`) {
      expect(said).toMatch(/^whittle: reading .*server\.js: no such file or directory$/);
      said = await w.stderr.next();
    }
    expect(await layersOf(ref)).toEqual(lockLayers); // the output keeps the last image written
    rmSync(join(dir, 'server.moved'));
    replaceFile(join(dir, 'server.js'), 'console.log(3);\n');
    let fixed = await w.next();
    while (fixed.status !== 'written') fixed = await w.next(); // a build may still see the entry gone, or the file half written
    expect(fixed).toMatchObject({ status: 'written', dependencies: 'session' });
    expect((await layersOf(ref)).at(-1)).toBe(fixed.appLayer!.digest);

    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
    expect(w.temporaries()).toEqual([]);
  });

  it('takes no app file from its own output inside the project, and starts no build for writing it', async () => {
    const dir = writeProject(fresh('inside'), { dockerignore: 'node_modules\n' });
    const out = join(dir, 'app.tar');
    const w = startWatch(dir, out, layoutBase);
    running.push(w.child);
    const first = await w.next();
    expect(first).toMatchObject({ build: 1, status: 'written' });
    replaceFile(join(dir, 'lib/util.js'), 'module.exports = 2;\n');
    const second = await w.next();
    // had the write of app.tar (or its temporary) counted, this would be another build, or hold app.tar
    expect(second).toMatchObject({ build: 2, status: 'written', changed: ['lib/util.js'] });
    expect(second.files!.app).toBe(first.files!.app);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.temporaries()).toEqual([]);
  });

  it('says unchanged and writes nothing when a change gives the image written last', async () => {
    const dir = writeProject(fresh('same'), { dockerignore: 'node_modules\n' });
    const out = join(fresh('out'), 'layout');
    const w = startWatch(dir, `oci:${out}:app`, layoutBase);
    running.push(w.child);
    const first = await w.next();
    const before = listAll(out);
    replaceFile(join(dir, 'server.js'), (await import('./build-fixtures.js')).SERVER_JS); // the same bytes again
    const again = await w.next();
    expect(again).toMatchObject({ build: 2, status: 'unchanged', manifestDigest: first.manifestDigest });
    expect(listAll(out)).toEqual(before);
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });

  it('pushes to a registry, asking again about no blob it pushed or found before', async () => {
    const reg = await InProcessRegistry.start();
    try {
      const dir = writeProject(fresh('registry'), { dockerignore: 'node_modules\n' });
      const w = startWatch(dir, `docker://${reg.host}/watch/app:1`, layoutBase, [], { DOCKER_CONFIG: join(tmp, 'no-docker-config') });
      running.push(w.child);
      const first = await w.next();
      expect(first.status).toBe('written');
      const firstLayers = reg.inspect('watch/app', '1').Layers;
      expect(firstLayers.at(-1)).toBe(first.appLayer!.digest);
      const from = reg.requests.length;
      replaceFile(join(dir, 'server.js'), 'console.log("pushed");\n');
      let next = await w.next();
      while (next.status !== 'written') next = await w.next();
      const layers = reg.inspect('watch/app', '1').Layers;
      expect(layers.at(-1)).toBe(next.appLayer!.digest);
      expect(layers.slice(0, -1)).toEqual(firstLayers.slice(0, -1));
      const asked = reg.requests.slice(from).filter((r) => r.method === 'HEAD').map((r) => r.path.replace(/^.*\/blobs\//, ''));
      for (const kept of firstLayers.slice(0, -1)) expect(asked).not.toContain(kept); // the base's and the dependency layer
      expect(asked).toContain(next.appLayer!.digest);
      w.child.kill('SIGINT');
      expect(await w.exited).toBe(0);
    } finally {
      await reg.stop();
    }
  });

  it('rewrites the SBOM after each build it writes', async () => {
    const dir = writeProject(fresh('sbom'), { dockerignore: 'node_modules\n' });
    const outDir = fresh('out');
    mkdirSync(outDir);
    const sbom = join(outDir, 'app.cdx.json');
    const w = startWatch(dir, `oci:${join(outDir, 'layout')}:app`, layoutBase, ['--sbom', 'cyclonedx', '--sbom-output', sbom]);
    running.push(w.child);
    const serial = () => (JSON.parse(readFileSync(sbom, 'utf8')) as { serialNumber: string }).serialNumber;
    const first = await w.next();
    expect(first).toMatchObject({ status: 'written', sbom: { path: sbom, format: 'cyclonedx' } });
    const before = serial();
    replaceFile(join(dir, 'server.js'), 'console.log("sbom");\n');
    let next = await w.next();
    while (next.status !== 'written') next = await w.next();
    expect(next.manifestDigest).not.toBe(first.manifestDigest);
    expect(serial()).not.toBe(before); // named after the new image's digest
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });

  it('SIGINT while a write is in flight: status 0, the output not written, nothing left', async () => {
    const dir = writeProject(fresh('interrupted'), { dockerignore: 'node_modules\n' });
    const parent = fresh('out');
    mkdirSync(parent);
    const w = startWatch(dir, `oci:${join(parent, 'layout')}:app`, layoutBase, ['--no-cache'], { WHITTLE_TEST_PAUSE_AT: 'output-writing' }); // no cache entry is written, atomically too
    running.push(w.child);
    let line = await w.stderr.next();
    while (line !== 'whittle-test-paused output-writing') line = await w.stderr.next();
    expect(readdirSync(parent)).toEqual([expect.stringMatching(/^\.layout\.whittle-\d+-[0-9a-f]{8}\.tmp$/)]);
    // the build's staging directory, and the builder's own (without the cache it keeps the dependency layer there)
    expect(w.temporaries()).toEqual([expect.stringMatching(/^whittle-build-/), expect.stringMatching(/^whittle-build-/)]);
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
    expect(readdirSync(parent)).toEqual([]);
    expect(w.temporaries()).toEqual([]);
  });
});
