// Per-rule precision on the real-world suite (test/real-world/precision.ts): the table in
// docs/rules/README.md is the one the reviewed verdicts give (regenerate it with
// `npm run docs:precision`), and every rule that warns or errs holds 90 % or more.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../src/lint/rules/index.js';
import { REAL_WORLD, findingOf } from './real-world/dockerfiles.js';
import { percent, precisionByRule, precisionMarkdown } from './real-world/precision.js';

const README = join(import.meta.dirname, '..', 'docs', 'rules', 'README.md');
const START = '<!-- precision:start -->';
const END = '<!-- precision:end -->';

describe('rule precision on the real-world suite', () => {
  it('docs/rules/README.md carries the table the verdicts give', () => {
    const doc = readFileSync(README, 'utf8');
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    expect(from, `docs/rules/README.md has no ${START} … ${END} section`).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from);
    const want = `\n${precisionMarkdown(rules.map((r) => r.meta.id))}\n`;
    if (process.env.WHITTLE_WRITE_DOCS === '1') writeFileSync(README, doc.slice(0, from + START.length) + want + doc.slice(to));
    else expect(doc.slice(from + START.length, to)).toBe(want);
  });

  it('holds every rule that warns or errs at 90 % or more (a rule below is fixed or demoted to info)', () => {
    const severity = new Map(rules.map((r) => [r.meta.id, r.meta.severity]));
    const below = precisionByRule().filter((p) => severity.get(p.rule) !== 'info' && percent(p) < 90);
    expect(below.map((p) => `${p.rule}: ${p.truePositives}/${p.reported}`)).toEqual([]);
  });

  it('names only rules that exist and findings in their line/rule/message form', () => {
    const ids = new Set(rules.map((r) => r.meta.id));
    for (const v of REAL_WORLD.flatMap((f) => f.findings)) {
      expect(findingOf(v)).toMatch(/^\d+ [a-z0-9-]+\/[A-Za-z]+$/);
      expect(ids.has(findingOf(v).split(' ')[1]!.split('/')[0]!)).toBe(true);
      if (typeof v !== 'string') expect(v.falsePositive.length, 'a false positive says why').toBeGreaterThan(10);
    }
  });
});
