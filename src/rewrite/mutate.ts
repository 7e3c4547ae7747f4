// replaceTop builds a new Image from an existing one: its first `keep` layers as they are (blobs
// passed through, digests kept), then one new layer written by whittle, with the config's diff_ids
// and history rewritten to match and everything else (runtime config, labels) preserved. Squash
// (merged layers replace the top) and strip (a layer of whiteouts on top) both end here.
import { createReadStream } from 'node:fs';
import { WhittleError } from '../errors.js';
import { digestOf, type Digest } from '../image/digest.js';
import { localFileOf, type Image, type Layer, type WrittenLayer as MovableLayer } from '../image/image.js';
import { MediaType, ociLayerType } from '../image/mediatypes.js';
import { fromManifest } from '../image/partial/index.js';
import type { Descriptor, HistoryEntry, Manifest } from '../image/spec.js';
import type { WrittenLayer } from './layer-writer.js';

/** rewriteHistory marks the history entries of layers from `from` up empty (they live in the new layer) and appends entry. */
export function rewriteHistory(history: HistoryEntry[] | undefined, from: number, entry: HistoryEntry): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let layer = 0;
  for (const h of history ?? []) {
    if (h.empty_layer === true) out.push(h);
    else {
      out.push(layer >= from ? { ...h, empty_layer: true } : h);
      layer++;
    }
  }
  // a history with fewer entries than kept layers: add one per missing layer, so the config stays consistent
  for (; layer < from; layer++) out.push({ created_by: 'unknown (the image had no history for this layer)' });
  out.push(entry);
  return out;
}

/** readWritten streams the blob whittle wrote, from where it starts in its file. */
function readWritten(layer: WrittenLayer) {
  return createReadStream(layer.file, { start: layer.offset, ...(layer.size > 0 ? { end: layer.offset + layer.size - 1 } : {}), highWaterMark: 1 << 20 });
}

/**
 * replaceTop keeps image's first `keep` layers and puts `layer` on top of them. With resetHistory
 * (minify: nothing of the old layers is left as it was) the history is that one entry alone.
 */
export async function replaceTop(image: Image, keep: number, layer: WrittenLayer, history: HistoryEntry, reference: string, resetHistory = false): Promise<Image> {
  const layers = await image.layers();
  if (keep < 0 || keep > layers.length) throw new WhittleError('usage', `cannot keep ${keep} of ${layers.length} layers`);
  const rawConfig = JSON.parse(Buffer.from(await image.rawConfig()).toString('utf8')) as Record<string, unknown> & {
    history?: HistoryEntry[];
    created?: string;
  };
  const source: Manifest = await image.manifest();
  const kept = layers.slice(0, keep);
  const baseDescriptors: Descriptor[] = [];
  const diffIds: Digest[] = [];
  const byDigest = new Map<string, Layer>();
  for (const [i, l] of kept.entries()) {
    const d = source.layers[i];
    const digest = await l.digest();
    baseDescriptors.push({
      mediaType: ociLayerType(await l.mediaType()),
      digest,
      size: await l.size(),
      ...(d?.urls ? { urls: d.urls } : {}),
      ...(d?.annotations ? { annotations: d.annotations } : {}),
    });
    diffIds.push(await l.diffId());
    byDigest.set(digest, l);
  }
  // The rest of the config is kept as written; the history is rewritten from its checked form, so a
  // null entry or a numeric created_by cannot break the rewrite (src/image/config-schema.ts).
  const checked = await image.config();
  const config = {
    ...rawConfig,
    rootfs: { type: 'layers', diff_ids: [...diffIds, layer.diffId] },
    history: ((entry: HistoryEntry) => (resetHistory && keep === 0 ? [entry] : rewriteHistory(checked.history, keep, entry)))({
      ...(typeof rawConfig.created === 'string' ? { created: rawConfig.created } : {}),
      ...history,
    }),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: digestOf(configBytes), size: configBytes.length };
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: [...baseDescriptors, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    ...(source.annotations ? { annotations: source.annotations } : {}),
  };
  const image2 = fromManifest({
    reference,
    rawManifest: Buffer.from(JSON.stringify(manifest)),
    tags: await image.tags(),
    store: {
      async openBlob(d) {
        if (d.digest === layer.digest) return readWritten(layer);
        const kept = byDigest.get(d.digest);
        if (!kept) throw new WhittleError('missing-blob', `${reference} has no blob ${d.digest}`);
        return kept.compressed();
      },
      async readBlob(d) {
        if (d.digest !== configDescriptor.digest) throw new WhittleError('missing-blob', `${reference} has no document ${d.digest}`);
        return configBytes;
      },
    },
  });
  // The new blob was hashed as whittle wrote it: copying it out needs no second hash.
  const trusted = async (): Promise<Layer[]> => {
    const all = await image2.layers();
    const top = all[all.length - 1]!;
    const written: MovableLayer = { ...top, compressed: async () => readWritten(layer), localFile: { path: layer.file, offset: layer.offset } };
    // a kept layer whittle wrote itself (minify --split's system layer) stays movable
    return [...all.slice(0, -1).map((l, i) => (localFileOf(kept[i]!) ? kept[i]! : l)), written];
  };
  let layersMemo: Promise<Layer[]> | undefined;
  return { ...image2, layers: () => (layersMemo ??= trusted()) };
}
