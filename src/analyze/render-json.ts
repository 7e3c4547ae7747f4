// renderJson prints the Analysis (and gate results) as stable JSON: sizes in bytes (docs/analyze-json.md).
import type { GateResult } from './gates.js';
import type { Analysis } from './index.js';

export function renderJson(analysis: Analysis, gates: GateResult[] = []): string {
  return JSON.stringify({ ...analysis, gates }, null, 2);
}
