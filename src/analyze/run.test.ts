import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage, file as member, ociLayout, writeDir } from '../../test/support/image-writer.js';
import type { Image, Layer, LocalLayer } from '../image/image.js';
import { openImage } from '../transports/open.js';
import { file, whiteout } from './testing.js';
import { analyzeImage, digestEmptyFiles, sameSizeRewrites } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** countingReads wraps an image so every whole read of a layer is counted: as a stream (layer.read()) or by offset from its file (readLocal()); streamOnly hides the file. */
function countingReads(image: Image, streamOnly = false): { image: Image; reads: () => number } {
  let reads = 0;
  const wrapped = Object.create(image) as Image;
  wrapped.layers = async () =>
    (await image.layers()).map((l): Layer => {
      const read = async () => (reads++, l.read());
      const local = (l as Partial<LocalLayer>).readLocal;
      if (!local || streamOnly) return { digest: l.digest, diffId: l.diffId, size: l.size, mediaType: l.mediaType, compressed: l.compressed, read };
      const counted: LocalLayer = { ...l, read, readLocal: (consume, onBytes) => (reads++, local.call(l, consume, onBytes)) };
      return counted;
    });
  return { image: wrapped, reads: () => reads };
}

describe('sameSizeRewrites', () => {
  it('names both copies of a file a later layer writes again with the same size, and nothing else', () => {
    const layers = [
      [file('etc/status', 400), file('bin/tool', 1000), file('same-layer', 5), file('same-layer', 5)],
      [file('bin/tool', 999), whiteout('etc/other')],
      [file('etc/status', 400)],
    ];
    const out = sameSizeRewrites(layers);
    expect([...out.keys()].sort()).toEqual([0, 2]);
    expect([...out.get(0)!]).toEqual(['etc/status']);
    expect([...out.get(2)!]).toEqual(['etc/status']);
  });
  it('compares with the latest version below', () => {
    const out = sameSizeRewrites([[file('a', 1)], [file('a', 2)], [file('a', 2)]]);
    expect([...out.entries()].map(([k, v]) => [k, [...v]])).toEqual([[1, ['a']], [2, ['a']]]);
  });
  it('compares sizes too large to pack (128 GiB and more) exactly, also when a file grows into or out of that range', () => {
    const big = 2 ** 40 + 1;
    const out = sameSizeRewrites([[file('a', big), file('b', big), file('c', 7)], [file('a', big), file('b', big + 1), file('c', big)], [file('c', 7)], [file('b', big + 1)]]);
    expect([...out.entries()].map(([k, v]) => [k, [...v].sort()]).sort()).toEqual([[0, ['a']], [1, ['a', 'b']], [3, ['b']]]);
  });
});

describe('digestEmptyFiles', () => {
  it('gives empty rewritten files the empty digest without reading, and leaves a layer with content to hash alone', () => {
    const empty = [file('var/lib/dpkg/lock', 0), file('other', 0)];
    expect(digestEmptyFiles(empty, new Set(['var/lib/dpkg/lock']))).toBe(true);
    expect(empty.map((e) => e.contentDigest)).toEqual(['sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', undefined]);
    const mixed = [file('lock', 0), file('status', 10), whiteout('gone')];
    expect(digestEmptyFiles(mixed, new Set(['lock', 'status', 'gone']))).toBe(false);
    expect(mixed.map((e) => e.contentDigest)).toEqual([undefined, undefined, undefined]);
  });
});

describe('analyzeImage', () => {
  it('reads a layer once when the only files rewritten with the same size are empty, and still counts them as metadata-only rewrites', async () => {
    const img = await buildImage([
      [member('var/lib/dpkg/lock', ''), member('usr/lib/big', 'x'.repeat(5000))],
      [member('var/lib/dpkg/lock', ''), member('etc/status', 'one')],
      [member('var/lib/dpkg/lock', ''), member('etc/status', 'two')],
    ]);
    const dir = writeDir(join(tmp, 'empty-rewrites'), ociLayout(img, { refName: 'x', gzip: false }).files);
    // a layer that is only a stream is read again whole to hash etc/status
    const streamed = countingReads(await openImage(`oci:${dir}:x`), true);
    const analysis = await analyzeImage(streamed.image);
    expect(analysis.layers.map((l) => l.modified.metadataOnly)).toEqual([0, 1, 1]); // the lock each time; etc/status holds new bytes
    expect(streamed.reads()).toBe(5); // three layers once, and the two with etc/status again
    // a layer read from its file gives etc/status's bytes by offset: no layer is read twice, same figures
    const local = countingReads(await openImage(`oci:${dir}:x`));
    const again = await analyzeImage(local.image);
    expect(local.reads()).toBe(3);
    expect(again).toEqual(analysis);
  });

  it('tells a metadata-only rewrite from new bytes of the same size by reading those files at their offsets in the layer files', async () => {
    const img = await buildImage([
      [member('etc/a', 'same bytes'), member('etc/b', 'old bytes!'), member('usr/x', 'x'.repeat(3000))],
      [member('etc/a', 'same bytes', 0o600), member('etc/b', 'new bytes!')],
    ]);
    const dir = writeDir(join(tmp, 'offset-digests'), ociLayout(img, { refName: 'x', gzip: false }).files);
    const local = countingReads(await openImage(`oci:${dir}:x`));
    const analysis = await analyzeImage(local.image);
    expect(local.reads()).toBe(2);
    expect(analysis.layers[1]!.modified).toEqual({ count: 2, bytes: 20, metadataOnly: 1 });
    expect(analysis.wasted.top.map((w) => [w.path, w.how])).toEqual([['etc/a', 'metadata-only'], ['etc/b', 'overwritten']]);
  });

  it('analyzes a layer entry of 20,000 path components (hostile input)', async () => {
    // (path-ids.test.ts holds the numbering of such a path to time linear in its length)
    const deep = Array.from({ length: 20_000 }, () => 'd').join('/');
    const img = await buildImage([[member(`${deep}/f`, 'one')], [member(`${deep}/f`, 'two'), member('g', 'x')]]);
    const dir = writeDir(join(tmp, 'deep'), ociLayout(img, { refName: 'x', gzip: false }).files);
    const analysis = await analyzeImage(await openImage(`oci:${dir}:x`));
    expect(analysis.sizes.fileCount).toBe(2);
    expect(analysis.dive.inefficiencies.map((i) => [i.path.length, i.count, i.cumulativeSize])).toEqual([[deep.length + 2, 2, 6]]);
  });
});
