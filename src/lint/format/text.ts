// Compiler-style text output: `file:line:col severity rule-id message`, 1-based, one finding a line,
// then a summary. Colour only when asked (the CLI asks when stdout is a TTY and NO_COLOR is unset).
import pc from 'picocolors';
import type { LintResult } from '../engine.js';
import { summarize } from './summary.js';

export function formatText(results: readonly LintResult[], color: boolean): string {
  const c = pc.createColors(color);
  const paint = { error: c.red, warning: c.yellow, info: c.cyan } as const;
  let out = '';
  for (const r of results) {
    for (const d of r.diagnostics) {
      const loc = `${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
      out += `${c.bold(loc)} ${paint[d.severity](d.severity)} ${c.dim(d.ruleId)} ${d.message}\n`;
    }
  }
  const s = summarize(results);
  const total = s.error + s.warning + s.info;
  if (total > 0) {
    out += `${total} ${total === 1 ? 'problem' : 'problems'} (${s.error} ${s.error === 1 ? 'error' : 'errors'}, ${s.warning} ${s.warning === 1 ? 'warning' : 'warnings'}, ${s.info} info) in ${results.length} ${results.length === 1 ? 'file' : 'files'}\n`;
  }
  return out;
}
