// Applying edits to a text: each group (one finding's edits) all together or not at all, groups in
// order, a group that overlaps an accepted one left for a later pass. The fix engine
// (src/fix/engine.ts) runs its passes with it, and the RuleTester checks a rule's output with it.
import type { Edit } from './types.js';

/** applyEdits applies the edits of each group atomically; groups overlapping an accepted one wait. */
export function applyEdits(text: string, groups: readonly (readonly Edit[])[]): { text: string; accepted: number[] } {
  const taken: [number, number][] = [];
  const accepted: number[] = [];
  const edits: Edit[] = [];
  const overlaps = (a: [number, number], b: [number, number]) =>
    a[0] < b[1] && b[0] < a[1] || (a[0] === a[1] && b[0] === b[1] && a[0] === b[0]) || (a[0] === a[1] && a[0] > b[0] && a[0] < b[1]) || (b[0] === b[1] && b[0] > a[0] && b[0] < a[1]);
  groups.forEach((g, i) => {
    if (g.length === 0) return;
    if (g.some((e) => taken.some((t) => overlaps(e.range, t)))) return;
    // Edits inside one group must not overlap each other either.
    const sorted = [...g].sort((a, b) => a.range[0] - b.range[0]);
    for (let k = 1; k < sorted.length; k++) if (sorted[k]!.range[0] < sorted[k - 1]!.range[1]) return;
    for (const e of g) taken.push(e.range);
    edits.push(...g);
    accepted.push(i);
  });
  edits.sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.range[0]) + e.text;
    pos = e.range[1];
  }
  return { text: out + text.slice(pos), accepted };
}

