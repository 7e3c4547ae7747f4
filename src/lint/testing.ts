// RuleTester: table-driven tests for one rule, ESLint-style. `valid` cases must produce no finding
// from the rule; `invalid` cases must produce exactly the listed findings (messageId, 1-based line and
// column), and, when `output` is given, applying the rule's fixes must produce it (one pass of the fix
// engine's applyEdits: a finding's edits apply together or not at all).
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../fix/engine.js';
import { lintText } from './engine.js';
import type { Rule } from './types.js';

export interface TestCase {
  code: string;
  name?: string;
  target?: string;
  /** .dockerignore contents beside the Dockerfile; null = none; omitted = unknown. */
  dockerignore?: string | null;
}

export interface InvalidCase extends TestCase {
  errors: { messageId: string; line: number; column?: number; data?: Record<string, string | number>; severity?: string }[];
  /** Expected text after applying fixes. */
  output?: string;
}

function label(c: TestCase): string {
  return c.name ?? c.code.replace(/\s+/g, ' ').slice(0, 90);
}

async function run(rule: Rule, c: TestCase) {
  const opts: Parameters<typeof lintText>[1] = { rules: [rule] };
  if (c.target !== undefined) opts.target = c.target;
  if (c.dockerignore !== undefined) opts.dockerignore = c.dockerignore;
  return (await lintText(c.code, opts)).diagnostics;
}

export function ruleTester(rule: Rule, cases: { valid: (string | TestCase)[]; invalid: InvalidCase[] }): void {
  const valid = cases.valid.map((c) => (typeof c === 'string' ? { code: c } : c));
  describe(rule.meta.id, () => {
    it.each(valid.map((c) => [label(c), c] as const))('valid: %s', async (_n, c) => {
      const found = await run(rule, c);
      expect(found.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.messageId}: ${d.message}`)).toEqual([]);
    });
    it.each(cases.invalid.map((c) => [label(c), c] as const))('invalid: %s', async (_n, c) => {
      const found = await run(rule, c);
      for (const d of found) expect(d.messageId).not.toBe('internal');
      const actual = found.map((d, i) => {
        const want = c.errors[i];
        return {
          messageId: d.messageId,
          line: d.range.start.line + 1,
          ...(want?.column !== undefined ? { column: d.range.start.character + 1 } : {}),
          ...(want?.data !== undefined ? { data: d.data } : {}),
          ...(want?.severity !== undefined ? { severity: d.severity } : {}),
        };
      });
      expect(actual).toEqual(c.errors);
      for (const d of found) {
        expect(d.message).not.toMatch(/\{\{/);
        expect(rule.meta.messages).toHaveProperty(d.messageId);
      }
      if (c.output !== undefined) {
        // One pass, as `whittle fix` applies it: each finding's edits all or none, first finding wins.
        expect(applyEdits(c.code, found.map((d) => d.fix ?? [])).text).toBe(c.output);
      }
    });
  });
}
