import { describe, expect, it } from 'vitest';
import { lintText } from '../engine.js';
import { rules } from '../rules/index.js';
import { formatText } from './text.js';
import { toJson } from './json.js';
import { repositoryLinks, toSarif } from './sarif.js';

const sample = async () => [await lintText('FROM alpine:3.20\nRUN apk add x\nCMD ["x"]\n', { file: 'app/Dockerfile' })];

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
    expect(Object.keys(j.files[0]!.diagnostics[0]!)).toEqual(['ruleId', 'severity', 'messageId', 'message', 'data', 'line', 'column', 'endLine', 'endColumn', 'offsets', 'docs', 'fix', 'suggestion']);
    expect(j.files[0]!.diagnostics[1]).toMatchObject({ ruleId: 'apk-no-cache', line: 2, column: 5, endLine: 2, endColumn: 8, docs: 'docs/rules/apk-no-cache.md', fix: [{ range: [28, 28], text: ' --no-cache' }] });
    expect(j.summary).toEqual({ error: 0, warning: 2, info: 0 });
  });

  // The SARIF 2.1.0 schema rules these outputs must meet: helpUri and informationUri are absolute
  // URIs when present; rule ids unique; every result's ruleIndex points at its rule; regions 1-based
  // with end >= start; levels from the schema's enum; artifact URIs valid URI references.
  const checkSarif = (s: any): void => {
    expect(s.version).toBe('2.1.0');
    expect(s.runs).toHaveLength(1);
    const run = s.runs[0];
    const driver = run.tool.driver;
    expect(driver.name).toBe('whittle');
    const absolute = (u: unknown): boolean => typeof u === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(u) && URL.canParse(u);
    if ('informationUri' in driver) expect(absolute(driver.informationUri)).toBe(true);
    expect(new Set(driver.rules.map((r: any) => r.id)).size).toBe(driver.rules.length);
    for (const r of driver.rules) {
      if ('helpUri' in r) expect(absolute(r.helpUri), r.helpUri).toBe(true);
      expect(r.help.text.length).toBeGreaterThan(0);
      expect(['none', 'note', 'warning', 'error']).toContain(r.defaultConfiguration.level);
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
    }
    for (const res of run.results) {
      expect(driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(['none', 'note', 'warning', 'error']).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      const { artifactLocation, region } = res.locations[0].physicalLocation;
      expect(URL.canParse(artifactLocation.uri, 'file:///base/')).toBe(true);
      expect(artifactLocation.uri).not.toMatch(/[\s\\]/);
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
      if (region.endLine === region.startLine) expect(region.endColumn).toBeGreaterThanOrEqual(region.startColumn);
    }
  };

  it('sarif: 2.1.0 without a repository has no helpUri (a relative path is not a valid one)', async () => {
    const s = toSarif(await sample(), rules, { version: '0.1.0' }) as any;
    checkSarif(s);
    const run = s.runs[0];
    expect(run.tool.driver.rules).toHaveLength(rules.length);
    for (const r of run.tool.driver.rules) {
      expect(r).not.toHaveProperty('helpUri');
      expect(r.help.text).toBe(`See docs/rules/${r.id}.md in the whittle package.`);
    }
    expect(run.tool.driver).not.toHaveProperty('informationUri');
    const res = run.results.find((x: any) => x.ruleId === 'apk-no-cache');
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe('apk-no-cache');
    expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'app/Dockerfile' }, region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 8 } });
    expect(res.level).toBe('warning');
  });

  it('sarif: help URIs point into the repository named by package.json', async () => {
    const links = repositoryLinks('github:acme/whittle')!;
    const s = toSarif(await sample(), rules, { version: '0.1.0', ...links }) as any;
    checkSarif(s);
    expect(s.runs[0].tool.driver.informationUri).toBe('https://github.com/acme/whittle');
    for (const r of s.runs[0].tool.driver.rules) expect(r.helpUri).toBe(`https://github.com/acme/whittle/blob/HEAD/docs/rules/${r.id}.md`);
  });

  it('sarif: absolute and odd file paths become valid URIs', async () => {
    const r = await lintText('FROM alpine:3.20\nRUN apk add x\nCMD ["x"]\n', { file: '/tmp/my app/Dockerfile' });
    const s = toSarif([r, { ...r, file: '<stdin>' }], rules, { version: '0.1.0' }) as any;
    checkSarif(s);
    const uris = s.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect(new Set(uris)).toEqual(new Set(['file:///tmp/my%20app/Dockerfile', '%3Cstdin%3E']));
  });

  it.each([
    ['github:o/r', 'https://github.com/o/r/blob/HEAD/'],
    ['o/r', 'https://github.com/o/r/blob/HEAD/'],
    ['git+https://github.com/o/r.git', 'https://github.com/o/r/blob/HEAD/'],
    ['git@github.com:o/r.git', 'https://github.com/o/r/blob/HEAD/'],
    ['gitlab:g/p', 'https://gitlab.com/g/p/-/blob/HEAD/'],
    [{ type: 'git', url: 'https://github.com/o/mono.git', directory: 'packages/whittle' }, 'https://github.com/o/mono/blob/HEAD/packages/whittle/'],
  ])('repositoryLinks(%j) → %s', (repo, base) => {
    expect(repositoryLinks(repo)?.docsBase).toBe(base);
  });

  it.each([undefined, '', 42, { type: 'git' }, 'https://example.com/o/r.git', 'not a repo'])('repositoryLinks(%j) → null', (repo) => {
    expect(repositoryLinks(repo)).toBeNull();
  });
});
