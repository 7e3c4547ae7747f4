// The linter: parse, analyse once, run every enabled rule's visitor in one pass over the file, then
// apply suppressions and configured severities. A stage the target does not build never runs, so
// reports there are dropped (syntax aside) before their fixes are computed. Never throws on
// Dockerfile content; a rule that crashes becomes a finding instead of aborting the run. A report's fix and suggestion are computed
// when it is made (as ESLint does); a rule that emits one without declaring it in meta (`fixable`,
// `hasSuggestions`) is a bug in the rule, reported as its crash.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../dockerfile/parse.js';
import type { DockerfileModel } from '../dockerfile/model.js';
import type { Span } from '../dockerfile/positions.js';
import { initShellParser, shellParserReady } from '../shell/parser.js';
import { analyzeDockerfile } from './analysis.js';
import { renderMessage } from './define.js';
import { buildkitMap, collectSuppressions, hadolintMap, isSuppressed } from './ignore.js';
import { rules as builtinRules } from './rules/index.js';
import { type Diagnostic, type Edit, type Fixer, type Rule, type RuleContext, type RuleVisitor, type Severity } from './types.js';

export type RuleSetting = Severity | 'off';

export interface LintOptions {
  /** Path shown in output; '<stdin>' by default. */
  file?: string;
  /** Rules to run; all built-in rules by default. */
  rules?: readonly Rule[];
  /** Per-rule overrides: 'off' or a severity. */
  settings?: Readonly<Record<string, RuleSetting>>;
  /** Build target stage (`--target`); the last stage when omitted. */
  target?: string;
  /** Contents of the .dockerignore beside the Dockerfile: null if there is none, undefined if unknown. */
  dockerignore?: string | null;
  /** Names of the entries at the top of the build context (the Dockerfile's directory); unknown when absent. */
  contextEntries?: readonly string[];
  /** The build context directory, for rules that read a file of it (package.json); unknown when absent. */
  contextDir?: string;
  /** parseDockerfile(text), when the caller already has it (the fix engine parses each pass's text once). */
  parsed?: DockerfileModel;
}

/** Files a rule may read from the context are small manifests: anything larger is not read. */
const MAX_CONTEXT_FILE = 1 << 20;

/** contextFileReader reads a file at the top of the context once: its text, null when absent or unreadable, undefined when the context is unknown. */
function contextFileReader(dir: string | undefined): (name: string) => string | null | undefined {
  const cache = new Map<string, string | null>();
  return (name) => {
    if (dir === undefined) return undefined;
    if (!cache.has(name)) {
      let text: string | null = null;
      try {
        const p = join(dir, name);
        if (statSync(p).size <= MAX_CONTEXT_FILE) text = readFileSync(p, 'utf8');
      } catch {
        text = null;
      }
      cache.set(name, text);
    }
    return cache.get(name)!;
  };
}

export interface LintResult {
  file: string;
  diagnostics: Diagnostic[];
  /** False when options.target names no stage of this file. */
  targetFound: boolean;
}

const fixer: Fixer = {
  insertTextBefore: (s, text) => ({ range: [s.start, s.start], text }),
  insertTextAfter: (s, text) => ({ range: [s.end, s.end], text }),
  replace: (s, text) => ({ range: [s.start, s.end], text }),
  remove: (s) => ({ range: [s.start, s.end], text: '' }),
};

function asEdits(e: Edit | Edit[] | null): Edit[] | undefined {
  return e === null ? undefined : Array.isArray(e) ? e : [e];
}

/** The other tools' ids → rule ids, computed once per rule list. */
const idMaps = new WeakMap<readonly Rule[], { hadolint: Map<string, string[]>; buildkit: Map<string, string[]> }>();

/** lintText lints one Dockerfile's text. Loads the shell grammar on first use. */
export async function lintText(text: string, options: LintOptions = {}): Promise<LintResult> {
  await initShellParser();
  return lintTextSync(text, options);
}

/** lintTextSync is lintText for callers that already awaited initShellParser(); it throws when the
 *  shell grammar has not loaded, since every shell-based rule would silently find nothing. */
