// renderJson prints the Analysis (and gate results) as stable JSON: sizes in bytes, bytes of names
// that are not UTF-8 as `\xNN` (docs/analyze-json.md).
import { escapeNamesInJson } from '../internal/name-bytes.js';
import type { GateResult } from './gates.js';
import type { Analysis } from './index.js';

export function renderJson(analysis: Analysis, gates: GateResult[] = []): string {
  return JSON.stringify({ ...analysis, gates }, escapeNamesInJson, 2);
}
