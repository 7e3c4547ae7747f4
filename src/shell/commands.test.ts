import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, MAX_SCRIPT_CHARS, analyzeShell } from './commands.js';
import { initShellParser } from './parser.js';

beforeAll(async () => {
  await initShellParser();
});

const names = (text: string) => analyzeShell(text)!.commands.map((c) => c.name);

describe('analyzeShell', () => {
  it('lists commands of && || ; chains, pipelines, subshells and if in order', () => {
    expect(names('a && b || c; d | e; (f); if g; then h; else i; fi')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });

  it('marks || fallbacks and if bodies as conditional, the condition not', () => {
    const cs = analyzeShell('a || b; if c; then d; fi')!.commands;
    expect(cs.map((c) => [c.name, c.conditional, c.fallback])).toEqual([
      ['a', false, false],
      ['b', true, true],
      ['c', false, false],
      ['d', true, false],
    ]);
  });

  it('unquotes words and keeps expansions visible', () => {
    const c = analyzeShell(`echo "a b" 'c' d\\ e "$X" x"y"z`)!.commands[0]!;
    expect(c.words.map((w) => [w.text, w.literal])).toEqual([
      ['echo', true],
      ['a b', true],
      ['c', true],
      ['d e', true],
      ['$X', false],
      ['xyz', true],
    ]);
  });

  it('strips wrappers and keeps assignments', () => {
    const c = analyzeShell('sudo -u root env A=1 DEBIAN_FRONTEND=x apt-get install -y x')!.commands[0]!;
    expect(c.name).toBe('apt-get');
    expect(c.prefix.map((w) => w.text)).toEqual(['sudo', '-u', 'root', 'env', 'A=1', 'DEBIAN_FRONTEND=x']);
    const d = analyzeShell('B=2 make')!.commands[0]!;
    expect([...d.assignments]).toEqual([['B', '2']]);
  });

  it('links pipelines and records redirects', () => {
    const cs = analyzeShell('curl -s x | sh; echo a > /f 2>&1')!.commands;
    expect(cs[0]!.pipesTo).toBe(1);
    expect(cs[2]!.redirects.map((r) => [r.operator, r.target])).toEqual([
      ['>', '/f'],
      ['>&', '1'],
    ]);
  });

  it('parses sh -c strings as nested commands with positions inside the string', () => {
    const text = `sh -c 'apk add x && rm -rf /y'`;
    const cs = analyzeShell(text)!.commands;
    expect(cs.map((c) => [c.name, c.nested])).toEqual([
      ['sh', false],
      ['apk', true],
      ['rm', true],
    ]);
    expect(text.slice(cs[1]!.span.start, cs[1]!.span.end)).toBe('apk add x');
  });

  it('records export/declare with their assignments as commands', () => {
    const cs = analyzeShell('export A=1 B="two words" && declare -x C=3; pip install x')!.commands;
    expect(cs.map((c) => c.name)).toEqual(['export', 'declare', 'pip']);
    expect([...cs[0]!.assignments]).toEqual([['A', '1'], ['B', 'two words']]);
    expect(cs[1]!.assignments.get('C')).toBe('3');
    expect(cs[2]!.order).toBe(2);
  });

  it('detects set -e and pipefail', () => {
    expect(analyzeShell('set -eux; a')!.errexit).toBe(true);
    expect(analyzeShell('set -o errexit -o pipefail; a')).toMatchObject({ errexit: true, pipefail: true });
    expect(analyzeShell('a; b')).toMatchObject({ errexit: false, pipefail: false });
  });

  it('recovers from syntax errors without throwing', () => {
    const s = analyzeShell('a && (b; if then fi ))) "unterminated')!;
    expect(s.hasErrors).toBe(true);
    expect(s.commands.length).toBeGreaterThan(0);
  });

  it('maps offsets through the given function', () => {
    const c = analyzeShell('ab cd', (i) => i + 100)!.commands[0]!;
    expect(c.words[1]!.span).toEqual({ start: 103, end: 105 });
  });
});

describe('hostile scripts end, they do not exhaust the stack', () => {
  it('walks a 20,000-link && chain without recursion, every command in order', async () => {
    await initShellParser();
    // one link a line keeps it under MAX_LINE_CHARS and MAX_SCRIPT_CHARS (190 KB)
    const script = Array.from({ length: 20_000 }, (_, i) => `e ${i}`).join(' &&\n');
    const s = analyzeShell(script)!;
    expect(s.commands).toHaveLength(20_000);
    expect(s.commands[19_999]!.words[1]!.text).toBe('19999');
    expect(s.hasErrors).toBe(false);
  });

  it('leaves a script past MAX_SCRIPT_CHARS, or with a line past MAX_LINE_CHARS, unanalysed', async () => {
    await initShellParser();
    const long = Array.from({ length: 50_000 }, (_, i) => `echo ${i}`).join(' &&\n');
    expect(long.length).toBeGreaterThan(MAX_SCRIPT_CHARS);
    expect(analyzeShell(long)).toMatchObject({ commands: [], hasErrors: true, unanalyzed: 'too-big' });
    const wide = `echo ${'y'.repeat(MAX_LINE_CHARS)}`;
    expect(analyzeShell(wide)).toMatchObject({ commands: [], unanalyzed: 'too-big' });
    expect(analyzeShell(wide.slice(0, MAX_LINE_CHARS))).toMatchObject({ commands: [{ name: 'echo' }], hasErrors: false });
    expect(analyzeShell(wide.slice(0, MAX_LINE_CHARS))!.unanalyzed).toBeUndefined();
  });

  it('stops following subshells nested 5,000 deep and treats the script as unreadable', async () => {
    await initShellParser();
    const s = analyzeShell(`${'('.repeat(5000)}echo x${')'.repeat(5000)}`)!;
    expect(s.hasErrors).toBe(true);
  });
});
