// replaceTop builds a new Image from an existing one: its first `keep` layers as they are (blobs
// passed through, digests kept), then one new layer written by whittle, with the config's diff_ids
// and history rewritten to match and everything else (runtime config, labels) preserved. Squash
// (merged layers replace the top), strip (a layer of whiteouts on top) and minify end here; the
// image itself is composed by src/rewrite/compose.ts.
import type { Image } from '../image/image.js';
import type { HistoryEntry } from '../image/spec.js';
import { composeImage, keptLayers } from './compose.js';
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

/**
 * replaceTop keeps image's first `keep` layers and puts `layer` on top of them. With resetHistory
 * (minify: nothing of the old layers is left as it was) the history is that one entry alone.
 */
export async function replaceTop(image: Image, keep: number, layer: WrittenLayer, history: HistoryEntry, reference: string, resetHistory = false): Promise<Image> {
  const kept = await keptLayers(image, keep);
  const rawConfig = JSON.parse(Buffer.from(await image.rawConfig()).toString('utf8')) as Record<string, unknown> & {
    history?: HistoryEntry[];
    created?: string;
  };
  // The rest of the config is kept as written; the history is rewritten from its checked form, so a
  // null entry or a numeric created_by cannot break the rewrite (src/image/config-schema.ts).
  const checked = await image.config();
  const entry: HistoryEntry = { ...(typeof rawConfig.created === 'string' ? { created: rawConfig.created } : {}), ...history };
  const config = {
    ...rawConfig,
    rootfs: { type: 'layers', diff_ids: [...kept.diffIds, layer.diffId] },
    history: resetHistory && keep === 0 ? [entry] : rewriteHistory(checked.history, keep, entry),
  };
  const source = await image.manifest();
  return composeImage({
    reference,
    kept,
    written: [layer],
    configBytes: Buffer.from(JSON.stringify(config)),
    ...(source.annotations ? { annotations: source.annotations } : {}),
    tags: await image.tags(),
  });
}
