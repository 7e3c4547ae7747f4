import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalTar } from './direct-read.js';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'whittle-direct-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** LocalBlob is what readLocalTar reads: where the bytes are, and what they must be. */
interface LocalBlob {
  blobRange: () => Promise<{ path: string; offset: number; size: number }>;
  expected: { what: string; digest?: string; size?: number; diffId: string };
}

/** a local blob over bytes written at an offset of a file, as a member of an archive lies. */
async function localLayer(name: string, blob: Uint8Array, expected: Partial<LocalBlob['expected']> = {}, offset = 0): Promise<LocalBlob> {
  const file = path.join(dir, name);
  await writeFile(file, Buffer.concat([Buffer.alloc(offset, 7), blob, Buffer.alloc(3, 9)]));
  return {
    expected: { what: 'layer 1', digest: sha(blob), size: blob.length, diffId: sha(blob), ...expected },
    blobRange: async () => ({ path: file, offset, size: blob.length }),
  };
}

const readLocal = (l: LocalBlob, consume: (c: Uint8Array) => void, onBytes?: (n: number) => void) => readLocalTar(l.blobRange, l.expected, consume, onBytes);

async function collect(layer: LocalBlob) {
  const seen = createHash('sha256');
  let bytes = 0;
  let progress = 0;
  const read = await readLocal(layer, (c) => {
    seen.update(c);
    bytes += c.length;
  }, (n) => (progress += n));
  return { stats: read?.stats, file: read?.file, consumed: `sha256:${seen.digest('hex')}`, bytes, progress };
}

// sizes on both sides of the thread threshold (8 MiB) and of the 1 MiB slots, one not a multiple of them
describe.each([
  ['an empty blob', 0],
  ['a small blob, hashed on the main thread', 300_000],
  ['a blob over the thread threshold, hashed on the worker', (9 << 20) + 12_345],
  ['a blob of exactly four slots', 4 << 20],
])('readLocalTar: %s', (_name, size) => {
  it('hands every byte to the consumer once, in order, and verifies the digests', async () => {
    const blob = randomBytes(size);
    const layer = await localLayer(`ok-${size}`, blob, {}, 1536);
    const { stats, consumed, bytes, progress } = await collect(layer);
    expect(stats).toEqual({ digest: sha(blob), size, diffId: sha(blob), uncompressedSize: size, compression: 'none' });
    expect(consumed).toBe(sha(blob));
    expect(bytes).toBe(size);
    expect(progress).toBe(size);
  });
});

describe('readLocalTar refuses what the streamed read refuses, with its messages', () => {
  const blob = randomBytes((9 << 20) + 1);

  it('a blob whose bytes are not its digest', async () => {
    const layer = await localLayer('bad-digest', blob, { digest: sha(Buffer.from('other')) });
    await expect(collect(layer)).rejects.toThrow(`layer 1: blob digest is ${sha(blob)}, expected ${sha(Buffer.from('other'))}`);
  });

  it('content that is not the diff_id', async () => {
    const layer = await localLayer('bad-diffid', blob, { diffId: sha(Buffer.from('other')) });
    await expect(collect(layer)).rejects.toThrow(`layer 1: uncompressed content hashes to ${sha(blob)}, but the config lists diff_id ${sha(Buffer.from('other'))}`);
  });

  it('a file shorter than its descriptor says (truncated)', async () => {
    const layer = await localLayer('short', blob, { size: blob.length + 10 });
    await expect(collect(layer)).rejects.toThrow(`layer 1: blob has ${blob.length} bytes, its descriptor says ${blob.length + 10} (truncated)`);
  });

  it('a consumer error is thrown after the blob was checked, and a digest error wins over it', async () => {
    const good = await localLayer('consumer', blob);
    await expect(readLocal(good, () => {
      throw new Error('bad tar');
    })).rejects.toThrow('bad tar');
    const bad = await localLayer('consumer-bad', blob, { digest: sha(Buffer.from('other')) });
    await expect(readLocal(bad, () => {
      throw new Error('bad tar');
    })).rejects.toThrow('blob digest is');
  });

  it('a compressed blob is left to the streamed read', async () => {
    const gz = gzipSync(blob.subarray(0, 1000));
    const layer = await localLayer('gzip', gz);
    let called = false;
    expect(await readLocal(layer, () => void (called = true))).toBeNull();
    expect(called).toBe(false);
  });

  it('blobs read at the same time keep their own digests', async () => {
    const blobs = [randomBytes((9 << 20) + 7), randomBytes((12 << 20) + 3), randomBytes(10 << 20)];
    const layers = await Promise.all(blobs.map((b, i) => localLayer(`par-${i}`, b)));
    const results = await Promise.all(layers.map((l) => collect(l)));
    results.forEach((r, i) => {
      expect(r.stats!.digest).toBe(sha(blobs[i]!));
      expect(r.consumed).toBe(sha(blobs[i]!));
    });
  });
});

describe('digestAt reads ranges of a checked file again only while it is unchanged', () => {
  it('hashes the ranges, and refuses once the file was written to', async () => {
    const blob = randomBytes(3 << 20);
    const layer = await localLayer('again', blob, {}, 512);
    const { file } = await collect(layer);
    expect(file).toBeDefined();
    const ranges = [{ offset: 0, size: 10 }, { offset: 1_000_000, size: 2 << 20 }, { offset: 5, size: 0 }];
    expect(await file!.digestAt(ranges)).toEqual(ranges.map((r) => sha(blob.subarray(r.offset, r.offset + r.size))));
    // the same bytes written again: a new modification time is a new file as far as the check goes
    await new Promise((r) => setTimeout(r, 20));
    await writeFile((await layer.blobRange()).path, Buffer.concat([Buffer.alloc(512, 7), blob, Buffer.alloc(3, 9)]));
    expect(await file!.digestAt(ranges)).toBeNull();
  });

  it('takes as many ranges as a layer has files (a chown -R rewrites every one with its size)', async () => {
    const blob = randomBytes(4096);
    const { file } = await collect(await localLayer('many', blob));
    const ranges = Array.from({ length: 300_000 }, (_, i) => ({ offset: i % 4000, size: i % 2 }));
    const got = await file!.digestAt(ranges);
    expect(got).toHaveLength(300_000);
    expect(got![1]).toBe(sha(blob.subarray(1, 2)));
  });
});
