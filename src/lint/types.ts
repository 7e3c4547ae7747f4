// The rule API, ESLint-style: a rule is meta (id, severity, message templates, docs, the ids of other
// tools' checks it covers) plus create(context), which returns visitor callbacks. Reports carry a
// messageId and data, never literal text, and a document span; an optional fix returns edits by
// document offset, ready for `whittle fix`: a safe `fix` (applied by `whittle fix`) or a structural
// `suggest` (applied by `whittle fix --unsafe`). A rule that emits either declares it in meta
// (`fixable`, `hasSuggestions`); the engine refuses an undeclared one.
import type { DockerfileModel, Instruction, Stage } from '../dockerfile/model.js';
import type { Range, Span } from '../dockerfile/positions.js';
import type { ShellCommand, ShellScript } from '../shell/commands.js';
import type { DockerfileAnalysis } from './analysis.js';

/** Facts are a file's model and its analysis, as rules see them. */
export interface Facts {
  model: DockerfileModel;
  analysis: DockerfileAnalysis;
}

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** severityRank orders severities: error 3, warning 2, info 1. */
export function severityRank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}

export type Category = 'layers' | 'caches' | 'multi-stage' | 'base' | 'context' | 'safety' | 'hygiene' | 'syntax';

export interface Covers {
  hadolint: string[];
  trivy: string[];
  checkov: string[];
  buildkit: string[];
}

export interface RuleMeta<M extends string = string> {
  id: string;
  description: string;
  category: Category;
  severity: Severity;
  /** The rule's reports may carry a safe fix (`whittle fix`). */
  fixable?: 'code';
  /** Its safe fixes may remove or merge RUN instructions (every other instruction stays). */
  reshapes?: 'runs';
  /** The rule's reports may carry a structural suggestion (`whittle fix --unsafe`), which may change
   *  stages and instructions in any way; see SUGGESTION_ORDER in src/fix/engine.ts. */
  hasSuggestions?: true;
  messages: Record<M, string>;
  /** Path of the rule's page, relative to the repository root (docs/rules/<id>.md). */
  docs: string;
  covers: Covers;
}

/** Edit replaces document offsets [start, end) with text. */
export interface Edit {
  range: [number, number];
  text: string;
}

export interface Fixer {
  insertTextBefore(span: Span, text: string): Edit;
  insertTextAfter(span: Span, text: string): Edit;
  replace(span: Span, text: string): Edit;
  remove(span: Span): Edit;
}

export interface ReportDescriptor<M extends string = string> {
  messageId: M;
  data?: Record<string, string | number>;
  span: Span;
  /** Severity of this report when it differs from the rule's default (advice in a build-only stage);
   *  a severity set in the config file still wins. */
  severity?: Severity;
  /** The safe fix; returning null (or no edits) declines it for this occurrence. */
  fix?: (fixer: Fixer) => Edit | Edit[] | null;
  /** The structural fix, applied only with --unsafe (or --rule naming the rule); null declines it. */
  suggest?: (fixer: Fixer) => Edit | Edit[] | null;
}

/** RunInfo is one RUN instruction with its shell analysis. */
export interface RunInfo {
  inst: Instruction;
  stage: Stage | null;
  /** Parsed shell commands; null for exec form without `sh -c`, or shell form under a non-POSIX SHELL. */
  shell: ShellScript | null;
  /** Commands to inspect: the shell's, or the exec-form argv as one command. */
  commands: ShellCommand[];
  /** `--mount` flags parsed into option maps (type, target, from, …). */
  mounts: Map<string, string>[];
  /** True when a SHELL before it made this shell-form RUN use a non-POSIX shell (pwsh, cmd). */
  foreignShell: boolean;
  /** The script stops at the first failing command: `set -e` in it, or a SHELL with -e / -o errexit. */
  errexit: boolean;
  /** A failure anywhere in a pipeline fails it: `set -o pipefail`, or a SHELL with -o pipefail. */
  pipefail: boolean;
}

export interface StageFacts {
  stage: Stage;
  /** The filesystem of this stage is (part of) the image that ships. */
  ships: boolean;
  /** This stage is built at all for the target. */
  used: boolean;
}

export interface RuleContext<M extends string = string> {
  readonly id: string;
  /** Path of the Dockerfile as given, or '<stdin>'. */
  readonly file: string;
  readonly model: DockerfileModel;
  readonly runs: readonly RunInfo[];
  readonly stages: readonly StageFacts[];
  /** Contents of the .dockerignore beside the Dockerfile: null if absent, undefined if unknown. */
  readonly dockerignore: string | null | undefined;
  /** Names at the top of the build context, or undefined when the context is not known (stdin). */
  readonly contextEntries: readonly string[] | undefined;
  /** A file at the top of the build context: its text, null when absent, undefined when the context is unknown. */
  contextFile(name: string): string | null | undefined;
  /** The parsed file and its analysis together, for fix helpers that take both. */
  readonly facts: Facts;
  /** ENV/ARG value visible at an instruction (stage ENV, inherited from FROM stages, ARG defaults). */
  envAt(inst: Instruction, name: string): string | undefined;
  stageOf(inst: Instruction): StageFacts | null;
  /** The SHELL in effect at an instruction: POSIX or not, and the -e / -o pipefail it adds. */
  shellAt(inst: Instruction): { posix: boolean; errexit: boolean; pipefail: boolean };
  report(d: ReportDescriptor<M>): void;
}

export interface RuleVisitor {
  instruction?(inst: Instruction): void;
  run?(run: RunInfo): void;
  stage?(stage: StageFacts): void;
  end?(): void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  create(ctx: RuleContext<M>): RuleVisitor;
}

/** Diagnostic is one finding, resolved: severity after config, message rendered, both positions. */
export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  messageId: string;
  message: string;
  data: Record<string, string | number>;
  /** Zero-based line/character range. */
  range: Range;
  /** Document offsets [start, end). */
  offsets: [number, number];
  /** The safe fix's edits, applied together or not at all. */
  fix?: Edit[];
  /** The structural suggestion's edits (--unsafe), applied together or not at all. */
  suggestion?: Edit[];
}
