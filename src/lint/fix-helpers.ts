// Helpers for rules' fixes: the RUN and shell command a report points at, `appendAfter`, which adds
// `&& cmd` right after a shell command when that is provably the same as running cmd next in the
// same RUN, and line arithmetic for edits that add or remove whole lines.
import type { Instruction } from '../dockerfile/model.js';
import { runScript, type ScriptSource } from '../dockerfile/script.js';
import type { ShellCommand } from '../shell/commands.js';
import type { Edit, Facts, RunInfo } from './types.js';

export type { Facts } from './types.js';

/** runAt returns the RUN whose span holds offset. */
export function runAt(facts: Facts, offset: number): RunInfo | null {
  return facts.analysis.runs.find((r) => r.inst.span.start <= offset && offset < r.inst.span.end) ?? null;
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
 * appendAfter returns an edit that runs `addition` right after `cmd`, or null when it cannot be the
 * same as running `addition` next: cmd must run unconditionally at the top level of the RUN (not in
 * an if/loop, after `||`, in a subshell, a pipeline or `sh -c`), have no redirects, and be followed
 * by `&&`, `;`, a newline or the end of the script, and preceded by nothing but those.
 *
 * The edit keeps whether the build fails. Inside an `&&` chain, or in the script's last statement,
 * it is ` && addition`: the chain (and so the script) still fails when cmd fails. Where cmd ends a
 * statement that other statements follow, it is `; addition`: under `set -e` a failure on the left
 * of `&&` would no longer stop the script (`set -e; apt-get install x && rm …; next` carries on when
 * the install fails), while `cmd; addition` stops at cmd exactly as before; without `set -e` the
 * script went on after that statement anyway.
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
  const lastStatement = after.replace(/^(?:;|\r?\n)/, '').split('\n').every((line) => /^[\s;]*(?:#.*)?$/.test(line));
  const joiner = after.startsWith('&&') || lastStatement ? ' && ' : '; ';
  return { range: [cmd.span.end, cmd.span.end], text: `${joiner}${addition}` };
}


/** lineStart is the offset of the first character of the line holding offset. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** instructionLines is [start of the instruction's first line, start of the line after it). */
export function instructionLines(text: string, inst: Instruction): [number, number] {
  const nl = text.indexOf('\n', inst.span.end);
  return [lineStart(text, inst.span.start), nl < 0 ? text.length : nl + 1];
}
