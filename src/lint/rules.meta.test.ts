// Every rule: file name = id, registered once, a docs page with bad/good examples that really do
// fire / not fire, the other tools' ids listed on the page, and a test file with valid and invalid
// cases.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SUGGESTION_ORDER } from '../fix/engine.js';
import { lintText } from './engine.js';
import { rules } from './rules/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const ruleFiles = readdirSync(join(here, 'rules')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');

function block(md: string, heading: string): string {
  const m = new RegExp(`## ${heading}\\n\\n\`\`\`dockerfile\\n([\\s\\S]*?)\\n\`\`\``).exec(md);
  if (!m) throw new Error(`no ${heading} example`);
  return m[1]!;
}

describe('rule registry', () => {
  it('orders the suggestions of exactly the rules that offer them', () => {
    expect([...SUGGESTION_ORDER].sort()).toEqual(rules.filter((r) => r.meta.hasSuggestions).map((r) => r.meta.id).sort());
  });

  it('declares reshapes only on fixable rules', () => {
    for (const r of rules) if (r.meta.reshapes) expect(r.meta.fixable, r.meta.id).toBe('code');
  });

  it('registers every rule file exactly once', () => {
    expect(rules.map((r) => `${r.meta.id}.ts`).sort()).toEqual([...ruleFiles].sort());
    expect(new Set(rules.map((r) => r.meta.id)).size).toBe(rules.length);
  });
});

describe.each(rules.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  const docPath = join(root, rule.meta.docs);

  it('has kebab-case id, docs path and messages', () => {
    expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(rule.meta.docs).toBe(`docs/rules/${id}.md`);
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    expect(rule.meta.description.length).toBeGreaterThan(10);
  });

  it('has a docs page listing the ids it covers', () => {
    expect(existsSync(docPath)).toBe(true);
    const md = readFileSync(docPath, 'utf8');
    expect(md.startsWith(`# ${id}\n`)).toBe(true);
    expect(md.split('\n')[2]).toBe(rule.meta.description);
    for (const other of [...rule.meta.covers.hadolint, ...rule.meta.covers.trivy, ...rule.meta.covers.checkov, ...rule.meta.covers.buildkit]) {
      expect(md).toContain(`\`${other}\``);
    }
  });

  it('says on its docs page which fixes it offers, as its meta declares', () => {
    const md = readFileSync(docPath, 'utf8');
    const offers = [rule.meta.fixable ? 'safe (`whittle fix`)' : '', rule.meta.hasSuggestions ? 'structural (`whittle fix --unsafe`)' : ''].filter((x) => x !== '').join('; ');
    expect(md).toContain(`| Autofix | ${offers || 'no'} |`);
  });

  it('lists its messages on the docs page exactly as the rule reports them', () => {
    const md = readFileSync(docPath, 'utf8');
    const section = /## Messages\n\n([\s\S]*?)\n\n## /.exec(md)?.[1] ?? '';
    const listed = section.split('\n').filter((l) => l.startsWith('- `'));
    expect(listed).toEqual(Object.entries(rule.meta.messages).map(([k, v]) => `- \`${k}\`: ${v as string}`));
  });

  it('is in the rules index with its category, severity and every id it covers', () => {
    const index = readFileSync(join(root, 'docs/rules/README.md'), 'utf8');
    const row = index.split('\n').find((l) => l.startsWith(`| [${id}](${id}.md) |`));
    expect(row).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    const fix = [rule.meta.fixable ? 'safe' : '', rule.meta.hasSuggestions ? 'unsafe' : ''].filter((x) => x !== '').join(', ');
    expect(cells.slice(2, 5)).toEqual([rule.meta.category, rule.meta.severity, fix]);
    const ids = [...rule.meta.covers.hadolint, ...rule.meta.covers.trivy, ...rule.meta.covers.checkov, ...rule.meta.covers.buildkit];
    expect(cells[5]).toBe(ids.join(', '));
    for (const other of ids) expect(index).toContain(`| \`${other}\` | [${id}](${id}.md)`);
  });

  it('fires on the bad example and not on the good one', async () => {
    const md = readFileSync(docPath, 'utf8');
    const only = { rules: [rule] };
    const bad = await lintText(block(md, 'Bad'), { ...only, dockerignore: null });
    expect(bad.diagnostics.map((d) => d.ruleId)).toContain(id);
    const good = await lintText(block(md, 'Good'), { ...only, dockerignore: '.git\nnode_modules\n.env\n' });
    expect(good.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('has a RuleTester file with valid and invalid cases', () => {
    const testPath = join(here, 'rules', `${id}.test.ts`);
    expect(existsSync(testPath)).toBe(true);
    const src = readFileSync(testPath, 'utf8');
    expect(src).toContain(`from './${id}.js'`);
    expect(src).toMatch(/ruleTester\(rule,/);
    expect(src).toMatch(/valid:\s*\[\s*[^\]\s]/);
    expect(src).toMatch(/invalid:\s*\[[\s\S]*messageId/);
  });
});
