// RuleTester: table-driven tests for one rule, as strict as ESLint's. `valid` cases must produce no
// finding from the rule; `invalid` cases must produce exactly the listed findings (messageId, 1-based
// line and column). A case whose findings carry a safe fix must state `output` (the text after one
// pass of the fix engine's applyEdits: a finding's edits apply together or not at all), or `null`
// when every fix declines; a case with a structural suggestion must state `suggestion` (the text after
// applying the first suggestion alone). A fixed text must parse into no more unknown instructions, and
// the rule may not report more on it. Duplicate cases fail, and the rule must declare `fixable` /
// `hasSuggestions` exactly when its cases emit fixes / suggestions.
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../dockerfile/parse.js';
import { applyEdits } from './edits.js';
import { lintText } from './engine.js';
import type { Diagnostic, Rule } from './types.js';

export interface TestCase {
  code: string;
  name?: string;
  target?: string;
  /** .dockerignore contents beside the Dockerfile; null = none; omitted = unknown. */
  dockerignore?: string | null;
  /** names at the top of the build context; omitted = unknown. */
  contextEntries?: string[];
  /** a build context directory for rules that read its files; omitted = unknown. */
  contextDir?: string;
}

export interface InvalidCase extends TestCase {
  errors: { messageId: string; line: number; column?: number; data?: Record<string, string | number>; severity?: string }[];
  /** Text after applying the findings' safe fixes; null asserts that no fix applies. Required when one does. */
  output?: string | null;
  /** Text after applying the first finding's structural suggestion; null asserts none is offered. Required when one is. */
  suggestion?: string | null;
}

function label(c: TestCase): string {
  return c.name ?? c.code.replace(/\s+/g, ' ').slice(0, 90);
}

async function run(rule: Rule, c: TestCase, code = c.code): Promise<Diagnostic[]> {
  const opts: Parameters<typeof lintText>[1] = { rules: [rule] };
  if (c.target !== undefined) opts.target = c.target;
  if (c.dockerignore !== undefined) opts.dockerignore = c.dockerignore;
  if (c.contextEntries !== undefined) opts.contextEntries = c.contextEntries;
  if (c.contextDir !== undefined) opts.contextDir = c.contextDir;
  return (await lintText(code, opts)).diagnostics;
}

/** checkFixed asserts a fixed text parses as well as the original and the rule reports no more on it. */
async function checkFixed(rule: Rule, c: TestCase, fixed: string, found: readonly Diagnostic[]): Promise<void> {
  const unknown = (t: string) => parseDockerfile(t).instructions.filter((i) => !i.known).length;
  expect(unknown(fixed), 'the fixed text has new unknown instructions').toBeLessThanOrEqual(unknown(c.code));
  expect(parseDockerfile(fixed).stages.length, 'the fixed text has no stage').toBeGreaterThan(0);
  const again = await run(rule, c, fixed);
  expect(again.filter((d) => d.messageId === 'internal')).toEqual([]);
  expect(again.length, 'the rule reports more on the fixed text').toBeLessThanOrEqual(found.length);
}

function caseKey(c: TestCase): string {
  return JSON.stringify([c.code, c.target ?? null, c.dockerignore === undefined ? '<unknown>' : c.dockerignore, c.contextEntries ?? null, c.contextDir ?? null]);
}

export function ruleTester(rule: Rule, cases: { valid: (string | TestCase)[]; invalid: InvalidCase[] }): void {
  const valid = cases.valid.map((c) => (typeof c === 'string' ? { code: c } : c));
  const emitted = { fix: false, suggestion: false };
  describe(rule.meta.id, () => {
    it('has no duplicate cases', () => {
      const seen = new Map<string, string>();
      for (const c of [...valid, ...cases.invalid]) {
        const k = caseKey(c);
        expect(seen.get(k), `duplicate case: ${label(c)}`).toBeUndefined();
        seen.set(k, label(c));
      }
    });

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

      // One pass, as `whittle fix` applies it: each finding's edits all or none, first finding wins.
      const fixed = applyEdits(c.code, found.map((d) => d.fix ?? [])).text;
      if (fixed !== c.code) emitted.fix = true;
      if (c.output === undefined) expect(fixed, 'the rule fixed the code: state `output`').toBe(c.code);
      else if (c.output === null) expect(fixed, '`output: null` but a fix applies').toBe(c.code);
      else {
        expect(c.output, '`output` equals `code`: use `output: null` to assert no fix').not.toBe(c.code);
        expect(fixed).toBe(c.output);
        await checkFixed(rule, c, fixed, found);
      }

      const offered = found.find((d) => d.suggestion !== undefined);
      const suggested = offered ? applyEdits(c.code, [offered.suggestion!]).text : c.code;
      if (offered) emitted.suggestion = true;
      if (c.suggestion === undefined) expect(offered, 'the rule suggests a rewrite: state `suggestion`').toBeUndefined();
      else if (c.suggestion === null) expect(offered, '`suggestion: null` but a suggestion is offered').toBeUndefined();
      else {
        expect(suggested).toBe(c.suggestion);
        expect(parseDockerfile(suggested).instructions.filter((i) => !i.known).length).toBeLessThanOrEqual(parseDockerfile(c.code).instructions.filter((i) => !i.known).length);
      }
    });

    it('declares meta.fixable and meta.hasSuggestions exactly as its cases emit them', () => {
      expect({ fixable: rule.meta.fixable === 'code', hasSuggestions: rule.meta.hasSuggestions === true }).toEqual({ fixable: emitted.fix, hasSuggestions: emitted.suggestion });
    });
  });
}
