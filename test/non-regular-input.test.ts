// A FIFO, a directory or a device where whittle expects a file (a Dockerfile, an image archive, a
// .dive-ci file) is refused with one clear line before anything opens it: opening a FIFO nobody
// writes would block forever (src/internal/regular-file.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, ociLayout, writeDir, file } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-non-regular-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function whittle(...args: string[]) {
  // a run that opened the FIFO would hang: the timeout turns that into a failure, not a stuck suite
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.signal === 'SIGTERM' };
}

let fifo = '';
let layout = '';
beforeAll(async () => {
  fifo = join(tmp, 'pipe');
  execFileSync('mkfifo', [fifo]);
  layout = writeDir(join(tmp, 'layout'), ociLayout(await buildImage([[file('a', 'x')]]), { refName: 'v1' }).files);
});

describe('a FIFO given as a file (mkfifo is in coreutils)', () => {
  const cases: { name: string; args: () => string[]; what: string }[] = [
    { name: 'lint Dockerfile', args: () => ['lint', fifo], what: 'a Dockerfile' },
    { name: 'fix Dockerfile', args: () => ['fix', fifo], what: 'a Dockerfile' },
    { name: 'fix --write Dockerfile', args: () => ['fix', '--write', fifo], what: 'a Dockerfile' },
    { name: 'context -f Dockerfile', args: () => ['context', tmp, '-f', fifo], what: 'a Dockerfile' },
    { name: 'analyze bare path', args: () => ['analyze', fifo], what: 'an image archive' },
    { name: 'analyze docker-archive:', args: () => ['analyze', `docker-archive:${fifo}`], what: 'an image archive' },
    { name: 'analyze oci-archive:', args: () => ['analyze', `oci-archive:${fifo}`], what: 'an image archive' },
    { name: 'squash docker-archive:', args: () => ['squash', `docker-archive:${fifo}`, '-o', join(tmp, 'out.tar')], what: 'an image archive' },
    { name: 'analyze --dive-ci', args: () => ['analyze', `oci:${layout}:v1`, '--dive-ci', fifo], what: 'a .dive-ci file' },
  ];
  it.each(cases)('$name: one line, exit 2, no hang', ({ args, what }) => {
    const r = whittle(...args());
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe(`whittle: ${fifo} is a FIFO (named pipe), not a regular file: ${what} is read from a file\n`);
    expect(r.status).toBe(2);
  });
});

describe('a FIFO as the .dockerignore beside a Dockerfile', () => {
  it.each([['lint'], ['context']])('%s: one line, exit 2, no hang', (command) => {
    const dir = join(tmp, `ctx-${command}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
    execFileSync('mkfifo', [join(dir, '.dockerignore')]);
    const r = whittle(command, command === 'lint' ? join(dir, 'Dockerfile') : dir);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe(`whittle: ${join(dir, '.dockerignore')} is a FIFO (named pipe), not a regular file: a .dockerignore is read from a file\n`);
    expect(r.status).toBe(2);
  });
});

describe('a directory or a device given as a file', () => {
  it('lint of a directory without a Dockerfile in it says what it found', () => {
    const d = join(tmp, 'ctx');
    mkdirSync(join(d, 'Dockerfile'), { recursive: true });
    const r = whittle('lint', d);
    expect(r.stderr).toBe(`whittle: ${join(d, 'Dockerfile')} is a directory, not a regular file: a Dockerfile is read from a file\n`);
    expect(r.status).toBe(2);
  });

  it('--dive-ci naming a directory', () => {
    const r = whittle('analyze', `oci:${layout}:v1`, '--dive-ci', tmp);
    expect(r.stderr).toBe(`whittle: ${tmp} is a directory, not a regular file: a .dive-ci file is read from a file\n`);
    expect(r.status).toBe(2);
  });

  it('a character device as an image archive and as a Dockerfile', () => {
    const img = whittle('analyze', 'oci-archive:/dev/zero');
    expect(img.stderr).toBe('whittle: /dev/zero is a character device, not a regular file: an image archive is read from a file\n');
    expect(img.status).toBe(2);
    const df = whittle('fix', '/dev/null');
    expect(df.stderr).toBe('whittle: /dev/null is a character device, not a regular file: a Dockerfile is read from a file\n');
    expect(df.status).toBe(2);
  });

  it('a regular .dive-ci file is still read', () => {
    const ci = join(tmp, '.dive-ci');
    writeFileSync(ci, 'rules:\n  lowest-efficiency: 0.5\n');
    const r = whittle('analyze', `oci:${layout}:v1`, '--dive-ci', ci);
    expect(r.status).toBe(0);
  });
});
