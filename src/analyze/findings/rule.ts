// The shape of a finding analyzer (modelled on ESLint rules: meta + reports by messageId and data),
// and the context every analyzer reads: the final filesystem, the dropped copies, the layers and the config.
import type { ImageConfig } from '../../image/spec.js';
import type { DroppedCopy, MergedRecord } from '../merge.js';
import type { FileTree } from '../path-tree.js';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface FindingMeta {
  id: string;
  title: string;
  severity: Severity;
  /** message templates by messageId; `{{name}}` is replaced by data.name, `{{name|one|many}}` by the count and the word that agrees (see fillMessage). */
  messages: Record<string, string>;
  /** the remedy, in the words of the technique. */
  remedy: string;
  /** whether the bytes this finding reports could be removed from the final filesystem (counted in savings.cleanups). */
  removable: boolean;
}

export interface PathBytes {
  path: string;
  bytes: number;
}

export interface FindingReport {
  messageId: string;
  data?: Record<string, string | number>;
  /** every path involved, with its bytes (all of them: the caller keeps the top N). */
  paths: PathBytes[];
  /** the layer responsible, or null when no layer is (the config, for instance). */
  layer: number | null;
  /** overrides meta.severity for this report. */
  severity?: Severity;
  /** estimated saving; defaults to the sum of paths' bytes. */
  bytes?: number;
}

export interface FindingContext {
  tree: FileTree<MergedRecord>;
  dropped: readonly DroppedCopy[];
  config: ImageConfig;
  layerCount: number;
  /** the Dockerfile instruction that made each layer (from the history), null where unknown. */
  instructions: readonly (string | null)[];
}

export interface FindingRule {
  meta: FindingMeta;
  check(ctx: FindingContext, report: (r: FindingReport) => void): void;
}

/**
 * forEachFinalFile calls fn with the path and record of every non-directory in the final
 * filesystem, in the tree's order (the tree's own walk: no list of 100,000s of files to keep).
 */
export function forEachFinalFile(ctx: FindingContext, fn: (path: string, record: MergedRecord) => void): void {
  ctx.tree.records.forEach((r, path) => {
    if (r.type !== 'dir') fn(path, r);
  });
}

/** mainLayer is the layer that contributed the most bytes (the most paths on a tie) to a set of paths. */
export function mainLayer(items: readonly { bytes: number; layer: number }[]): number | null {
  const by = new Map<number, number>();
  for (const i of items) by.set(i.layer, (by.get(i.layer) ?? 0) + i.bytes + 1e-9);
  let best: number | null = null;
  let bestBytes = -1;
  for (const [layer, bytes] of by) if (bytes > bestBytes) [best, bestBytes] = [layer, bytes];
  return best;
}
