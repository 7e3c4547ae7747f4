// mapHistory assigns config history entries to layers: entries marked empty_layer made no layer;
// the rest belong to the layers in order. When the counts disagree it maps what it can and says so.
import type { HistoryEntry } from '../image/spec.js';

export interface LayerHistory {
  createdBy: string | null;
  created: string | null;
  /** index into config.history, or null when no entry maps to this layer. */
  historyIndex: number | null;
}

export function mapHistory(history: HistoryEntry[] | undefined, layerCount: number): { layers: LayerHistory[]; warning: string | null } {
  const nonEmpty: number[] = [];
  (history ?? []).forEach((h, i) => {
    if (h.empty_layer !== true) nonEmpty.push(i);
  });
  const layers: LayerHistory[] = [];
  for (let i = 0; i < layerCount; i++) {
    const hi = nonEmpty[i];
    const h = hi === undefined ? undefined : history?.[hi];
    layers.push({ createdBy: h?.created_by ?? null, created: h?.created ?? null, historyIndex: hi ?? null });
  }
  let warning: string | null = null;
  if (history === undefined || history.length === 0) warning = 'the image config has no history: layer instructions are unknown';
  else if (nonEmpty.length !== layerCount)
    warning = `the image config history has ${nonEmpty.length} non-empty entries for ${layerCount} layers: entries were mapped in order and may be wrong`;
  return { layers, warning };
}
