// `whittle ls` as users run it: the merged filesystem, one layer with its whiteouts, symlinks and
// hard links, -l columns, JSON Lines, and one `whittle:` line for a path or layer that is not there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dir, file, hardlink, ociLayout, seeded, symlink, whiteout, writeDir } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-ls-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let ref: string;
beforeAll(async () => {
  const img = await buildImage([
    // 0: base
    [dir('etc/'), file('etc/os-release', 'ID=test\n'), dir('usr/'), dir('usr/bin/'), file('usr/bin/tool', seeded(3000, 1), 0o4755), dir('cache/'), file('cache/a', seeded(500, 2)), file('cache/b', 'b')],
    // 1: adds a symlink and a hard link, rewrites os-release
    [dir('usr/bin/'), symlink('usr/bin/t', 'tool'), hardlink('usr/bin/tool2', 'usr/bin/tool'), file('etc/os-release', 'ID=test2\n')],
    // 2: deletes a file and empties cache/ with an opaque whiteout, adds a file there
    [whiteout('etc/os-release'), dir('cache/'), file('cache/.wh..wh..opq', ''), file('cache/new', 'n\n'), whiteout('etc/never-was')],
  ]);
  ref = `oci:${writeDir(join(tmp, 'layout'), ociLayout(img, { refName: 'v1' }).files)}:v1`;
});

describe('whittle ls', () => {
  it('lists the merged filesystem, one path per line in tree order, deleted and hidden paths gone', () => {
    const r = whittle('ls', ref);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual([
      '/cache', '/cache/new', '/etc', '/usr', '/usr/bin', '/usr/bin/t -> tool', '/usr/bin/tool', '/usr/bin/tool2 link to /usr/bin/tool',
    ]);
  });

  it('-l prints mode, uid:gid, size and the layer that last wrote each path', () => {
    const r = whittle('ls', ref, '/usr/bin', '-l');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'drwxr-xr-x 0:0    0 1 /usr/bin',
        'lrwxrwxrwx 0:0    0 1 /usr/bin/t -> tool',
        '-rwsr-xr-x 0:0 3000 0 /usr/bin/tool',
        '-rw-r--r-- 0:0    0 1 /usr/bin/tool2 link to /usr/bin/tool',
        '',
      ].join('\n'),
    );
  });

  it('a file PATH lists itself', () => {
    const r = whittle('ls', ref, 'usr/bin/tool', '-l');
    expect(r.stdout).toBe('-rwsr-xr-x 0:0 3000 0 /usr/bin/tool\n');
  });

  it('--layer N lists that layer with its changes, whiteouts marked D', () => {
    const r = whittle('ls', ref, '--layer', '2', '-l');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual([
      'D d????????? ?   ? 2 /cache/*',
      'M drwxr-xr-x 0:0 0 2 /cache',
      'A -rw-r--r-- 0:0 2 2 /cache/new',
      'D ?????????? ?   ? - /etc/never-was',
      'D -rw-r--r-- 0:0 9 1 /etc/os-release',
    ]);
  });

  it('--layer counts from the top when negative, and a PATH narrows it', () => {
    const r = whittle('ls', ref, '/usr', '--layer', '-2');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('M /usr/bin\nA /usr/bin/t -> tool\nA /usr/bin/tool2 link to /usr/bin/tool\n');
    expect(whittle('ls', ref, '--layer', '-3').stdout).toBe(whittle('ls', ref, '--layer', '0').stdout);
  });

  it('--json prints one object per line with stable keys', () => {
    const r = whittle('ls', ref, '/usr/bin', '--json');
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((o) => Object.keys(o).join(','))).toEqual(Array(4).fill('path,type,mode,uid,gid,size,layer,target,change'));
    expect(rows[1]).toEqual({ path: '/usr/bin/t', type: 'symlink', mode: 'lrwxrwxrwx', uid: 0, gid: 0, size: 0, layer: 1, target: 'tool', change: null });
    expect(rows[3]).toMatchObject({ path: '/usr/bin/tool2', type: 'hardlink', target: '/usr/bin/tool' });
    const deleted = whittle('ls', ref, '/etc', '--layer', '2', '--json').stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(deleted).toEqual([
      { path: '/etc/never-was', type: null, mode: null, uid: null, gid: null, size: null, layer: null, target: null, change: 'deleted' },
      { path: '/etc/os-release', type: 'file', mode: '-rw-r--r--', uid: 0, gid: 0, size: 9, layer: 1, target: null, change: 'deleted' },
    ]);
  });

  it('--wide keeps whole paths; COLUMNS shortens them in the middle otherwise', () => {
    const narrow = spawnSync(process.execPath, ['bin/whittle.js', 'ls', ref, '/usr/bin/tool2'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '20' } });
    expect(narrow.stdout).toBe('/usr/bi…usr/bin/tool\n'); // 20 columns
    const wide = spawnSync(process.execPath, ['bin/whittle.js', 'ls', ref, '/usr/bin/tool2', '--wide'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '20' } });
    expect(wide.stdout).toBe('/usr/bin/tool2 link to /usr/bin/tool\n');
  });

  it.each([
    [['/nope'], /^whittle: \/nope: no such path in oci:/],
    [['/usr', '--layer', '2'], /^whittle: \/usr: layer 2 of oci:.* writes nothing there$/m],
    [['--layer', '3'], /^whittle: --layer 3: the image has 3 layer\(s\)/],
    [['--layer', 'top'], /^whittle: --layer needs a whole number/],
  ])('%j: one whittle: line, exit 2', (args, pattern) => {
    const r = whittle('ls', ref, ...args);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.status).toBe(2);
  });
});
