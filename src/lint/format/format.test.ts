import { describe, expect, it } from 'vitest';
import { lintText } from '../engine.js';
import { rules } from '../rules/index.js';
import { formatText } from './text.js';
import { toJson } from './json.js';
import { toSarif } from './sarif.js';

const sample = async () => [await lintText('FROM alpine:3.20\nRUN apk add x\n', { file: 'app/Dockerfile' })];

describe('formatters', () => {
  it('text: file:line:col severity rule message, then a summary', async () => {
    const out = formatText(await sample(), false);
    expect(out.split('\n')[0]).toBe('app/Dockerfile:1:1 warning root-user no USER in the final stage, so containers run as root: a process escape starts with full privileges inside the container; create a user and add USER <name> (or USER 65532 on distroless)');
    expect(out).toContain('app/Dockerfile:2:5 warning apk-no-cache ');
    expect(out.trimEnd().split('\n').pop()).toBe('2 problems (0 errors, 2 warnings, 0 info) in 1 file');
    expect(formatText([], false)).toBe('');
  });

  it('json: stable documented shape', async () => {
    const j = toJson(await sample(), rules) as { version: number; files: { file: string; diagnostics: Record<string, unknown>[] }[]; summary: unknown };
    expect(j.version).toBe(1);
    expect(Object.keys(j.files[0]!.diagnostics[0]!)).toEqual(['ruleId', 'severity', 'messageId', 'message', 'data', 'line', 'column', 'endLine', 'endColumn', 'offsets', 'docs', 'fix']);
    expect(j.files[0]!.diagnostics[1]).toMatchObject({ ruleId: 'apk-no-cache', line: 2, column: 5, endLine: 2, endColumn: 8, docs: 'docs/rules/apk-no-cache.md', fix: [{ range: [28, 28], text: ' --no-cache' }] });
    expect(j.summary).toEqual({ error: 0, warning: 2, info: 0 });
  });

  it('sarif: 2.1.0 with driver rules, help URIs and 1-based regions', async () => {
    const s = toSarif(await sample(), rules, '0.1.0') as any;
    expect(s.version).toBe('2.1.0');
    const run = s.runs[0];
    expect(run.tool.driver.rules).toHaveLength(rules.length);
    for (const r of run.tool.driver.rules) {
      expect(r.helpUri).toMatch(new RegExp(`^https://.+/docs/rules/${r.id}\\.md$`));
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration.level);
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
    }
    const res = run.results.find((x: any) => x.ruleId === 'apk-no-cache');
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe('apk-no-cache');
    expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'app/Dockerfile' }, region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 8 } });
    expect(res.level).toBe('warning');
  });
});
