// The docker-daemon sink's partial loads and the daemon source's documents cache, against a fake
// engine on a unix socket that records what it is asked and sent (the real engine's behaviour is
// checked in test/engine/daemon-partial-load.test.ts).
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ociFixture } from '../../test/registry-helpers.js';
import { daemonImage } from '../sources/daemon/index.js';
import { openImage } from '../transports/open.js';
import { commonPrefix } from './engine-layers.js';
import { loadIntoDaemon } from './daemon.js';
import { writeDockerArchive } from './layout.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-daemon-sink-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface FakeEngine {
  /** RootFS.Layers per image name (an image is also found by its Id). */
  images: Record<string, { Id: string; layers: string[] }>;
  driverType?: string;
  /** answers of successive loads: an error message, or null to accept. */
  loadAnswers: (string | null)[];
  /** a docker save archive served for GET /images/{name}/get. */
  exportFile?: string;
}

interface Seen {
  loads: string[][];
  gets: number;
  /** the names or IDs exports were asked for. */
  exported: string[];
}

let server: Server | undefined;
afterEach(() => server?.close());

async function fakeEngine(fake: FakeEngine): Promise<{ addr: { socketPath: string; display: string }; seen: Seen }> {
  const seen: Seen = { loads: [], gets: 0, exported: [] };
  const socketPath = join(mkdtempSync(join(tmp, 'sock-')), 'engine.sock');
  server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    if (url === '/info') return res.end(JSON.stringify({ DriverStatus: fake.driverType ? [['driver-type', fake.driverType]] : [['Backing Filesystem', 'extfs']] }));
    const m = /^\/images\/(.+)\/(json|get)$/.exec(url);
    if (m) {
      const img = fake.images[m[1]!] ?? Object.values(fake.images).find((i) => i.Id === m[1]);
      if (!img) {
        res.statusCode = 404;
        return res.end('{"message":"no such image"}');
      }
      if (m[2] === 'json') return res.end(JSON.stringify({ Id: img.Id, RootFS: { Type: 'layers', Layers: img.layers } }));
      seen.gets++;
      seen.exported.push(m[1]!);
      return createReadStream(fake.exportFile!).pipe(res);
    }
    if (url.startsWith('/images/load')) {
      const names: string[] = [];
      const extract = tar.extract();
      extract.on('entry', (h, stream, next) => {
        names.push(h.name);
        stream.resume();
        stream.on('end', next);
      });
      extract.on('finish', () => {
        seen.loads.push(names);
        const answer = fake.loadAnswers.shift() ?? null;
        res.end(answer === null ? '{"stream":"Loaded image"}\n' : JSON.stringify({ errorDetail: { message: answer }, error: answer }) + '\n');
      });
      req.pipe(extract);
      return;
    }
    res.statusCode = 500;
    res.end('{"message":"unexpected"}');
  });
  await new Promise<void>((r) => server!.listen(socketPath, r));
  return { addr: { socketPath, display: `unix://${socketPath}` }, seen };
}

const layerFiles = (names: string[]) => names.filter((n) => n.endsWith('/layer.tar'));

describe('commonPrefix', () => {
  it.each([
    [['a', 'b', 'c'], ['a', 'b'], 2],
    [['a', 'b'], ['a', 'b', 'c'], 2],
    [['a', 'b'], ['b', 'a'], 0],
    [[], ['a'], 0],
  ])('%j over %j is %i', (want, have, n) => expect(commonPrefix(want, have)).toBe(n));
});

