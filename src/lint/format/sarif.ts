// SARIF 2.1.0 for GitHub code scanning: tool.driver.rules carries every rule (id, descriptions,
// helpUri to its docs page, default level); results carry 1-based physicalLocation regions.
import type { LintResult } from '../engine.js';
import type { Rule, Severity } from '../types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
export const DOCS_BASE = 'https://github.com/whittle-dev/whittle/blob/main/';

function uri(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}

export function toSarif(results: readonly LintResult[], rules: readonly Rule[], version: string): object {
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'whittle',
            version,
            informationUri: DOCS_BASE,
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)(\w)/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              helpUri: DOCS_BASE + r.meta.docs,
              help: { text: `See ${DOCS_BASE + r.meta.docs}` },
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: { category: r.meta.category, tags: [r.meta.category] },
            })),
          },
        },
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: d.ruleId,
            ...(index.has(d.ruleId) ? { ruleIndex: index.get(d.ruleId) } : {}),
            level: LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: uri(r.file) },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}

export function formatSarif(results: readonly LintResult[], rules: readonly Rule[], version: string): string {
  return `${JSON.stringify(toSarif(results, rules, version), null, 2)}\n`;
}
