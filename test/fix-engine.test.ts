import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerFix } from '../src/cli/fix.js';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { unifiedDiff } from '../src/fix/diff.js';
import { fixTextSync } from '../src/fix/engine.js';
import { applyEdits } from '../src/lint/edits.js';
import { covers, defineRule, docsPath } from '../src/lint/define.js';
import { rules } from '../src/lint/rules/index.js';
import type { Fixer, Rule } from '../src/lint/types.js';
import { lintTextSync } from '../src/lint/engine.js';
import { initShellParser } from '../src/shell/parser.js';

beforeAll(async () => {
  await initShellParser();
});

/** Golden before/after per fixable rule; `after` is what the fix must produce, byte for byte. */
const GOLDEN: { rule: string; before: string; after: string }[] = [
  {
    rule: 'apk-no-cache',
    before: 'FROM alpine:3.19\n# tools\nRUN apk add curl \\\n    git\n',
    after: 'FROM alpine:3.19\n# tools\nRUN apk add --no-cache curl \\\n    git\n',
  },
  {
    rule: 'pip-no-cache-dir',
    before: 'FROM python:3.12-slim\nRUN pip install flask\n',
    after: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n',
  },
  {
    rule: 'maintainer-deprecated',
    before: 'FROM alpine:3.19\nMAINTAINER me\n',
    after: 'FROM alpine:3.19\nLABEL org.opencontainers.image.authors="me"\n',
  },
  {
    rule: 'add-instead-of-copy',
    before: 'FROM alpine:3.19\nADD src /src\n',
    after: 'FROM alpine:3.19\nCOPY src /src\n',
  },
  {
    rule: 'json-args-recommended',
    before: 'FROM alpine:3.19\nCMD node server.js\n',
    after: 'FROM alpine:3.19\nCMD ["node", "server.js"]\n',
  },
  {
    rule: 'apt-no-install-recommends',
    before: 'FROM debian:12\nRUN apt-get update && apt-get -y install curl \\\n    git && rm -rf /var/lib/apt/lists/*\n',
    after: 'FROM debian:12\nRUN apt-get update && apt-get -y install --no-install-recommends curl \\\n    git && rm -rf /var/lib/apt/lists/*\n',
  },
];

const unfixedCount = (t: string) => lintTextSync(t).diagnostics.filter((d) => d.fix === undefined).length;

describe('golden fixes', () => {
  it.each(GOLDEN.map((g) => [g.rule, g] as const))('%s', (_r, g) => {
    const r = fixTextSync(g.before, { only: [g.rule] });
    expect(r.output).toBe(g.after);
    expect(r.applied.map((a) => a.ruleId)).toEqual([g.rule]);
    // idempotent: fixing again changes nothing
    expect(fixTextSync(r.output, { only: [g.rule] }).output).toBe(r.output);
    // the rule no longer fires, the result parses to the same number of instructions, lints no worse
    expect(lintTextSync(r.output).diagnostics.filter((d) => d.ruleId === g.rule)).toEqual([]);
    expect(parseDockerfile(r.output).instructions.length).toBe(parseDockerfile(g.before).instructions.length);
    expect(unfixedCount(r.output)).toBeLessThanOrEqual(unfixedCount(g.before));
  });
});

describe('fixText', () => {
  const messy =
    '# escape=`\r\nFROM alpine:3.19\r\nMAINTAINER me\r\n  # indented comment\r\nRUN apk add curl `\r\n    git\r\nRUN apk del git && pip install flask\r\nADD src /src\r\nCMD node server.js\r\n';

  it('keeps every byte it does not mean to change (escape directive, CRLF, comments, indentation)', () => {
    const r = fixTextSync(messy);
    expect(r.rejected).toBeNull();
    expect(r.output.startsWith('# escape=`\r\nFROM alpine:3.19\r\n')).toBe(true);
    expect(r.output).toContain('\r\n  # indented comment\r\n');
    // the two RUNs are merged with the backtick escape and the file's continuation indentation
    expect(r.output).toContain('RUN apk add --no-cache curl `\r\n    git `\r\n    && apk del git && pip install --no-cache-dir flask\r\n');
    expect(r.output.split('\r\n').length).toBe(messy.split('\r\n').length);
    expect(r.output.replace(/\r\n/g, '')).not.toContain('\n');
    expect(r.remaining).toEqual([]);
    expect(fixTextSync(r.output).output).toBe(r.output);
    expect(fixTextSync(r.output).applied).toEqual([]);
  });

  it('applies all fixable rules together and reports each', () => {
    const r = fixTextSync(messy);
    expect(r.applied.map((a) => a.ruleId).sort()).toEqual(
      ['add-instead-of-copy', 'apk-no-cache', 'consecutive-run', 'json-args-recommended', 'maintainer-deprecated', 'pip-no-cache-dir'],
    );
    expect(unfixedCount(r.output)).toBeLessThanOrEqual(unfixedCount(messy));
  });

  it('leaves a file without fixable findings untouched', () => {
    const t = 'FROM alpine:3.19\nCOPY src /src\nCMD ["node", "s.js"]\n';
    expect(fixTextSync(t)).toMatchObject({ output: t, applied: [], passes: 0 });
  });
});

