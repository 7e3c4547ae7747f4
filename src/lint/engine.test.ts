import { describe, expect, it } from 'vitest';
import { lintText } from './engine.js';
import { ruleTester } from './testing.js';
import { defineRule, covers } from './define.js';
import { rules } from './rules/index.js';

const ids = async (text: string, opts: Parameters<typeof lintText>[1] = {}) => (await lintText(text, opts)).diagnostics.map((d) => `${d.range.start.line + 1}:${d.ruleId}`);

describe('lintText', () => {
  it('sorts findings by position and renders messages without placeholders', async () => {
    const r = await lintText('FROM node\nRUN apk add x\nUSER root\n');
    const offsets = r.diagnostics.map((d) => d.offsets[0]);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    for (const d of r.diagnostics) expect(d.message).not.toMatch(/\{\{/);
  });

  it('honours # whittle ignore= for the next instruction only', async () => {
    const text = 'FROM alpine:3.20\n# whittle ignore=apk-no-cache\nRUN apk add x\nRUN apk del y && apk add y\nUSER app\n';
    expect(await ids(text)).toEqual(['4:consecutive-run', '4:apk-no-cache']);
  });

  it('maps # hadolint ignore=DLxxxx to the rules covering it', async () => {
    const text = 'FROM alpine:3.20\n# hadolint ignore=DL3019,DL3059\nRUN apk add x\nUSER app\n';
    expect(await ids(text)).toEqual([]);
  });

  it('accepts a reason after the id list', async () => {
    const text = 'FROM alpine:3.20\n# hadolint ignore=DL3019 we need the index for apk info later\nRUN apk add x\nUSER app\n';
    expect(await ids(text)).toEqual([]);
  });

  it('honours global ignores', async () => {
    const text = '# whittle global ignore=apk-no-cache\nFROM alpine:3.20\nRUN apk add x\nUSER app\n';
    expect(await ids(text)).toEqual([]);
  });

  it('applies per-rule settings: off and severity overrides', async () => {
    const text = 'FROM alpine:3.20\nRUN apk add x\n';
    const r = await lintText(text, { settings: { 'apk-no-cache': 'error', 'root-user': 'off' } });
    expect(r.diagnostics.map((d) => [d.ruleId, d.severity])).toEqual([['apk-no-cache', 'error']]);
  });

  it('turns a crashing rule into a finding instead of aborting', async () => {
    const boom = defineRule({
      meta: { id: 'boom', description: 'x', category: 'hygiene', severity: 'warning', messages: { m: 'm' }, docs: 'docs/rules/boom.md', covers: covers({}) },
      create: () => ({
        run() {
          throw new Error('kaput');
        },
      }),
    });
    const r = await lintText('FROM x\nRUN a\n', { rules: [boom, ...rules] });
    expect(r.diagnostics.find((d) => d.ruleId === 'boom')).toMatchObject({ messageId: 'internal', message: expect.stringContaining('kaput') });
  });

  it('never throws on garbage, odd syntax or empty input', async () => {
    for (const text of ['', '\u0000\u0001\u0002', 'FROM', 'RUN <<EOF\n', 'FROM x\nRUN <<A <<B\na\nA\nb\nB\n', 'FROM x\nRUN \\\n', '# escape=`\nFROM x\nRUN a `\n', 'FROM x\nONBUILD\n', 'FROM x\nCOPY --from= . .\n']) {
      await expect(lintText(text)).resolves.toBeDefined();
    }
  });

  it('reports ranges as zero-based line/character plus offsets', async () => {
    const text = 'FROM alpine:3.20\nUSER app\nRUN   apk add x\n';
    const d = (await lintText(text, { rules: rules.filter((r) => r.meta.id === 'apk-no-cache') })).diagnostics[0]!;
    expect(d.range.start).toEqual({ line: 2, character: 6 });
    expect(text.slice(d.offsets[0], d.offsets[1])).toBe('apk');
  });
});

// Two diagnostics whose fixes overlap: the first (line 1) edits FROM and the image tag, the second
// (line 2) edits a range overlapping the tag and the RUN keyword. Fixes apply per diagnostic, all or
// none: the first is applied whole and the second not at all, never a mix of both.
const overlapping = defineRule({
  meta: {
    id: 'overlapping-fixes',
    description: 'test rule whose two fixes overlap',
    category: 'hygiene',
    severity: 'warning',
    fixable: 'code',
    messages: { one: 'one', two: 'two' },
    docs: 'docs/rules/overlapping-fixes.md',
    covers: covers({}),
  },
  create(ctx) {
    return {
      end() {
        // 'FROM a:1\nRUN b\n': [0,4) FROM, [7,8) the tag, [9,12) RUN.
        ctx.report({ messageId: 'one', span: { start: 0, end: 4 }, fix: (f) => [f.replace({ start: 0, end: 4 }, 'from'), f.replace({ start: 7, end: 8 }, '2')] });
        ctx.report({ messageId: 'two', span: { start: 9, end: 12 }, fix: (f) => [f.replace({ start: 6, end: 8 }, ':3'), f.replace({ start: 9, end: 12 }, 'run')] });
      },
    };
  },
});

ruleTester(overlapping, {
  valid: [],
  invalid: [{ name: 'a diagnostic whose edit overlaps an applied one is skipped whole', code: 'FROM a:1\nRUN b\n', errors: [{ messageId: 'one', line: 1 }, { messageId: 'two', line: 2 }], output: 'from a:2\nRUN b\n' }],
});