export function lintTextSync(text: string, options: LintOptions = {}): LintResult {
  if (!shellParserReady()) throw new Error('lintTextSync: the shell grammar is not loaded; await initShellParser() first, or use lintText');
  const file = options.file ?? '<stdin>';
  const rules: readonly Rule[] = options.rules ?? builtinRules;
  const settings = options.settings ?? {};
  const model = options.parsed !== undefined && options.parsed.text === text ? options.parsed : parseDockerfile(text);
  const facts = analyzeDockerfile(model, options.target);
  let maps = idMaps.get(rules);
  if (!maps) idMaps.set(rules, (maps = { hadolint: hadolintMap(rules), buildkit: buildkitMap(rules) }));
  const suppressions = collectSuppressions(model, maps.hadolint, maps.buildkit);
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();

  const push = (rule: Rule, severity: Severity, messageId: string, message: string, data: Record<string, string | number>, span: Span, fix?: Edit[], suggestion?: Edit[]): void => {
    if (isSuppressed(suppressions, rule.meta.id, span.start)) return;
    const key = `${rule.meta.id}\0${messageId}\0${span.start}\0${span.end}`;
    if (seen.has(key)) return;
    seen.add(key);
    const d: Diagnostic = { ruleId: rule.meta.id, severity, messageId, message, data, range: model.lines.rangeOf(span), offsets: [span.start, span.end] };
    if (fix && fix.length > 0) d.fix = fix;
    if (suggestion && suggestion.length > 0) d.suggestion = suggestion;
    diagnostics.push(d);
  };

  const contextFile = contextFileReader(options.contextDir);
  const unbuilt = facts.stages.filter((st) => !st.used).map((st) => [st.stage.from.span.start, st.stage.instructions.at(-1)?.span.end ?? st.stage.from.span.end] as const);
  const inUnbuiltStage = (offset: number) => unbuilt.some(([a, b]) => offset >= a && offset < b);
  const active: { rule: Rule; visitor: RuleVisitor; severity: Severity }[] = [];
  for (const rule of rules) {
    const setting = settings[rule.meta.id];
    if (setting === 'off') continue;
    const severity = setting ?? rule.meta.severity;
    const configured = setting;
    const ctx: RuleContext = {
      id: rule.meta.id,
      file,
      model,
      runs: facts.runs,
      stages: facts.stages,
      dockerignore: options.dockerignore,
      contextEntries: options.contextEntries,
      contextFile,
      facts: { model, analysis: facts },
      envAt: facts.envAt,
      shellAt: facts.shellAt,
      stageOf: (inst) => facts.stages[inst.stage] ?? null,
      report(d) {
        if (rule.meta.category !== 'syntax' && inUnbuiltStage(d.span.start)) return;
        const template = rule.meta.messages[d.messageId] ?? d.messageId;
        const data = d.data ?? {};
        if (d.fix && !rule.meta.fixable) throw new Error(`rule ${rule.meta.id} reports a fix but does not declare meta.fixable`);
        if (d.suggest && !rule.meta.hasSuggestions) throw new Error(`rule ${rule.meta.id} reports a suggestion but does not declare meta.hasSuggestions`);
        const edits = d.fix ? asEdits(d.fix(fixer)) : undefined;
        const suggestion = d.suggest ? asEdits(d.suggest(fixer)) : undefined;
        push(rule, configured ?? d.severity ?? severity, d.messageId, renderMessage(template, data), data, d.span, edits, suggestion);
      },
    };
    try {
      active.push({ rule, visitor: rule.create(ctx), severity });
    } catch (err) {
      crashed(rule, severity, err, model.instructions[0]?.span ?? { start: 0, end: 0 });
    }
  }

  function crashed(rule: Rule, severity: Severity, err: unknown, span: Span): void {
    push(rule, severity, 'internal', `rule ${rule.meta.id} failed on this file (please report): ${(err as Error)?.message ?? String(err)}`, {}, span);
  }

  const each = (call: (v: RuleVisitor) => void, span: Span): void => {
    for (const a of active) {
      try {
        call(a.visitor);
      } catch (err) {
        crashed(a.rule, a.severity, err, span);
      }
    }
  };
  for (const inst of model.instructions) each((v) => v.instruction?.(inst), inst.span);
  for (const run of facts.runs) each((v) => v.run?.(run), run.inst.span);
  for (const stage of facts.stages) each((v) => v.stage?.(stage), stage.stage.from.span);
  each((v) => v.end?.(), { start: 0, end: 0 });

  diagnostics.sort((a, b) => a.offsets[0] - b.offsets[0] || a.offsets[1] - b.offsets[1] || a.ruleId.localeCompare(b.ruleId) || a.messageId.localeCompare(b.messageId));
  return { file, diagnostics, targetFound: facts.targetFound };
}
