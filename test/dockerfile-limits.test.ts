// The Dockerfile size limit (src/context/dockerfile-size.ts) as lint, fix and context meet it: one
// byte over 1 MiB is refused with one `whittle:` line and exit 2; a file of exactly 1 MiB is read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_DOCKERFILE_BYTES } from '../src/context/dockerfile-size.js';
import { runCli } from './support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-dockerfile-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** dockerfileOf writes a Dockerfile of exactly bytes bytes (FROM, then comment lines) in its own directory. */
function dockerfileOf(name: string, bytes: number): string {
  const head = 'FROM debian:12-slim\n';
  const line = '# padding padding padding padding padding padding padding padding\n';
  let body = head + line.repeat(Math.floor((bytes - head.length) / line.length));
  body += '#'.repeat(bytes - body.length - 1) + '\n';
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), body);
  return join(dir, 'Dockerfile');
}

describe('Dockerfile size limit', () => {
  const over = dockerfileOf('over', MAX_DOCKERFILE_BYTES + 1);
  const at = dockerfileOf('at', MAX_DOCKERFILE_BYTES);

  it.each([
    ['lint', [over]],
    ['fix', [over]],
    ['context', [join(tmp, 'over')]],
  ])('%s refuses a Dockerfile one byte over 1 MiB with one line and exit 2', async (command, args) => {
    const r = await runCli([command, ...args]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^whittle: .*Dockerfile: 1\.0 MiB, larger than the 1 MiB whittle reads as a Dockerfile\n$/);
    expect(r.status).toBe(2);
  });

  it('lint reads a Dockerfile of exactly 1 MiB', async () => {
    const r = await runCli(['lint', at, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBeLessThan(2);
  });
});
