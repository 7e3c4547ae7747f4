// Text output and the terminal width, as users see it: COLUMNS shortens long paths in the middle and
// wraps sentences, --wide keeps paths whole, and a pipe without COLUMNS gets everything whole.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dir, file, ociLayout, seeded, writeDir } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-width-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const LONG = 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages';

function whittle(columns: string | undefined, ...args: string[]) {
  const env = { ...process.env };
  delete env.COLUMNS;
  if (columns !== undefined) env.COLUMNS = columns;
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let ref: string;
let ctx: string;
beforeAll(async () => {
  const img = await buildImage([[dir('var/'), dir('var/lib/'), dir('var/lib/apt/'), dir('var/lib/apt/lists/'), file(LONG, seeded(200_000, 3))]]);
  ref = `oci:${writeDir(join(tmp, 'layout'), ociLayout(img, { refName: 'v1' }).files)}:v1`;
  ctx = join(tmp, 'ctx');
  mkdirSync(join(ctx, 'a-rather-long-directory-name', 'and-another-long-one'), { recursive: true });
  writeFileSync(join(ctx, 'a-rather-long-directory-name', 'and-another-long-one', 'with-a-long-file-name.bin'), seeded(5000, 4));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
});

const long = (out: string, width: number) => out.split('\n').filter((l) => l.length > width && !/^\s*\d+\s|^#|^ID |^Digest /.test(l));

describe.each([
  ['analyze', () => ['analyze', ref], LONG],
  ['strip --dry-run', () => ['strip', ref, '--dry-run'], `/${LONG}`],
  ['ls -l', () => ['ls', ref, '-l'], `/${LONG}`],
  ['context', () => ['context', ctx], 'a-rather-long-directory-name/and-another-long-one/with-a-long-file-name.bin'],
])('%s', (_, args, path) => {
  it('fits 60 columns with COLUMNS=60, the long path elided', () => {
    const r = whittle('60', ...args());
    expect(r.status).toBe(0);
    expect(long(r.stdout, 60)).toEqual([]);
    expect(r.stdout).not.toContain(path);
    expect(r.stdout).toContain('…');
  });
  it('keeps the path whole with --wide', () => {
    expect(whittle('60', ...args(), '--wide').stdout).toContain(path);
  });
  it('keeps everything whole in a pipe without COLUMNS', () => {
    const r = whittle(undefined, ...args());
    expect(r.stdout).toContain(path);
    expect(r.stdout).not.toContain('…');
  });
});
