// Which layers of an image are its base (what `FROM` brought in), for `squash --keep-base`:
// given as a layer count, found by comparing diff_ids with the base image itself, or read from the
// history — a build's own entries are created within minutes of each other, its base's long
// before, so the widest gap in `created` times (over an hour) is where the base ends.
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { HistoryEntry } from '../image/spec.js';

const MIN_GAP_MS = 60 * 60 * 1000;

export interface BaseLayers {
  count: number;
  /** how the count was found, for messages. */
  how: string;
}

/** baseFromHistory finds the base layer count from history timestamps, or returns null when they do not tell. */
export function baseFromHistory(history: HistoryEntry[] | undefined, layerCount: number): BaseLayers | null {
  const entries = history ?? [];
  let layersBefore = 0;
  let best: { gap: number; count: number; at: number } | null = null;
  let previous: number | null = null;
  for (const [i, h] of entries.entries()) {
    const t = h.created ? Date.parse(h.created) : NaN;
    if (!Number.isNaN(t)) {
      if (previous !== null && t - previous > (best?.gap ?? MIN_GAP_MS) && layersBefore > 0 && layersBefore < layerCount) {
        best = { gap: t - previous, count: layersBefore, at: i };
      }
      previous = t;
    }
    if (h.empty_layer !== true) layersBefore++;
  }
  if (!best) return null;
  const hours = Math.round(best.gap / 3_600_000);
  return { count: best.count, how: `history: ${best.count} layer(s) created ${hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours} hours`} before the rest` };
}

/** baseFromImage counts the leading layers image shares with base (by diff_id). */
export async function baseFromImage(image: Image, base: Image): Promise<BaseLayers> {
  const [mine, theirs] = await Promise.all([image.config(), base.config()]);
  const a = mine.rootfs.diff_ids;
  const b = theirs.rootfs.diff_ids;
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  if (n < b.length) {
    throw new WhittleError('usage', `${image.reference} is not built on ${base.reference}: they share ${n} of its ${b.length} layers`);
  }
  return { count: n, how: `${n} layer(s) shared with ${base.reference}` };
}
