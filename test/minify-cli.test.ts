// `whittle minify` as users run it: --why, --explain, --json, exit codes, and no output left behind on a bad image.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elfFile } from './support/elf-writer.js';
import { buildImage, dir, file, ociLayout, symlink, writeDir, type TarMember } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const layer = (): TarMember[] => [
  dir('usr'), dir('usr/bin'), dir('usr/lib'), dir('etc'), symlink('bin', 'usr/bin'),
  file('usr/lib/ld.so', elfFile({ static: true }), 0o755),
  file('usr/lib/libc.so.6', elfFile({})),
  file('usr/bin/app', elfFile({ interpreter: '/usr/lib/ld.so', needed: ['libc.so.6'] }), 0o755),
  file('usr/bin/other', elfFile({ static: true }), 0o755),
  file('etc/passwd', 'root:x:0:0::/root:/bin/sh\n'),
  symlink('usr/bin/loop', 'loop2'), symlink('usr/bin/loop2', 'loop'),
];

let good: string;
let looping: string;
beforeAll(async () => {
  good = writeDir(join(tmp, 'good'), ociLayout(await buildImage([layer()], { config: { Entrypoint: ['/bin/app'] } }), { refName: 'v1' }).files);
  looping = writeDir(join(tmp, 'loop'), ociLayout(await buildImage([layer()], { config: { Entrypoint: ['loop'], Env: ['PATH=/usr/bin'] } }), { refName: 'v1' }).files);
});

describe('whittle minify', () => {
  it('--why answers for a kept path and for one left out, writing nothing', () => {
    const kept = whittle('minify', `oci:${good}:v1`, '--why', '/usr/lib/libc.so.6');
    expect(kept.stderr).toBe('');
    expect(kept.status).toBe(0);
    expect(kept.stdout).toMatch(/^\/usr\/lib\/libc\.so\.6: kept\n {2}DT_NEEDED of \/usr\/bin\/app \(found through a default directory\)\n/);
    const not = whittle('minify', `oci:${good}:v1`, '--why', 'usr/bin/other');
    expect(not.stdout).toMatch(/^\/usr\/bin\/other: not kept\n {2}nothing the entrypoint runs reaches it \(--keep \/usr\/bin\/other keeps it\)\n/);
    expect(whittle('minify', `oci:${good}:v1`, '--why', '/bin/app').stdout).toMatch(/^\/bin\/app: kept\n {2}resolves to \/usr\/bin\/app through kept symlinks\n {2}the entrypoint\n/);
  });

  it('writes the closure and explains it; --json lists every kept path with its reasons', () => {
    const out = join(tmp, 'out.tar');
    const r = whittle('minify', `oci:${good}:v1`, '-o', `docker-archive:${out}:whittle-minify/cli:min`, '--explain');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('/usr/bin/app\n  the entrypoint\n');
    expect(r.stdout).toContain('/tmp (created)\n  temporary files (mode 1777)\n');
    expect(r.stdout).toMatch(/kept 10 paths of 12, \S+ of \S+ of file content\nwrote docker-archive:/);
    const j = JSON.parse(whittle('minify', `oci:${good}:v1`, '--json', '--why', '/usr/bin/other').stdout) as { kept: { path: string; reasons: string[] }[]; why: { kept: boolean } };
    expect(j.why.kept).toBe(false);
    expect(j.kept.find((k) => k.path === '/usr/lib/ld.so')?.reasons).toEqual(['dynamic loader (PT_INTERP) of /usr/bin/app']);
    expect(j.kept.map((k) => k.path)).not.toContain('/usr/bin/other');
  });

  it('refuses a bad image with one line and exit 2, leaving no output', () => {
    const out = join(tmp, 'never.tar');
    const before = readdirSync(tmp).sort();
    const r = whittle('minify', `oci:${looping}:v1`, '-o', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whittle: \/usr\/bin\/loop \(the entrypoint\): symlink loop at \/usr\/bin\/loop2?\n$/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).sort()).toEqual(before);
  });

  it('needs -o or --why', () => {
    const r = whittle('minify', `oci:${good}:v1`);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('whittle: minify needs -o OUT (or --why PATH)\n');
  });

  it.each([
    [['--verify'], 'whittle: --verify needs a check: --check-cmd ARGS, --check-http PORT/PATH, or a HEALTHCHECK in the image\n'],
    [['--probe'], 'whittle: --probe needs a check: --check-cmd ARGS, --check-http PORT/PATH, or a HEALTHCHECK in the image\n'],
    [['--probe', '--verify'], 'whittle: --verify needs a check: --check-cmd ARGS, --check-http PORT/PATH, or a HEALTHCHECK in the image\n'],
    [['--check-cmd', 'app', '--check-http', '80/'], 'whittle: --check-cmd and --check-http: give one check\n'],
    [['--check-http', 'web/'], 'whittle: --check-http "web/": expected PORT/PATH, such as 8080/health\n'],
    [['--check-cmd', "echo 'x"], `whittle: --check-cmd "echo 'x": unclosed '\n`],
    [['--check-cmd', 'app', '--check-timeout', 'soon'], 'whittle: --check-timeout "soon": expected a number of seconds\n'],
  ])('refuses %j before any work, writing nothing', (flags, message) => {
    const out = join(tmp, 'verify-never.tar');
    const r = whittle('minify', `oci:${good}:v1`, '-o', out, ...flags);
    expect(r.stderr).toBe(message);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('--verify needs -o', () => {
    const r = whittle('minify', `oci:${good}:v1`, '--why', '/bin/app', '--check-cmd', 'app');
    expect(r.stderr).toBe('whittle: --verify needs -o OUT: it checks the image it would write\n');
    expect(r.status).toBe(2);
  });
});