describe('external fixers', () => {
  it('finds the apt install verb on a continuation line', () => {
    const t = 'FROM debian:12\nRUN apt-get -y \\\n    install curl && rm -rf /var/lib/apt/lists/*\n';
    const r = fixTextSync(t, { only: ['apt-no-install-recommends'] });
    expect(r.output).toBe('FROM debian:12\nRUN apt-get -y \\\n    install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n');
  });

  it('offers no apt fix for an exec-form RUN', () => {
    const t = 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n';
    expect(lintTextSync(t).diagnostics.some((d) => d.ruleId === 'apt-no-install-recommends')).toBe(true);
    expect(fixTextSync(t, { only: ['apt-no-install-recommends'] }).output).toBe(t);
  });
});

describe('suggestions and reshaping', () => {
  const text = 'FROM alpine:3.19\nCMD ["app"]\n';
  // A test rule reporting on CMD whose fix or suggestion inserts `insert` before it.
  const ruleAddingBeforeCmd = (insert: string, how: 'suggest' | 'fix', reshapes?: 'runs') =>
    defineRule({
      meta: {
        id: 'root-user',
        description: 'test rule',
        category: 'safety',
        severity: 'warning',
        ...(how === 'fix' ? { fixable: 'code' as const } : { hasSuggestions: true as const }),
        ...(reshapes ? { reshapes } : {}),
        messages: { m: 'test' },
        docs: docsPath('root-user'),
        covers: covers({}),
      },
      create(ctx) {
        return {
          instruction(inst) {
            if (inst.keyword !== 'CMD' || ctx.model.instructions.some((i) => i.keyword === 'USER')) return;
            const edit = (f: Fixer) => f.insertTextBefore(inst.span, insert);
            ctx.report({ messageId: 'm', span: inst.keywordSpan, ...(how === 'fix' ? { fix: edit } : { suggest: edit }) });
          },
        };
      },
    });
  const withBuiltins = (r: Rule) => [...rules.filter((x) => x.meta.id !== r.meta.id), r];

  it('a suggestion applies only when unsafe (or its rule is named), and may reshape the file', () => {
    const rule = ruleAddingBeforeCmd('USER nobody\n', 'suggest');
    expect(fixTextSync(text, { rules: withBuiltins(rule) }).output).toBe(text);
    const r = fixTextSync(text, { rules: withBuiltins(rule), unsafe: true });
    expect(r.rejected).toBeNull();
    expect(r.output).toBe('FROM alpine:3.19\nUSER nobody\nCMD ["app"]\n');
    expect(r.applied.map((a) => a.ruleId)).toEqual(['root-user']);
    expect(fixTextSync(text, { rules: withBuiltins(rule), only: ['root-user'] }).output).toBe(r.output);
  });

  it('a safe fix of a rule declaring reshapes: runs may not add other instructions', () => {
    const r = fixTextSync(text, { rules: withBuiltins(ruleAddingBeforeCmd('USER nobody\n', 'fix', 'runs')) });
    expect(r.rejected).toMatch(/changed the instruction structure/);
    expect(r.output).toBe(text);
  });

  it('a pass that makes any rule report more is rejected', () => {
    // The USER satisfies the test rule, but the ADD line makes add-instead-of-copy fire where it did not.
    const r = fixTextSync(text, { rules: withBuiltins(ruleAddingBeforeCmd('USER nobody\nADD x /x\n', 'suggest')), unsafe: true });
    expect(r.rejected).toMatch(/made add-instead-of-copy report more findings/);
    expect(r.output).toBe(text);
  });

  it('a rule that reports a fix or a suggestion it does not declare is reported as broken', () => {
    const undeclared = (how: 'fix' | 'suggest') => {
      const r = ruleAddingBeforeCmd('USER nobody\n', how);
      return { ...r, meta: { ...r.meta, fixable: undefined, hasSuggestions: undefined } } as Rule;
    };
    for (const how of ['fix', 'suggest'] as const) {
      const d = lintTextSync(text, { rules: [undeclared(how)] }).diagnostics;
      expect(d.map((x) => x.messageId)).toEqual(['internal']);
      expect(d[0]!.message).toMatch(how === 'fix' ? /does not declare meta.fixable/ : /does not declare meta.hasSuggestions/);
    }
  });
});

