// The fix engine: lints, takes the edits every finding carries (a rule's safe `fix`, and with
// `unsafe` its structural `suggestion`), applies the edits of non-overlapping findings in one pass,
// and repeats until nothing changes (at most MAX_PASSES). A finding's edits are applied all together
// or not at all, so a multi-edit fix is never half applied. Bytes outside the edited ranges are kept
// exactly (comments, escape character, CRLF, indentation). Each pass's result must parse into the
// same stages with the same number of instructions (and no new unknown keywords) as the text before
// it; a pass that applied a fix of a rule declaring `meta.reshapes: 'runs'` may instead remove or
// merge RUNs (as many other instructions stay), and a suggestion may change stages and instructions
// as long as no unknown keyword appears. Suggestions change what every other finding was about (the
// stages, the final image), so one is applied alone per pass, in SUGGESTION_ORDER. No rule may
// report more findings than it did on the input. A pass that fails a check is rejected and the text
// before it is returned.
import { parseDockerfile } from '../dockerfile/parse.js';
import type { DockerfileModel } from '../dockerfile/model.js';
import { lintTextSync, type LintOptions } from '../lint/engine.js';
import { rules as builtinRules } from '../lint/rules/index.js';
import { applyEdits } from '../lint/edits.js';
import type { Diagnostic, Edit, Rule } from '../lint/types.js';
import { initShellParser } from '../shell/parser.js';

/** Reshape says which instruction-structure changes a pass's edits may make. */
type Reshape = 'runs' | 'any';

/** SUGGESTION_ORDER is the order structural suggestions apply in, one per pass: the multi-stage
 *  split first (it changes the final base), the slim base, the cache order, the user last. Every
 *  rule with `meta.hasSuggestions` is listed (a meta-test checks it). */
export const SUGGESTION_ORDER: readonly string[] = ['build-tools-in-final-stage', 'heavy-base-image', 'copy-before-dependency-install', 'root-user'];

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
  /** Only apply fixes of these rule ids, their suggestions included (all rules' safe fixes when absent). */
  only?: readonly string[];
  /** Also apply every rule's structural suggestion (`whittle fix --unsafe`). */
  unsafe?: boolean;
}

/** Change is the edits one finding asks for, and how far they may reshape the file. */
interface Change {
  d: Diagnostic;
  edits: Edit[];
  reshape: Reshape | undefined;
}

/** sameShape checks the instruction structure of `after` against `before`, allowing `reshape`. */
function sameShape(a: DockerfileModel, b: DockerfileModel, reshape: Reshape | undefined): boolean {
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

/** fixText runs fixable rules to a fixed point; it loads the shell grammar first. */
export async function fixText(text: string, options: FixOptions = {}): Promise<FixResult> {
  await initShellParser();
  return fixTextSync(text, options);
}

/** fixTextSync is fixText for callers that already awaited initShellParser() (it throws otherwise).
 *  Never throws for a Dockerfile that lints. */
export function fixTextSync(text: string, options: FixOptions = {}): FixResult {
  const only = options.only ? new Set(options.only) : null;
  const rules = options.rules ?? builtinRules;
  const reshapesRuns = new Set(rules.filter((r: Rule) => r.meta.reshapes === 'runs').map((r) => r.meta.id));
  const rank = (id: string) => SUGGESTION_ORDER.indexOf(id) >>> 0;
  // Each text is linted once: a pass's result is checked (lints no worse) and then fixed from.
  // Each text is parsed once too: the parse that checks a pass's shape is the one its lint reads,
  // and the next pass's `before` (a 700 kB Dockerfile costs a second per parse).
  const models = new Map<string, DockerfileModel>();
  const parse = (t: string): DockerfileModel => {
    let m = models.get(t);
    if (!m) {
      if (models.size >= 2) models.delete(models.keys().next().value!);
      models.set(t, (m = parseDockerfile(t)));
    }
    return m;
  };
  let linted: { text: string; diagnostics: Diagnostic[] } | null = null;
  const lint = (t: string): Diagnostic[] => {
    if (linted?.text !== t) linted = { text: t, diagnostics: lintTextSync(t, { ...options, parsed: parse(t) }).diagnostics };
    return linted.diagnostics;
  };
  // The changes a text's findings ask for: safe fixes of the wanted rules, and their suggestions
  // when unsafe or named by `only`.
  const changes = (t: string): Change[] => {
    const out: Change[] = [];
    for (const d of lint(t)) {
      if (only !== null && !only.has(d.ruleId)) continue;
      if (d.fix) out.push({ d, edits: d.fix, reshape: reshapesRuns.has(d.ruleId) ? 'runs' : undefined });
      else if (d.suggestion && (options.unsafe || only !== null)) out.push({ d, edits: d.suggestion, reshape: 'any' });
    }
    return out;
  };
  let current = text;
  const applied: AppliedFix[] = [];
  let passes = 0;
  let rejected: string | null = null;
  const baseCounts = countByRule(lint(text));
  for (; passes < MAX_PASSES; ) {
    let pending = changes(current);
    if (pending.length === 0) break;
    const structural = pending.filter((c) => c.reshape === 'any').sort((x, y) => rank(x.d.ruleId) - rank(y.d.ruleId))[0];
    if (structural) pending = [structural];
    const { text: next, accepted } = applyEdits(current, pending.map((c) => c.edits));
    if (next === current) break;
    passes++;
    const levels = accepted.map((i) => pending[i]!.reshape);
    const reshape: Reshape | undefined = levels.includes('any') ? 'any' : levels.includes('runs') ? 'runs' : undefined;
    if (!sameShape(parse(current), parse(next), reshape)) {
      rejected = `pass ${passes} changed the instruction structure; stopped before it`;
      break;
    }
    const worse = [...countByRule(lint(next))].find(([id, n]) => n > (baseCounts.get(id) ?? 0));
    if (worse) {
      rejected = `pass ${passes} made ${worse[0]} report more findings; stopped before it`;
      break;
    }
    for (const i of accepted) {
      const d = pending[i]!.d;
      applied.push({ ruleId: d.ruleId, message: d.message, line: parse(current).lines.positionAt(d.offsets[0]).line + 1, pass: passes });
    }
    current = next;
  }
  const remaining = changes(current).map((c) => c.d);
  return { input: text, output: current, applied, passes, remaining, rejected };
}
