// docker-daemon: sink, partial loads: an image whose bottom layers the engine already holds is
// loaded without their bytes (src/sinks/engine-layers.ts), and still runs and lists every layer;
// an image on a base the engine lacks is sent whole.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeTreeLayer } from '../../src/build/layer.js';
import type { Image, Layer } from '../../src/image/image.js';
import { composeImage, keptLayers } from '../../src/rewrite/compose.js';
import { loadIntoDaemon } from '../../src/sinks/daemon.js';
import { openImage } from '../../src/transports/open.js';
import { describeWith } from '../support/tools.js';
import { tinyElf } from '../support/tiny-elf.js';
import { randomUUID } from 'node:crypto';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-partial-load-'));
const BASE = `whittle-test/partial-base:${process.pid}`;
const OUT = `whittle-test/partial-out:${process.pid}`;
const FULL = `whittle-test/partial-full:${process.pid}`;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}


/** onTop is base plus one layer holding /added (text), with every layer's compressed() reads counted by index. */
async function onTop(base: Image, text: string, reads: number[]): Promise<Image> {
  const src = join(tmp, `added-${text}`);
  writeFileSync(src, text);
  const written = await writeTreeLayer(join(tmp, `layer-${text}.tar.gz`), [{ path: 'added', type: 'file', source: src }], { mtime: 1700000000, uid: 0, gid: 0, level: 6 });
  const kept = await keptLayers(base);
  const raw = JSON.parse(Buffer.from(await base.rawConfig()).toString('utf8')) as Record<string, unknown>;
  const config: Record<string, unknown> = { ...raw, rootfs: { type: 'layers', diff_ids: [...kept.diffIds, written.diffId] }, history: [] };
  delete config.container_config;
  const image = composeImage({ reference: 'test', kept, written: [written], configBytes: Buffer.from(JSON.stringify(config)) });
  const counted = async (): Promise<Layer[]> =>
    (await image.layers()).map((l, i) => ({
      ...l,
      compressed: async () => {
        reads[i] = (reads[i] ?? 0) + 1;
        return l.compressed();
      },
    }));
  return { ...image, layers: counted };
}

/** addedIn reads /added out of a container of image. */
function addedIn(image: string): string {
  const id = docker('create', image).trim();
  try {
    return execFileSync('sh', ['-c', `docker cp "${id}:/added" - | tar -xOf -`], { encoding: 'utf8' });
  } finally {
    docker('rm', '-f', id);
  }
}

describeWith(['docker'], 'docker-daemon: partial loads', () => {
  beforeAll(() => {
    const root = join(tmp, 'rootfs');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'hello'), tinyElf(), { mode: 0o755 });
    writeFileSync(join(root, 'pid'), `${process.pid} ${randomUUID()}\n`); // a base no other run has
    execFileSync('tar', ['-C', root, '-cf', join(tmp, 'rootfs.tar'), '.']);
    docker('import', '--change', 'CMD ["/hello"]', join(tmp, 'rootfs.tar'), BASE);
    docker('save', '-o', join(tmp, 'base.tar'), BASE);
  });
  afterAll(() => {
    for (const t of [OUT, FULL]) execFileSync('docker', ['rmi', '-f', t], { stdio: 'ignore' });
    execFileSync('docker', ['rmi', '-f', BASE], { stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves out the base the engine holds; the image runs and lists every layer', async () => {
    const base = await openImage(`docker-daemon:${BASE}`);
    const reads: number[] = [];
    const image = await onTop(base, 'partial', reads);
    const id = await loadIntoDaemon(image, OUT);
    expect(id).toBe(await image.configDigest());
    expect(reads[0]).toBeUndefined(); // the base layer's bytes were never read
    expect(reads[1]).toBe(1);
    const diffIds = await Promise.all((await image.layers()).map((l) => l.diffId()));
    expect(JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', OUT))).toEqual(diffIds);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', OUT).trim()).toBe(id);
    expect(docker('run', '--rm', OUT).trim()).toBe('ok');
    expect(addedIn(OUT)).toBe('partial');
  });

  it('a rebuild over the tag it wrote before leaves out what that image holds', async () => {
    // the base read from an archive: this process has read nothing from the engine for it, but the
    // output tag's current image (the previous test's) starts with the same layer
    const base = await openImage(`docker-archive:${join(tmp, 'base.tar')}`);
    const reads: number[] = [];
    const image = await onTop(base, 'again', reads);
    await loadIntoDaemon(image, OUT);
    expect(reads[0]).toBeUndefined();
    expect(addedIn(OUT)).toBe('again');
    expect(docker('run', '--rm', OUT).trim()).toBe('ok');
  });

  it('sends every layer when the engine lacks the base', async () => {
    const root = join(tmp, 'rootfs2');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'hello'), tinyElf(), { mode: 0o755 });
    writeFileSync(join(root, 'fresh'), `${process.pid} ${randomUUID()} fresh\n`);
    execFileSync('tar', ['-C', root, '-cf', join(tmp, 'rootfs2.tar'), '.']);
    // an archive made without the engine: a docker save layout of one layer
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const layer = readFileSync(join(tmp, 'rootfs2.tar'));
    const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/hello'] }, rootfs: { type: 'layers', diff_ids: [diffId] } }));
    const configHex = createHash('sha256').update(config).digest('hex');
    const dir = join(tmp, 'fresh');
    mkdirSync(join(dir, 'l'), { recursive: true });
    writeFileSync(join(dir, 'l', 'layer.tar'), layer);
    writeFileSync(join(dir, `${configHex}.json`), config);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: `${configHex}.json`, RepoTags: null, Layers: ['l/layer.tar'] }]));
    execFileSync('tar', ['-C', dir, '-cf', join(tmp, 'fresh.tar'), '.']);
    const base = await openImage(`docker-archive:${join(tmp, 'fresh.tar')}`);
    const reads: number[] = [];
    const image = await onTop(base, 'full', reads);
    await loadIntoDaemon(image, FULL);
    expect(reads).toEqual([1, 1]);
    expect(docker('run', '--rm', FULL).trim()).toBe('ok');
    expect(addedIn(FULL)).toBe('full');
  });
});
