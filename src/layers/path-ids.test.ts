import { describe, expect, it } from 'vitest';
import { entryIds, NO_PARENT, PathIds } from './path-ids.js';
import { dir, file, whiteout } from '../analyze/testing.js';

/** reference numbers paths the plain way: a Map, ancestors first. */
function reference(paths: readonly string[]): { ids: number[]; parents: Map<number, number> } {
  const map = new Map<string, number>();
  const parents = new Map<number, number>();
  const idOf = (p: string): number => {
    const known = map.get(p);
    if (known !== undefined) return known;
    const slash = p.lastIndexOf('/');
    const parent = slash > 0 ? idOf(p.slice(0, slash)) : NO_PARENT;
    const id = map.size;
    map.set(p, id);
    parents.set(id, parent);
    return id;
  };
  return { ids: paths.map(idOf), parents };
}

describe('PathIds', () => {
  it('numbers each path once, ancestors before the path, and knows its parent', () => {
    const t = new PathIds();
    expect(t.idOf('usr/lib/x')).toBe(2);
    expect(t.idOf('usr')).toBe(0);
    expect(t.idOf('usr/lib')).toBe(1);
    expect(t.idOf('usr/lib/y')).toBe(3);
    expect(t.idOf('etc')).toBe(4);
    expect(t.idOf('')).toBe(5);
    expect([0, 1, 2, 3, 4, 5].map((id) => t.parentOf(id))).toEqual([NO_PARENT, 0, 1, 1, NO_PARENT, NO_PARENT]);
    expect(t.size).toBe(6);
  });

  it('tells apart paths whose hashes collide', () => {
    // pairs with equal 32-bit FNV-1a hashes
    const t = new PathIds();
    const paths = ['costarring', 'liquid', 'declinate', 'macallums', 'altarage', 'zinke', 'a/costarring', 'a/liquid'];
    const ids = paths.map((p) => t.idOf(p));
    expect(new Set(ids).size).toBe(ids.length);
    expect(paths.map((p) => t.idOf(p))).toEqual(ids);
  });

  it('numbers as a Map would on many random paths, across the table growing', () => {
    let seed = 11; // mulberry32
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const names = ['a', 'b', 'lib', 'node_modules', 'x.js', 'é', '日本'];
    const paths = Array.from({ length: 30_000 }, () => Array.from({ length: 1 + rand(6) }, () => names[rand(names.length)]! + rand(20)).join('/'));
    const t = new PathIds();
    const ids = paths.map((p) => t.idOf(p));
    const want = reference(paths);
    expect(ids).toEqual(want.ids);
    expect(t.size).toBe(want.parents.size);
    expect([...want.parents.keys()].map((id) => t.parentOf(id))).toEqual([...want.parents.values()]);
  });

  it('numbers a path of 100,000 components without running out of stack', () => {
    const deep = Array.from({ length: 100_000 }, () => 'd').join('/');
    const t = new PathIds();
    expect(t.idOf(deep)).toBe(99_999);
    expect(t.parentOf(99_999)).toBe(99_998);
    expect(t.parentOf(0)).toBe(NO_PARENT);
  });
});

describe('entryIds', () => {
  it('gives each entry the number of its path, the same across layers, and keeps the parents after closing', () => {
    const ids = entryIds([
      [dir('etc'), file('etc/a', 1)],
      [file('etc/a', 2), whiteout('etc/b')],
    ]);
    expect(ids.layers.map((l) => [...l])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(ids.table.parentOf(2)).toBe(0);
    expect(() => ids.table.idOf('etc')).toThrow();
  });
});
