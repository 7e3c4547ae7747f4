// renderJson prints the Analysis (and gate results) as stable JSON: sizes in bytes, bytes of names
// that are not UTF-8 as `\xNN` (docs/analyze-json.md).
import { escapeNamesInJson } from '../internal/name-bytes.js';
import type { GateResult } from './gates.js';
import type { Analysis } from './index.js';
import type { Attribution } from '../attribute/index.js';

/** renderJson adds `attribution` only when a Dockerfile was given (analyze --dockerfile); names that are not UTF-8 print as `\xNN`. */
export function renderJson(analysis: Analysis, gates: GateResult[] = [], attribution: Attribution | null = null): string {
  return JSON.stringify(attribution === null ? { ...analysis, gates } : { ...analysis, gates, attribution }, escapeNamesInJson, 2);
}
