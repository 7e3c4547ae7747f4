// Compiler-style text output: `file:line:col severity rule-id message`, 1-based, one finding a line,
// then a summary and, as ShellCheck does, where to read about each rule that fired. Colour only when
// asked (the CLI asks when stdout is a TTY and NO_COLOR is unset); with colour the rule id is also a
// terminal hyperlink (OSC 8) to its page. File names and messages (which quote the Dockerfile) are
// printed with their control characters escaped (src/internal/escape-text.ts).
import pc from 'picocolors';
import type { LintResult } from '../engine.js';
import { summarize } from './summary.js';
import { escapeControl } from '../../internal/escape-text.js';

/** formatText renders findings; docsLink gives the address of a rule's docs page (none when absent). */
export function formatText(results: readonly LintResult[], color: boolean, docsLink?: (ruleId: string) => string | null): string {
  const c = pc.createColors(color);
  const paint = { error: c.red, warning: c.yellow, info: c.cyan } as const;
  let out = '';
  for (const r of results) {
    for (const d of r.diagnostics) {
      const loc = `${escapeControl(r.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
      const link = docsLink?.(d.ruleId) ?? null;
      const id = color && link ? `\u001b]8;;${link}\u001b\\${d.ruleId}\u001b]8;;\u001b\\` : d.ruleId;
      out += `${c.bold(loc)} ${paint[d.severity](d.severity)} ${c.dim(id)} ${escapeControl(d.message)}\n`;
    }
  }
  const s = summarize(results);
  const total = s.error + s.warning + s.info;
  if (total > 0) {
    out += `${total} ${total === 1 ? 'problem' : 'problems'} (${s.error} ${s.error === 1 ? 'error' : 'errors'}, ${s.warning} ${s.warning === 1 ? 'warning' : 'warnings'}, ${s.info} info) in ${results.length} ${results.length === 1 ? 'file' : 'files'}\n`;
  }
  const fired = [...new Set(results.flatMap((r) => r.diagnostics.map((d) => d.ruleId)))].sort();
  const pages = fired.map((id) => [id, docsLink?.(id) ?? null] as const).filter((p): p is readonly [string, string] => p[1] !== null);
  if (pages.length > 0) out += `For more information:\n${pages.map(([id, link]) => `  ${link} -- ${id}\n`).join('')}`;
  return out;
}
