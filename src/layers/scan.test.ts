import { describe, expect, it } from 'vitest';
import type { TarHeader } from '../internal/tar-header.js';
import { toEntry } from './scan.js';

const h = (name: string, kind: TarHeader['kind'] = 'file', extra: Partial<TarHeader> = {}): TarHeader => ({
  name,
  kind,
  typeflag: '0',
  mode: 0o100644,
  uid: 0,
  gid: 0,
  size: 10,
  mtime: 0,
  linkname: '',
  ...extra,
});

describe('toEntry', () => {
  it.each([
    ['./usr/bin/x', 'usr/bin/x'],
    ['/usr/bin/x', 'usr/bin/x'],
    ['usr/lib/', 'usr/lib'],
    ['a/./b/../c', 'a/c'],
  ])('normalizes %s to %s', (name, path) => {
    expect(toEntry(h(name))?.path).toBe(path);
  });

  it('decodes whiteouts and opaque whiteouts', () => {
    expect(toEntry(h('etc/.wh.passwd'))).toMatchObject({ path: 'etc/passwd', whiteout: 'file', size: 0 });
    expect(toEntry(h('./var/cache/.wh..wh..opq'))).toMatchObject({ path: 'var/cache', whiteout: 'opaque', type: 'dir' });
    expect(toEntry(h('.wh.top'))).toMatchObject({ path: 'top', whiteout: 'file' });
  });

  it.each(['.wh..wh.plnk/123.456', '.wh..wh.aufs', 'x/.wh..wh.orph'])('skips AUFS metadata %s', (name) => {
    expect(toEntry(h(name))).toBeNull();
  });

  it('refuses traversal in names and hard links', () => {
    expect(() => toEntry(h('../etc/passwd'))).toThrow(/path traversal/);
    expect(() => toEntry(h('a/../../b'))).toThrow(/path traversal/);
    expect(() => toEntry(h('ok', 'hardlink', { linkname: '../../etc/shadow' }))).toThrow(/path traversal/);
  });

  it('keeps setuid bits and resolves hard link targets', () => {
    expect(toEntry(h('usr/bin/passwd', 'file', { mode: 0o104755 }))?.mode).toBe(0o4755);
    expect(toEntry(h('b', 'hardlink', { linkname: './a/x', size: 0 }))).toMatchObject({ type: 'hardlink', linkTarget: 'a/x', size: 0 });
    expect(toEntry(h('l', 'symlink', { linkname: '/etc/alternatives/l' }))).toMatchObject({ linkTarget: '/etc/alternatives/l', size: 0 });
  });
});
