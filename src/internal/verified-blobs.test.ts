// Blobs checked once are copied out of the same unchanged archive without hashing them again; any
// change to the file makes them checked again.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll } from '../sources/daemon/engine.js';
import { openImage } from '../transports/open.js';
import { fileRangeIdentity, VerifiedBlobs } from './verified-blobs.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-verified-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** legacyArchive writes a `docker save` directory layout of one uncompressed layer (a DirSource). */
function legacyArchive(name: string, layer: Buffer, claimedDiffId?: string): string {
  const dir = join(tmp, name);
  const diffId = claimedDiffId ?? `sha256:${createHash('sha256').update(layer).digest('hex')}`;
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }));
  const hex = createHash('sha256').update(config).digest('hex');
  mkdirSync(join(dir, 'l'), { recursive: true });
  writeFileSync(join(dir, 'l', 'layer.tar'), layer);
  writeFileSync(join(dir, `${hex}.json`), config);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: `${hex}.json`, RepoTags: null, Layers: ['l/layer.tar'] }]));
  return dir;
}

const tarOf = (text: string) => {
  const b = Buffer.alloc(2048);
  b.write(text, 512);
  return b;
};

describe('VerifiedBlobs', () => {
  it('records a layer read through and skips hashing it next time; a changed file is checked again', async () => {
    const cacheDir = join(tmp, 'cache');
    const dir = legacyArchive('a', tarOf('first'));
    const once = await openImage(`docker-archive:${dir}`, { cacheDir });
    const [layer] = await once.layers();
    const identity = (await fileRangeIdentity(join(dir, 'l', 'layer.tar'), 0, 2048))!;
    expect(await new VerifiedBlobs(cacheDir).has(identity, await layer!.digest())).toBe(false);
    await readAll(await layer!.compressed());
    expect(await new VerifiedBlobs(cacheDir).has(identity, await layer!.digest())).toBe(true);

    // same size, other bytes: a new identity, so the blob is hashed again and the mismatch found
    const file = join(dir, 'l', 'layer.tar');
    const before = readFileSync(file);
    writeFileSync(file, tarOf('other'));
    utimesSync(file, new Date(1000), new Date(1000));
    const changed = await openImage(`docker-archive:${dir}`, { cacheDir });
    await expect(readAll(await (await changed.layers())[0]!.compressed())).rejects.toMatchObject({ code: 'digest-mismatch' });
    writeFileSync(file, before);
  });

  it('a recorded identity is trusted: the bytes are passed on without a hash', async () => {
    const cacheDir = join(tmp, 'cache-forged');
    // the config claims a digest the bytes do not have
    const dir = legacyArchive('forged', tarOf('bytes'), `sha256:${'1'.repeat(64)}`);
    const image = await openImage(`docker-archive:${dir}`, { cacheDir });
    await expect(readAll(await (await image.layers())[0]!.compressed())).rejects.toMatchObject({ code: 'digest-mismatch' });
    const identity = (await fileRangeIdentity(join(dir, 'l', 'layer.tar'), 0, 2048))!;
    new VerifiedBlobs(cacheDir).add(identity, `sha256:${'1'.repeat(64)}`);
    expect((await readAll(await (await image.layers())[0]!.compressed())).length).toBe(2048);
    // without the cache, it is checked
    const plain = await openImage(`docker-archive:${dir}`);
    await expect(readAll(await (await plain.layers())[0]!.compressed())).rejects.toMatchObject({ code: 'digest-mismatch' });
  });

  it('a read stopped early records nothing', async () => {
    const cacheDir = join(tmp, 'cache-early');
    const dir = legacyArchive('early', tarOf('early'));
    const image = await openImage(`docker-archive:${dir}`, { cacheDir });
    const s = await (await image.layers())[0]!.compressed();
    s.destroy();
    const identity = (await fileRangeIdentity(join(dir, 'l', 'layer.tar'), 0, 2048))!;
    expect(await new VerifiedBlobs(cacheDir).has(identity, await (await image.layers())[0]!.digest())).toBe(false);
  });
});
