// What a report page holds: the `whittle analyze --json --files [--dockerfile FILE]` document of the
// image, exactly, and for `--compare` the comparison with the second image.
import type { Analysis } from '../analyze/index.js';
import type { GateResult } from '../analyze/gates.js';
import type { Attribution } from '../attribute/index.js';
import type { Comparison } from './compare.js';

/** AnalysisDocument is the analyze --json document (docs/analyze-json.md). */
export type AnalysisDocument = Analysis & { gates: GateResult[]; attribution?: Attribution };

export interface ReportData {
  analysis: AnalysisDocument;
  compare: Comparison | null;
}
