// `whittle fix --json` as users run it: the result on stdout as one JSON object, no diff, and
// --write still writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
