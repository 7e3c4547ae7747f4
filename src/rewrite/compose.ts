// One way to make a new Image from layers of an existing one plus layers whittle wrote: the kept
// layers' blobs pass through (digests kept), the written ones are read from the files they were
// written to and stay movable (a local sink adopts them instead of copying, and their digests,
// computed as they were written, are not computed again). squash and strip (replaceTop), minify,
// and build (appendLayers) all compose their results here; each decides its own config.
import { createReadStream } from 'node:fs';
import { WhittleError } from '../errors.js';
import { digestOf, type Digest } from '../image/digest.js';
import { localFileOf, type Image, type Layer, type WrittenLayer as MovableLayer } from '../image/image.js';
import { MediaType, ociLayerType } from '../image/mediatypes.js';
import { fromManifest } from '../image/partial/index.js';
import type { Descriptor, Manifest } from '../image/spec.js';
import type { WrittenLayer } from './layer-writer.js';

/** KeptLayers are the first layers of an image, as the new image's manifest and config list them. */
export interface KeptLayers {
  layers: Layer[];
  descriptors: Descriptor[];
  diffIds: Digest[];
}

/** keptLayers describes image's first `keep` layers (all of them when keep is undefined). */
export async function keptLayers(image: Image, keep?: number): Promise<KeptLayers> {
  const all = await image.layers();
  const n = keep ?? all.length;
  if (n < 0 || n > all.length) throw new WhittleError('usage', `cannot keep ${n} of ${all.length} layers`);
  const source = await image.manifest();
  const out: KeptLayers = { layers: all.slice(0, n), descriptors: [], diffIds: [] };
  for (const [i, l] of out.layers.entries()) {
    const d = source.layers[i];
    out.descriptors.push({
      mediaType: ociLayerType(await l.mediaType()),
      digest: await l.digest(),
      size: await l.size(),
      ...(d?.urls ? { urls: d.urls } : {}),
      ...(d?.annotations ? { annotations: d.annotations } : {}),
    });
    out.diffIds.push(await l.diffId());
  }
  return out;
}

/** readWritten streams the blob whittle wrote, from where it starts in its file. */
export function readWritten(layer: WrittenLayer) {
  return createReadStream(layer.file, { start: layer.offset, ...(layer.size > 0 ? { end: layer.offset + layer.size - 1 } : {}), highWaterMark: 1 << 20 });
}

export interface ComposeOptions {
  reference: string;
  kept: KeptLayers;
  written: readonly WrittenLayer[];
  /** the config, whose rootfs.diff_ids must be kept.diffIds followed by the written layers'. */
  configBytes: Buffer;
  annotations?: Record<string, string>;
  tags?: string[];
}

/** composeImage is the image of the kept layers, then the written ones, with the given config. */
export function composeImage(opts: ComposeOptions): Image {
  const { reference, kept, written, configBytes } = opts;
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: digestOf(configBytes), size: configBytes.length };
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: [...kept.descriptors, ...written.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }))],
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const byDigest = new Map<string, Layer>(kept.layers.map((l, i) => [kept.descriptors[i]!.digest, l]));
  const mine = new Map(written.map((l) => [l.digest, l]));
  const image = fromManifest({
    reference,
    rawManifest: Buffer.from(JSON.stringify(manifest)),
    ...(opts.tags ? { tags: opts.tags } : {}),
    store: {
      async openBlob(d) {
        const w = mine.get(d.digest);
        if (w) return readWritten(w);
        const l = byDigest.get(d.digest);
        if (!l) throw new WhittleError('missing-blob', `${reference} has no blob ${d.digest}`);
        return l.compressed();
      },
      async readBlob(d) {
        if (d.digest !== configDescriptor.digest) throw new WhittleError('missing-blob', `${reference} has no document ${d.digest}`);
        return configBytes;
      },
    },
  });
  // The written blobs were hashed as whittle wrote them: copying them out needs no second hash, and
  // a kept layer whittle wrote itself (minify --split's system layer) stays movable too; the other
  // kept layers' blobs are checked once, by their own source.
  const trusted = async (): Promise<Layer[]> => {
    const all = await image.layers();
    const n = kept.layers.length;
    const top = all.slice(n).map((l, i): MovableLayer => {
      const w = written[i]!;
      return { ...l, compressed: async () => readWritten(w), localFile: { path: w.file, offset: w.offset } };
    });
    // a kept layer's blob is streamed by the layer itself, which checks it against the digest the
    // manifest lists (Layer.compressed's contract): checking it here too hashed every base byte twice
    return [
      ...all.slice(0, n).map((l, i): Layer => {
        const k = kept.layers[i]!;
        return localFileOf(k) ? k : { ...l, compressed: () => k.compressed() };
      }),
      ...top,
    ];
  };
  let layersMemo: Promise<Layer[]> | undefined;
  return { ...image, layers: () => (layersMemo ??= trusted()) };
}