describe('docker-daemon: sink, layers the engine holds', () => {
  it('leaves out the bottom layers an image of the engine starts with, and lists them all', async () => {
    const fx = ociFixture(tmp, 'held');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const diffIds = await Promise.all((await image.layers()).map((l) => l.diffId()));
    const { addr, seen } = await fakeEngine({ images: { 'app:1': { Id: 'sha256:x', layers: [diffIds[0]!, 'sha256:other'] } }, loadAnswers: [null] });
    await loadIntoDaemon(image, 'app:1', { engine: addr });
    expect(seen.loads).toHaveLength(1);
    const digests = await Promise.all((await image.layers()).map(async (l) => `${(await l.digest()).slice(7)}/layer.tar`));
    expect(layerFiles(seen.loads[0]!)).toEqual([digests[1]]);
  });

  it('sends everything again when the engine refuses the tar without them', async () => {
    const fx = ociFixture(tmp, 'refused');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const diffIds = await Promise.all((await image.layers()).map((l) => l.diffId()));
    const { addr, seen } = await fakeEngine({ images: { 'app:1': { Id: 'sha256:x', layers: diffIds } }, loadAnswers: ['open layer.tar: no such file or directory', null] });
    await loadIntoDaemon(image, 'app:1', { engine: addr });
    expect(seen.loads.map((l) => layerFiles(l).length)).toEqual([0, 2]);
  });

  it('sends everything to an engine with the containerd image store, and when told to', async () => {
    const fx = ociFixture(tmp, 'containerd');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const diffIds = await Promise.all((await image.layers()).map((l) => l.diffId()));
    const images = { 'app:1': { Id: 'sha256:x', layers: diffIds } };
    const one = await fakeEngine({ images, driverType: 'io.containerd.snapshotter.v1', loadAnswers: [null] });
    await loadIntoDaemon(image, 'app:1', { engine: one.addr });
    expect(seen(one)).toEqual([2]);
    server!.close();
    const two = await fakeEngine({ images, loadAnswers: [null] });
    await loadIntoDaemon(image, 'app:1', { engine: two.addr, leaveOutHeld: false });
    expect(seen(two)).toEqual([2]);
    function seen(e: { seen: Seen }) {
      return e.seen.loads.map((l) => layerFiles(l).length);
    }
  });
});

describe('docker-daemon: source with a documents cache', () => {
  it('exports only when a layer is read, and gives the same image', async () => {
    const fx = ociFixture(tmp, 'cached');
    const archive = join(tmp, 'export.tar');
    await writeDockerArchive(await openImage(`oci:${fx.dir}:v1`), archive, 'base:1');
    const fromArchive = await openImage(`docker-archive:${archive}`);
    const id = await fromArchive.configDigest();
    const { addr, seen } = await fakeEngine({ images: { 'base:1': { Id: id, layers: [] } }, loadAnswers: [], exportFile: archive });
    const cacheDir = join(tmp, 'cache');
    const first = await daemonImage('base:1', 'docker-daemon:base:1', {}, addr, { cacheDir });
    expect(seen.gets).toBe(1);
    const second = await daemonImage('base:1', 'docker-daemon:base:1', {}, addr, { cacheDir });
    expect(await second.digest()).toBe(await first.digest());
    expect(await second.configDigest()).toBe(id);
    expect(await second.tags()).toEqual(await first.tags());
    expect(seen.gets).toBe(1); // documents from the cache
    const read = await (await second.layers())[1]!.read();
    read.tar.resume();
    expect((await read.stats).diffId).toBe(await (await first.layers())[1]!.diffId());
    expect(seen.gets).toBe(2);
    expect(seen.exported).toEqual(['base:1', id]); // by image ID: the name may have moved meanwhile
    // without the cache, every open exports
    await daemonImage('base:1', 'docker-daemon:base:1', {}, addr);
    expect(seen.gets).toBe(3);
  });

  it('a cached entry whose config does not hash to the image ID is not used', async () => {
    const fx = ociFixture(tmp, 'stale');
    const archive = join(tmp, 'stale.tar');
    await writeDockerArchive(await openImage(`oci:${fx.dir}:v1`), archive, 'base:1');
    const id = await (await openImage(`docker-archive:${archive}`)).configDigest();
    const { addr, seen } = await fakeEngine({ images: { 'base:1': { Id: id, layers: [] } }, loadAnswers: [], exportFile: archive });
    const cacheDir = join(tmp, 'cache-stale');
    await daemonImage('base:1', 'docker-daemon:base:1', {}, addr, { cacheDir });
    const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');
    const entry = join(cacheDir, readdirSync(cacheDir).find((n) => n.startsWith('daemon-'))!);
    const doc = JSON.parse(readFileSync(entry, 'utf8')) as { config: string };
    writeFileSync(entry, JSON.stringify({ ...doc, config: Buffer.from('{"rootfs":{"type":"layers","diff_ids":[]}}').toString('base64') }));
    const again = await daemonImage('base:1', 'docker-daemon:base:1', {}, addr, { cacheDir });
    expect(seen.gets).toBe(2);
    expect(await again.configDigest()).toBe(id);
  });
});
