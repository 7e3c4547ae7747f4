// Internal helpers of the fixers: the parsed model and shell analysis of a text (cached for the last
// text, since every fixer of one lint pass looks at the same text), the RUN and shell command a
// diagnostic points at, and `appendAfter`, which adds `&& cmd` right after a shell command when that
// is provably the same as running cmd next in the same RUN.
import { parseDockerfile } from '../../dockerfile/parse.js';
import type { DockerfileModel, Instruction } from '../../dockerfile/model.js';
import { runScript, type ScriptSource } from '../../dockerfile/script.js';
import { analyze, type Analysis } from '../../lint/analysis.js';
import type { Edit, RunInfo } from '../../lint/types.js';
import type { ShellCommand } from '../../shell/commands.js';

export interface Facts {
  model: DockerfileModel;
  analysis: Analysis;
}

let cached: { text: string; facts: Facts } | null = null;

/** factsOf parses text and analyses it once; the last result is reused for the same text. */
export function factsOf(text: string): Facts {
  if (cached?.text === text) return cached.facts;
  const model = parseDockerfile(text);
  const facts = { model, analysis: analyze(model) };
  cached = { text, facts };
  return facts;
}

/** runAt returns the RUN whose span holds offset. */
export function runAt(facts: Facts, offset: number): RunInfo | null {
  return facts.analysis.runs.find((r) => r.inst.span.start <= offset && offset < r.inst.span.end) ?? null;
}

/** commandAt returns the command of a RUN whose program word starts at offset. */
export function commandAt(run: RunInfo, offset: number): ShellCommand | null {
  return run.commands.find((c) => c.words[0]?.span.start === offset) ?? null;
}

/** shellRun tells whether a RUN is a shell-form, POSIX-shell RUN whose script parsed cleanly. */
export function shellRun(run: RunInfo): boolean {
  return run.inst.json === null && !run.foreignShell && run.shell !== null && !run.shell.hasErrors;
}

/** scriptIndex finds the script index of a document offset (the first script char at or after it). */
function scriptIndex(src: ScriptSource, offset: number): number {
  for (let i = 0; i < src.map.length; i++) if (src.map[i]! >= offset) return i;
  return src.map.length - 1;
}

/**
 * appendAfter returns an edit that inserts ` && addition` right after `cmd`, or null when that is not
 * the same as running `addition` next: cmd must run unconditionally at the top level of the RUN (not
 * in an if/loop, after `||`, in a subshell, a pipeline or `sh -c`), have no redirects, and be followed
 * by `&&`, `;`, a newline or the end of the script, and preceded by nothing but those.
 */
export function appendAfter(facts: Facts, run: RunInfo, cmd: ShellCommand, addition: string): Edit | null {
  if (!shellRun(run)) return null;
  if (cmd.nested || cmd.conditional || cmd.fallback || cmd.subshell || cmd.pipesTo !== null || cmd.redirects.length > 0) return null;
  if (run.commands.some((c) => c.pipesTo === cmd.order)) return null;
  const src = runScript(facts.model, run.inst);
  if (!src) return null;
  const start = scriptIndex(src, cmd.span.start);
  const end = scriptIndex(src, cmd.span.end);
  const before = src.text.slice(0, start).replace(/[ \t]+$/, '');
  if (!(before === '' || before.endsWith('&&') || /(?:^|[^;]);$/.test(before) || before.endsWith('\n'))) return null;
  const after = src.text.slice(end).replace(/^[ \t]+/, '');
  if (!(after === '' || after.startsWith('&&') || /^;(?!;)/.test(after) || after.startsWith('\n') || after.startsWith('\r\n'))) return null;
  return { range: [cmd.span.end, cmd.span.end], text: ` && ${addition}` };
}

export { normPath } from '../../lint/helpers.js';

/** lineStart is the offset of the first character of the line holding offset. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** instructionLines is [start of the instruction's first line, start of the line after it). */
export function instructionLines(text: string, inst: Instruction): [number, number] {
  const nl = text.indexOf('\n', inst.span.end);
  return [lineStart(text, inst.span.start), nl < 0 ? text.length : nl + 1];
}
