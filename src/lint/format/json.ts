// Stable JSON output, documented in docs/lint-json.md. Keys are emitted in a fixed order; positions
// are 1-based (line/column, end exclusive) plus zero-based document offsets for tools that edit.
import type { LintResult } from '../engine.js';
import type { Rule } from '../types.js';
import { summarize } from './summary.js';

export const JSON_FORMAT_VERSION = 1;

export function toJson(results: readonly LintResult[], rules: readonly Rule[]): object {
  const docs = new Map(rules.map((r) => [r.meta.id, r.meta.docs]));
  return {
    version: JSON_FORMAT_VERSION,
    tool: 'whittle',
    files: results.map((r) => ({
      file: r.file,
      diagnostics: r.diagnostics.map((d) => ({
        ruleId: d.ruleId,
        severity: d.severity,
        messageId: d.messageId,
        message: d.message,
        data: d.data,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        offsets: d.offsets,
        docs: docs.get(d.ruleId) ?? null,
        fix: d.fix ?? null,
        suggestion: d.suggestion ?? null,
      })),
    })),
    summary: summarize(results),
  };
}

export function formatJson(results: readonly LintResult[], rules: readonly Rule[]): string {
  return `${JSON.stringify(toJson(results, rules), null, 2)}\n`;
}
