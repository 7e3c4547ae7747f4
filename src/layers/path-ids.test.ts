import { describe, expect, it } from 'vitest';
import { entryIds, NO_PARENT, PathIds, ROOT } from './path-ids.js';
import { dir, file, whiteout } from '../analyze/testing.js';
import { Random } from '../../test/fuzz/random.js';

/** reference numbers paths the plain way: a Map, the root first, ancestors before their paths. */
function reference(paths: readonly string[]): { ids: number[]; parents: Map<number, number> } {
  const map = new Map<string, number>([['', ROOT]]);
  const parents = new Map<number, number>([[ROOT, NO_PARENT]]);
  const idOf = (p: string): number => {
    const known = map.get(p);
    if (known !== undefined) return known;
    const slash = p.lastIndexOf('/');
    const parent = slash > 0 ? idOf(p.slice(0, slash)) : ROOT;
    const id = map.size;
    map.set(p, id);
    parents.set(id, parent);
    return id;
  };
  return { ids: paths.map(idOf), parents };
}

describe('PathIds', () => {
  it('numbers each path once, the root first and ancestors before the path, and knows its parent and its path', () => {
    const t = new PathIds();
    expect(t.idOf('usr/lib/x')).toBe(3);
    expect(t.idOf('usr')).toBe(1);
    expect(t.idOf('usr/lib')).toBe(2);
    expect(t.idOf('usr/lib/y')).toBe(4);
    expect(t.idOf('etc')).toBe(5);
    expect(t.idOf('')).toBe(ROOT);
    expect([0, 1, 2, 3, 4, 5].map((id) => t.parentOf(id))).toEqual([NO_PARENT, ROOT, 1, 2, 2, ROOT]);
    expect([0, 1, 2, 3, 4, 5].map((id) => t.pathOf(id))).toEqual(['', 'usr', 'usr/lib', 'usr/lib/x', 'usr/lib/y', 'etc']);
    expect(t.size).toBe(6);
    expect([t.lookup('usr/lib'), t.lookup('usr/li'), t.lookup('var')]).toEqual([2, -1, -1]);
    expect(t.size).toBe(6); // lookup numbers nothing
  });

  it('tells apart paths whose hashes collide', () => {
    // pairs with equal 32-bit FNV-1a hashes from the standard offset (seed 0)
    const t = new PathIds(0);
    const paths = ['costarring', 'liquid', 'declinate', 'macallums', 'altarage', 'zinke', 'a/costarring', 'a/liquid'];
    const ids = paths.map((p) => t.idOf(p));
    expect(new Set(ids).size).toBe(ids.length);
    expect(paths.map((p) => t.idOf(p))).toEqual(ids);
  });

  it('numbers as a Map would on many random paths, across the table growing', () => {
    const random = new Random(11);
    const names = ['a', 'b', 'lib', 'node_modules', 'x.js', 'é', '日本'];
    const paths = Array.from({ length: 30_000 }, () => Array.from({ length: random.int(1, 6) }, () => random.pick(names) + random.int(0, 19)).join('/'));
    const t = new PathIds();
    const ids = paths.map((p) => t.idOf(p));
    const want = reference(paths);
    expect(ids).toEqual(want.ids);
    // the random seed of the hash changes no number, nor a table made for all the paths at once
    const seeded = new PathIds(0x5eed, paths.length);
    expect(paths.map((p) => seeded.idOf(p))).toEqual(ids);
    expect(t.size).toBe(want.parents.size);
    expect([...want.parents.keys()].map((id) => t.parentOf(id))).toEqual([...want.parents.values()]);
  });

  it('numbers paths with leading, doubled and trailing slashes as the reference does, and finds every one by lookup', () => {
    const random = new Random(5);
    const names = ['', 'a', 'b', 'ab', '.'];
    const paths = Array.from({ length: 5_000 }, () => Array.from({ length: random.int(1, 5) }, () => random.pick(names)).join('/'));
    const t = new PathIds();
    // lookup first, on an empty table: it finds nothing and numbers nothing
    expect(paths.filter((p) => p !== '').map((p) => t.lookup(p))).toEqual(paths.filter((p) => p !== '').map(() => -1));
    expect(t.size).toBe(1);
    const ids = paths.map((p) => t.idOf(p));
    const want = reference(paths);
    expect(ids).toEqual(want.ids);
    expect([...want.parents.keys()].map((id) => t.parentOf(id))).toEqual([...want.parents.values()]);
    expect(paths.map((p) => t.lookup(p))).toEqual(ids);
    expect(ids.map((id) => t.pathOf(id))).toEqual(paths);
  });

  it('numbers a path of 100,000 components without running out of stack', () => {
    const deep = Array.from({ length: 100_000 }, () => 'd').join('/');
    const t = new PathIds();
    expect(t.idOf(deep)).toBe(100_000);
    expect(t.parentOf(100_000)).toBe(99_999);
    expect(t.parentOf(1)).toBe(ROOT);
  });
});

describe('entryIds', () => {
  it('gives each entry the number of its path, the same across layers', () => {
    const ids = entryIds([
      [dir('etc'), file('etc/a', 1)],
      [file('etc/a', 2), whiteout('etc/b')],
    ]);
    expect(ids.layers.map((l) => [...l])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(ids.table.parentOf(3)).toBe(1);
  });
});
