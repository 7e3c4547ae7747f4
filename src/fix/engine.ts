// The fix engine: lints, takes every diagnostic's edits (ESLint-style `fix` from src/lint), applies
// the edits of non-overlapping diagnostics in one pass, and repeats until nothing changes (at most
// MAX_PASSES). A diagnostic's edits are applied all together or not at all, so a multi-edit fix is
// never half applied. Bytes outside the edited ranges are kept exactly (comments, escape character,
// CRLF, indentation). Each pass's result must parse into the same stages with the same number of
// instructions (and no new unknown keywords) as the text before it; a pass that applied a fixer
// marked `reshapes: 'runs'` may instead remove or merge RUNs (as many other instructions stay), and one marked `reshapes: 'any'` (the structural fixes) may change stages and instructions
// as long as no unknown keyword appears. No rule may report more findings than it did on the input.
// A pass that fails a check is rejected and the text before it is returned.
import { parseDockerfile } from '../dockerfile/parse.js';
import { lintTextSync, type LintOptions } from '../lint/engine.js';
import type { Diagnostic, Edit } from '../lint/types.js';
import { FIXERS, VETOES, type ExternalFixer, type Reshape } from './fixers/index.js';

export const MAX_PASSES = 10;

export interface AppliedFix {
  ruleId: string;
  message: string;
  /** 1-based line in the text of the pass that applied it. */
  line: number;
  pass: number;
}

export interface FixResult {
  input: string;
  output: string;
  applied: AppliedFix[];
  passes: number;
  /** Diagnostics that still have a fix after the last pass (should be empty). */
  remaining: Diagnostic[];
  /** Set when a pass was rejected because its output did not parse or linted worse. */
  rejected: string | null;
}

export interface FixOptions extends LintOptions {
  /** Only apply fixes of these rule ids (all fixable rules when absent). */
  only?: readonly string[];
  /** More fixers by rule id, after the rules' own and FIXERS (the structural fixes of `--unsafe`).
   *  They may reshape the file as `reshapes: 'any'` unless they declare otherwise. */
  extraFixers?: Readonly<Record<string, ExternalFixer>>;
}

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

/** sameShape checks the instruction structure of `after` against `before`, allowing `reshape`. */
function sameShape(before: string, after: string, reshape: Reshape | undefined): boolean {
  const a = parseDockerfile(before);
  const b = parseDockerfile(after);
  const unknown = (m: typeof a) => m.instructions.filter((i) => !i.known).length;
  if (unknown(b) > unknown(a)) return false;
  if (reshape === 'any') return b.stages.length > 0 || a.stages.length === 0;
  if (a.stages.length !== b.stages.length) return false;
  return a.stages.every((sa, k) => {
    const sb = b.stages[k]!;
    if (reshape !== 'runs') return sa.instructions.length === sb.instructions.length;
    const others = (s: typeof sa) => s.instructions.filter((i) => i.keyword !== 'RUN').length;
    return others(sa) === others(sb) && sb.instructions.length <= sa.instructions.length;
  });
}

function countByRule(diags: readonly Diagnostic[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of diags) m.set(d.ruleId, (m.get(d.ruleId) ?? 0) + 1);
  return m;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** fixText runs fixable rules to a fixed point. Never throws for a Dockerfile that lints. */
export function fixText(text: string, options: FixOptions = {}): FixResult {
  const only = options.only ? new Set(options.only) : null;
  const extra = options.extraFixers ?? {};
  const reshapes = new WeakMap<Diagnostic, Reshape>();
  // A diagnostic without its own fix gets one from src/fix/fixers (or extraFixers) when a fixer
  // exists for its rule; a rule's own fix is dropped where src/fix/fixers vetoes it.
  const withFixes = (t: string): Diagnostic[] =>
    lintTextSync(t, options).diagnostics.map((d) => {
      if (d.fix !== undefined) {
        if (!VETOES[d.ruleId]?.(t, d)) return d;
        const { fix: _vetoed, ...rest } = d;
        return rest;
      }
      const fixer = FIXERS[d.ruleId] ?? extra[d.ruleId];
      const f = fixer?.(t, d);
      if (!f || f.length === 0) return d;
      const out = { ...d, fix: f };
      const r = fixer!.reshapes ?? (FIXERS[d.ruleId] ? undefined : 'any');
      if (r) reshapes.set(out, r);
      return out;
    });
  const wanted = (d: Diagnostic) => d.fix !== undefined && (only === null || only.has(d.ruleId));
  let current = text;
  const applied: AppliedFix[] = [];
  let passes = 0;
  let rejected: string | null = null;
  const baseCounts = countByRule(lintTextSync(text, options).diagnostics);
  for (; passes < MAX_PASSES; ) {
    let diags = withFixes(current).filter(wanted);
    if (diags.length === 0) break;
    // A structural fix changes what every other finding was about (stages, the final image), so it
    // is applied alone; the next pass lints the result afresh. Other fixes go together.
    const order = Object.keys(extra); // extraFixers are applied in their declared order
    const structural = diags
      .filter((d) => reshapes.get(d) === 'any')
      .sort((x, y) => (order.indexOf(x.ruleId) >>> 0) - (order.indexOf(y.ruleId) >>> 0))[0];
    if (structural) diags = [structural];
    const { text: next, accepted } = applyEdits(current, diags.map((d) => d.fix ?? []));
    if (next === current) break;
    passes++;
    const levels = accepted.map((i) => reshapes.get(diags[i]!));
    const reshape: Reshape | undefined = levels.includes('any') ? 'any' : levels.includes('runs') ? 'runs' : undefined;
    if (!sameShape(current, next, reshape)) {
      rejected = `pass ${passes} changed the instruction structure; stopped before it`;
      break;
    }
    const worse = [...countByRule(lintTextSync(next, options).diagnostics)].find(([id, n]) => n > (baseCounts.get(id) ?? 0));
    if (worse) {
      rejected = `pass ${passes} made ${worse[0]} report more findings; stopped before it`;
      break;
    }
    for (const i of accepted) {
      const d = diags[i]!;
      applied.push({ ruleId: d.ruleId, message: d.message, line: lineOf(current, d.offsets[0]), pass: passes });
    }
    current = next;
  }
  const remaining = withFixes(current).filter(wanted);
  return { input: text, output: current, applied, passes, remaining, rejected };
}
