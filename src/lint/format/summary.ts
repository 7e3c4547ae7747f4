import type { LintResult } from '../engine.js';
import type { Severity } from '../types.js';

export function summarize(results: readonly LintResult[]): Record<Severity, number> {
  const s: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const r of results) for (const d of r.diagnostics) s[d.severity]++;
  return s;
}
