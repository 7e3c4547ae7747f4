// renderJson prints the Analysis (and gate results) as stable JSON: sizes in bytes (docs/analyze-json.md).
import type { GateResult } from './gates.js';
import type { Analysis } from './index.js';
import type { Attribution } from '../attribute/index.js';

/** renderJson adds `attribution` only when a Dockerfile was given (analyze --dockerfile). */
export function renderJson(analysis: Analysis, gates: GateResult[] = [], attribution: Attribution | null = null): string {
  return JSON.stringify(attribution === null ? { ...analysis, gates } : { ...analysis, gates, attribution }, null, 2);
}