describe('applyEdits', () => {
  it('applies a group atomically and defers a group that overlaps an accepted one', () => {
    const r = applyEdits('abcdef', [
      [{ range: [0, 1], text: 'A' }, { range: [4, 5], text: 'E' }],
      [{ range: [3, 5], text: 'XX' }, { range: [5, 6], text: 'F' }],
      [{ range: [2, 2], text: '+' }],
    ]);
    expect(r.text).toBe('Ab+cdEf');
    expect(r.accepted).toEqual([0, 2]);
  });
});

describe('unifiedDiff', () => {
  it('prints hunks with context and nothing for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'D')).toBe('');
    const d = unifiedDiff('1\n2\n3\n4\n5\n6\n7\n8\n9\n', '1\n2\n3\n4\nX\n6\n7\n8\n9\n', 'Dockerfile');
    expect(d).toBe('--- a/Dockerfile\n+++ b/Dockerfile\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n');
  });
});

describe('whittle fix CLI', () => {
  let dir: string;
  afterEach(async () => {
    vi.restoreAllMocks();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const state = { exitCode: 0 };
    const program = new Command('whittle').exitOverride();
    registerFix(program, state);
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (e) {
      return { code: 2, out, err: err + String((e as Error).message) };
    }
    return { code: state.exitCode, out, err };
  }

  it('applies structural fixes only with --unsafe or when --rule names them', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-fix-'));
    const f = path.join(dir, 'Dockerfile');
    await writeFile(f, 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "s.js"]\n');
    const fixedRules = (err: string) => err.split('\n').filter((l) => l.startsWith('fixed ')).map((l) => l.split(' ').pop());
    const safe = await cli('fix', f);
    expect(fixedRules(safe.err)).toEqual(['node-package-cache']);
    const unsafe = await cli('fix', f, '--unsafe');
    expect(unsafe.code).toBe(0);
    expect(fixedRules(unsafe.err)).toContain('heavy-base-image');
    expect(fixedRules(unsafe.err)).toContain('node-package-cache');
    const one = await cli('fix', f, '--rule', 'heavy-base-image');
    expect(fixedRules(one.err)).toEqual(['heavy-base-image']);
    expect(await readFile(f, 'utf8')).toContain('FROM node:20\n');
  });

  it('takes --rule before the file name, repeated or comma-separated, and refuses an unknown rule id', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-fix-'));
    const f = path.join(dir, 'Other.Dockerfile');
    await writeFile(f, 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -f /etc/motd\n');
    const fixedRules = (err: string) => err.split('\n').filter((l) => l.startsWith('fixed ')).map((l) => l.split(' ').pop());
    // The file after --rule ID is the file to fix, not a second rule id.
    const one = await cli('fix', '--rule', 'apt-no-install-recommends', f);
    expect(one.code).toBe(0);
    expect(one.err).toContain(`fixed ${f}:2 apt-no-install-recommends`);
    expect(fixedRules(one.err)).toEqual(['apt-no-install-recommends']);
    const two = await cli('fix', '--rule', 'apt-no-install-recommends,consecutive-run', f);
    expect(fixedRules(two.err).sort()).toEqual(['apt-no-install-recommends', 'consecutive-run']);
    const repeated = await cli('fix', '--rule', 'consecutive-run', '--rule', 'apt-no-install-recommends', f);
    expect(fixedRules(repeated.err).sort()).toEqual(['apt-no-install-recommends', 'consecutive-run']);
    const unknown = await cli('fix', '--rule', 'no-such-rule', f);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--rule no-such-rule: no such rule/);
    expect(unknown.out).toBe('');
  });

  it('diffs by default, writes with --write, and a second run has nothing to do', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-fix-'));
    const f = path.join(dir, 'Dockerfile');
    await writeFile(f, GOLDEN[0]!.before);
    const d = await cli('fix', f);
    expect(d.code).toBe(0);
    expect(d.out).toContain('-RUN apk add curl \\\n+RUN apk add --no-cache curl \\\n');
    // the headers name the file as given, not only its base name
    expect(d.out.startsWith(`--- a/${f.replace(/^\/+/, '')}\n+++ b/${f.replace(/^\/+/, '')}\n`)).toBe(true);
    expect(await readFile(f, 'utf8')).toBe(GOLDEN[0]!.before);
    const w = await cli('fix', f, '--write');
    expect(w.code).toBe(0);
    expect(await readFile(f, 'utf8')).toBe(GOLDEN[0]!.after);
    expect((await cli('fix', f)).out).toBe('');
    expect((await cli('fix', path.join(dir, 'missing'))).code).toBe(2);
  });
});
