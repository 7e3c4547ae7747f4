// composeImage hands out a kept layer's blob as the kept layer streams it: the layer checks its own
// bytes (Layer.compressed's contract), so the composed image does not hash them a second time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ociFixture } from '../../test/registry-helpers.js';
import type { Image, Layer } from '../image/image.js';
import { readAll } from '../sources/daemon/engine.js';
import { openImage } from '../transports/open.js';
import { composeImage, keptLayers } from './compose.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-compose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** withStreams is image whose layers stream the given bytes instead of their blobs, unchecked. */
function withStreams(image: Image, bytes: Buffer, calls: number[]): Image {
  return {
    ...image,
    layers: async () =>
      (await image.layers()).map(
        (l, i): Layer => ({
          ...l,
          compressed: async () => {
            calls[i] = (calls[i] ?? 0) + 1;
            return Readable.from([bytes]);
          },
        }),
      ),
  };
}

describe('composeImage', () => {
  it('streams a kept layer through the layer itself, without a second check', async () => {
    const fx = ociFixture(tmp, 'compose');
    const source = await openImage(`oci:${fx.dir}:v1`);
    const calls: number[] = [];
    // bytes that match no digest: only the source's own (here absent) check could refuse them
    const base = withStreams(source, Buffer.from('not the blob'), calls);
    const kept = await keptLayers(base);
    const composed = composeImage({ reference: 'x', kept, written: [], configBytes: Buffer.from(await base.rawConfig()) });
    const layers = await composed.layers();
    expect((await readAll(await layers[1]!.compressed())).toString()).toBe('not the blob');
    expect(calls).toEqual([undefined, 1]);
    expect(await layers[1]!.digest()).toBe(kept.descriptors[1]!.digest);
  });

  it('a kept layer whose source checks its bytes still fails on a bad blob', async () => {
    const fx = ociFixture(tmp, 'checked');
    const source = await openImage(`oci:${fx.dir}:v1`);
    const kept = await keptLayers(source);
    const { writeFileSync } = await import('node:fs');
    const hex = kept.descriptors[0]!.digest.slice('sha256:'.length);
    const size = kept.descriptors[0]!.size;
    writeFileSync(join(fx.dir, 'blobs', 'sha256', hex), Buffer.alloc(size, 1)); // same size, other bytes
    const composed = composeImage({ reference: 'x', kept, written: [], configBytes: Buffer.from(await source.rawConfig()) });
    await expect(readAll(await (await composed.layers())[0]!.compressed())).rejects.toMatchObject({ code: 'digest-mismatch' });
  });
});
