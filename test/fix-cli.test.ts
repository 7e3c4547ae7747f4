// `whittle fix` as users run it: --json prints the result on stdout as one JSON object, no diff,
// and --write still writes; an empty or binary file is refused as lint refuses it; --write on a
// symlink writes through to its target; file names are printed escaped.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-fix-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const APT = 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n';

describe('whittle fix --json', () => {
  it('prints file, output, applied, rejected, changed, written and verify instead of a diff', () => {
    const file = join(tmp, 'Dockerfile.a');
    writeFileSync(file, APT);
    const r = whittle('fix', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { applied: { ruleId: string; line: number; pass: number }[] };
    expect(Object.keys(out)).toEqual(['file', 'output', 'applied', 'rejected', 'changed', 'written', 'verify']);
    expect(out).toMatchObject({ file, rejected: null, changed: true, written: false, verify: null });
    expect(out.output).toContain('--no-install-recommends');
    expect(out.applied.map((a) => [a.ruleId, a.line, a.pass])).toContainEqual(['apt-no-install-recommends', 2, 1]);
    expect(readFileSync(file, 'utf8')).toBe(APT);
  });

  it('with --write writes the file and says so', () => {
    const file = join(tmp, 'Dockerfile.b');
    writeFileSync(file, APT);
    const out = JSON.parse(whittle('fix', file, '--write', '--json').stdout) as { output: string; written: boolean };
    expect(out.written).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(out.output);
  });

  it('nothing to fix: changed false, nothing applied', () => {
    const file = join(tmp, 'Dockerfile.c');
    writeFileSync(file, 'FROM scratch\nCOPY app /app\n');
    const out = JSON.parse(whittle('fix', file, '--json').stdout) as { applied: unknown[]; changed: boolean; written: boolean };
    expect(out).toMatchObject({ applied: [], changed: false, written: false });
  });
});

describe('whittle fix on what is not a Dockerfile', () => {
  it.each([
    ['an empty file', Buffer.alloc(0), 'empty file, not a Dockerfile'],
    ['a file of blanks', Buffer.from('\n  \n'), 'empty file, not a Dockerfile'],
    ['a binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]), 'binary data, not a Dockerfile'],
    ['a file that is not UTF-8', Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe, 0x0a]), 'not UTF-8 text, not a Dockerfile'],
  ])('%s: exit 2 with one whittle: line, as lint', (_, bytes, message) => {
    const file = join(tmp, `Dockerfile.bad-${message.length}-${bytes.length}`);
    writeFileSync(file, bytes);
    for (const args of [['fix', file], ['fix', file, '--write'], ['fix', file, '--json'], ['lint', file]]) {
      const r = whittle(...args);
      expect([args.join(' '), r.status, r.stdout, r.stderr]).toEqual([args.join(' '), 2, '', `whittle: ${file}: ${message}\n`]);
    }
    expect(readFileSync(file)).toEqual(bytes);
  });

  it('a file with a BOM is fixed and keeps its BOM', () => {
    const file = join(tmp, 'Dockerfile.bom');
    writeFileSync(file, '\ufeff' + APT);
    const r = whittle('fix', file, '--write');
    expect(r.status).toBe(0);
    const out = readFileSync(file, 'utf8');
    expect(out.startsWith('\ufeffFROM debian:12\n')).toBe(true);
    expect(out).toContain('--no-install-recommends');
  });
});

describe('whittle fix --write on a symlinked Dockerfile', () => {
  it('writes through to the target, keeps its mode, and leaves the link a link', () => {
    const real = mkdtempSync(join(tmp, 'real-'));
    const links = mkdtempSync(join(tmp, 'links-'));
    const target = join(real, 'Dockerfile');
    writeFileSync(target, APT);
    chmodSync(target, 0o640);
    const link = join(links, 'Dockerfile');
    symlinkSync(relative(links, target), link);
    const r = whittle('fix', link, '--write');
    expect(r.status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(relative(links, target));
    expect(readFileSync(target, 'utf8')).toContain('--no-install-recommends');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(real)).toEqual(['Dockerfile']);
    expect(readdirSync(links)).toEqual(['Dockerfile']);
  });

  it('follows a chain of links', () => {
    const dir = mkdtempSync(join(tmp, 'chain-'));
    writeFileSync(join(dir, 'Dockerfile.real'), APT);
    symlinkSync('Dockerfile.real', join(dir, 'Dockerfile.mid'));
    symlinkSync(join(dir, 'Dockerfile.mid'), join(dir, 'Dockerfile'));
    expect(whittle('fix', join(dir, 'Dockerfile'), '--write').status).toBe(0);
    expect(lstatSync(join(dir, 'Dockerfile')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'Dockerfile.mid')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'Dockerfile.real'), 'utf8')).toContain('--no-install-recommends');
    expect(readdirSync(dir).sort()).toEqual(['Dockerfile', 'Dockerfile.mid', 'Dockerfile.real']);
  });
});

describe('whittle fix prints file names escaped', () => {
  it('the fixed FILE:LINE lines carry no raw control characters', () => {
    const file = join(tmp, 'Dockerfile.\u001b[2J\u202e');
    writeFileSync(file, APT);
    const r = whittle('fix', file, '--write');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('Dockerfile.\\x1b[2J\\u202e:2 apt-no-install-recommends');
    expect(r.stderr).not.toMatch(/[\u001b\u202e]/);
  });
});
