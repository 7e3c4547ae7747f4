import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerFix } from '../src/cli/fix.js';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { unifiedDiff } from '../src/fix/diff.js';
import { applyEdits, fixText } from '../src/fix/engine.js';
import type { ExternalFixer } from '../src/fix/fixers/index.js';
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
    const r = fixText(g.before, { only: [g.rule] });
    expect(r.output).toBe(g.after);
    expect(r.applied.map((a) => a.ruleId)).toEqual([g.rule]);
    // idempotent: fixing again changes nothing
    expect(fixText(r.output, { only: [g.rule] }).output).toBe(r.output);
    // the rule no longer fires, the result parses to the same number of instructions, lints no worse
    expect(lintTextSync(r.output).diagnostics.filter((d) => d.ruleId === g.rule)).toEqual([]);
    expect(parseDockerfile(r.output).instructions.length).toBe(parseDockerfile(g.before).instructions.length);
    expect(unfixedCount(r.output)).toBeLessThanOrEqual(unfixedCount(g.before));
  });
});

describe('fixText', () => {
  const messy =
    '# escape=`\r\nFROM alpine:3.19\r\nMAINTAINER me\r\n  # indented comment\r\nRUN apk add curl `\r\n    git\r\nRUN pip install flask\r\nADD src /src\r\nCMD node server.js\r\n';

  it('keeps every byte it does not mean to change (escape directive, CRLF, comments, indentation)', () => {
    const r = fixText(messy);
    expect(r.rejected).toBeNull();
    expect(r.output.startsWith('# escape=`\r\nFROM alpine:3.19\r\n')).toBe(true);
    expect(r.output).toContain('\r\n  # indented comment\r\n');
    // the two RUNs are merged with the backtick escape and the file's continuation indentation
    expect(r.output).toContain('RUN apk add --no-cache curl `\r\n    git `\r\n    && pip install --no-cache-dir flask\r\n');
    expect(r.output.split('\r\n').length).toBe(messy.split('\r\n').length);
    expect(r.output.replace(/\r\n/g, '')).not.toContain('\n');
    expect(r.remaining).toEqual([]);
    expect(fixText(r.output).output).toBe(r.output);
    expect(fixText(r.output).applied).toEqual([]);
  });

  it('applies all fixable rules together and reports each', () => {
    const r = fixText(messy);
    expect(r.applied.map((a) => a.ruleId).sort()).toEqual(
      ['add-instead-of-copy', 'apk-no-cache', 'consecutive-run', 'json-args-recommended', 'maintainer-deprecated', 'pip-no-cache-dir'],
    );
    expect(unfixedCount(r.output)).toBeLessThanOrEqual(unfixedCount(messy));
  });

  it('leaves a file without fixable findings untouched', () => {
    const t = 'FROM alpine:3.19\nCOPY src /src\nCMD ["node", "s.js"]\n';
    expect(fixText(t)).toMatchObject({ output: t, applied: [], passes: 0 });
  });
});

describe('external fixers', () => {
  it('finds the apt install verb on a continuation line', () => {
    const t = 'FROM debian:12\nRUN apt-get -y \\\n    install curl && rm -rf /var/lib/apt/lists/*\n';
    const r = fixText(t, { only: ['apt-no-install-recommends'] });
    expect(r.output).toBe('FROM debian:12\nRUN apt-get -y \\\n    install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n');
  });

  it('offers no apt fix for an exec-form RUN', () => {
    const t = 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n';
    expect(lintTextSync(t).diagnostics.some((d) => d.ruleId === 'apt-no-install-recommends')).toBe(true);
    expect(fixText(t, { only: ['apt-no-install-recommends'] }).output).toBe(t);
  });
});

describe('extra (structural) fixers', () => {
  const text = 'FROM debian:12\nCMD ["app"]\n';
  // Adds a USER instruction before CMD: a structure change.
  const addUser = (t: string) => {
    const at = t.indexOf('CMD');
    return [{ range: [at, at] as [number, number], text: 'USER nobody\n' }];
  };

  it('may reshape the file unless they declare less', () => {
    const r = fixText(text, { extraFixers: { 'root-user': addUser } });
    expect(r.rejected).toBeNull();
    expect(r.output).toBe('FROM debian:12\nUSER nobody\nCMD ["app"]\n');
    expect(r.applied.map((a) => a.ruleId)).toEqual(['root-user']);
  });

  it('a fixer marked reshapes: runs may not add other instructions', () => {
    const runsOnly: ExternalFixer = Object.assign((t: string) => addUser(t), { reshapes: 'runs' as const });
    const r = fixText(text, { extraFixers: { 'root-user': runsOnly } });
    expect(r.rejected).toMatch(/changed the instruction structure/);
    expect(r.output).toBe(text);
  });

  it('a pass that makes any rule report more is rejected', () => {
    // The USER fixes root-user, but the ADD line makes add-instead-of-copy fire where it did not.
    const worse: ExternalFixer = (t) => {
      const at = t.indexOf('CMD');
      return [{ range: [at, at], text: 'USER nobody\nADD x /x\n' }];
    };
    const r = fixText(text, { extraFixers: { 'root-user': worse } });
    expect(r.rejected).toMatch(/made add-instead-of-copy report more findings/);
    expect(r.output).toBe(text);
  });

  it('are not used for rules the safe fixers already cover', () => {
    const t = 'FROM alpine:3.19\nRUN echo a\nRUN echo b\n';
    const never: ExternalFixer = () => {
      throw new Error('must not be called');
    };
    expect(fixText(t, { only: ['consecutive-run'], extraFixers: { 'consecutive-run': never } }).output).toBe('FROM alpine:3.19\nRUN echo a \\\n    && echo b\n');
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

  it('diffs by default, writes with --write, and a second run has nothing to do', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-fix-'));
    const f = path.join(dir, 'Dockerfile');
    await writeFile(f, GOLDEN[0]!.before);
    const d = await cli('fix', f);
    expect(d.code).toBe(0);
    expect(d.out).toContain('-RUN apk add curl \\\n+RUN apk add --no-cache curl \\\n');
    expect(await readFile(f, 'utf8')).toBe(GOLDEN[0]!.before);
    const w = await cli('fix', f, '--write');
    expect(w.code).toBe(0);
    expect(await readFile(f, 'utf8')).toBe(GOLDEN[0]!.after);
    expect((await cli('fix', f)).out).toBe('');
    expect((await cli('fix', path.join(dir, 'missing'))).code).toBe(2);
  });
});
