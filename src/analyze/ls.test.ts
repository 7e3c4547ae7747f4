import { describe, expect, it } from 'vitest';
import { comparePaths, listLayer, listMerged, modeString, resolveLayer } from './ls.js';
import { dir, file, link, opaque, symlink, whiteout } from './testing.js';

describe('modeString', () => {
  it.each([
    ['dir', 0o755, 'drwxr-xr-x'],
    ['file', 0o644, '-rw-r--r--'],
    ['file', 0o4755, '-rwsr-xr-x'],
    ['file', 0o2644, '-rw-r-Sr--'],
    ['dir', 0o1777, 'drwxrwxrwt'],
    ['dir', 0o1776, 'drwxrwxrwT'],
    ['symlink', 0o777, 'lrwxrwxrwx'],
    ['hardlink', 0o600, '-rw-------'],
    ['char', 0o666, 'crw-rw-rw-'],
    ['fifo', 0o644, 'prw-r--r--'],
    [null, null, '??????????'],
  ] as const)('%s %o → %s', (type, mode, want) => {
    expect(modeString(type, mode)).toBe(want);
  });
});

describe('comparePaths', () => {
  it('orders by component, so a directory comes right before its contents', () => {
    expect(['a-b', 'a/b', 'a', 'a.c', 'a/b/c'].sort(comparePaths)).toEqual(['a', 'a/b', 'a/b/c', 'a-b', 'a.c']);
  });

  it('orders names by their bytes, those that are not UTF-8 (\\udcXX: the byte 0xXX) among them', () => {
    const names = ['a\udcff', 'a\u00e9', 'a\udc80', 'a\u{1f600}', 'a\uffff', 'a/b', 'ab', 'a\u00e9/x', 'a\u00e9x'];
    expect(names.sort(comparePaths)).toEqual(['a/b', 'ab', 'a\udc80', 'a\u00e9', 'a\u00e9/x', 'a\u00e9x', 'a\uffff', 'a\u{1f600}', 'a\udcff']);
    expect(['a\u{1f600}', 'a\u{1f601}', 'a\u{1f5ff}'].sort(comparePaths)).toEqual(['a\u{1f5ff}', 'a\u{1f600}', 'a\u{1f601}']);
  });
});

describe('resolveLayer', () => {
  it.each([
    [0, 3, 0],
    [2, 3, 2],
    [-1, 3, 2],
    [-3, 3, 0],
  ])('%d of %d → %d', (n, count, want) => expect(resolveLayer(n, count)).toBe(want));
  it.each([3, -4, 1.5])('%d of 3 is a usage error', (n) => expect(() => resolveLayer(n, 3)).toThrow(/--layer .*: the image has 3 layer\(s\)/));
});

const layers = [
  [dir('etc'), file('etc/a', 10), file('etc/b', 20), dir('opt'), file('opt/x', 5)],
  [file('etc/a', 11), whiteout('etc/b'), symlink('etc/c', 'a'), link('etc/d', 'etc/a'), opaque('opt'), file('opt/y', 1)],
];

describe('listMerged', () => {
  it('lists the merged tree under a path, the path first, with the layer that last wrote each', () => {
    expect(listMerged(layers, 'etc').map((p) => [p.path, p.type, p.size, p.layer, p.target])).toEqual([
      ['/etc', 'dir', 0, 1, null], // layer 2 writes below etc with no entry for it: the engine makes it that layer's directory
      ['/etc/a', 'file', 11, 1, null],
      ['/etc/c', 'symlink', 0, 1, 'a'],
      ['/etc/d', 'hardlink', 0, 1, '/etc/a'],
    ]);
    expect(listMerged(layers, '').map((p) => p.path)).toEqual(['/etc', '/etc/a', '/etc/c', '/etc/d', '/opt', '/opt/y']);
  });
  it('lists a file as itself and refuses a path that is not there', () => {
    expect(listMerged(layers, 'opt/y').map((p) => p.path)).toEqual(['/opt/y']);
    expect(() => listMerged(layers, 'etc/b', 'img')).toThrow('/etc/b: no such path in img');
  });
});

describe('listLayer', () => {
  it('marks each entry with what it does to the layers below', () => {
    expect(listLayer(layers, 1, '').map((p) => [p.path, p.change, p.layer])).toEqual([
      ['/etc/a', 'modified', 1],
      ['/etc/b', 'deleted', 0],
      ['/etc/c', 'added', 1],
      ['/etc/d', 'added', 1],
      ['/opt', 'opaque', 1],
      ['/opt/y', 'added', 1],
    ]);
  });
  it('lists the base layer as all added, and refuses a path the layer does not write', () => {
    expect(listLayer(layers, 0, 'opt').map((p) => p.change)).toEqual(['added', 'added']);
    expect(() => listLayer(layers, 0, 'usr', 'img')).toThrow('/usr: layer 0 of img writes nothing there');
  });
});
