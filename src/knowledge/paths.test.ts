import { describe, expect, it } from 'vitest';
import { GlobSet, GlobTable, inHomes, pathGlob } from './paths.js';

describe('paths', () => {
  it.each([
    ['var/lib/apt/lists/**', 'var/lib/apt/lists/a/b', true],
    ['var/lib/apt/lists/**', 'var/lib/apt/listsx', false],
    ['**/__pycache__/**', 'app/x/__pycache__/m.pyc', true],
    ['**/__pycache__/**', '__pycache__/m.pyc', true],
    ['usr/bin/gcc-*', 'usr/bin/gcc-12', true],
    ['usr/bin/gcc-*', 'usr/bin/gcc-12/x', false],
    ['home/*/.npm/**', 'home/a/.npm/x', true],
    ['home/*/.npm/**', 'home/a/b/.npm/x', false],
    ['/etc/x?', 'etc/x1', true],
    ['a.b', 'axb', false],
  ])('pathGlob(%s) on %s = %s', (glob, path, want) => {
    expect(pathGlob(glob).test(path)).toBe(want);
  });

  it('inHomes writes a path under root and every /home/<user>', () => {
    expect(inHomes('.cache/pip/**')).toEqual(['root/.cache/pip/**', 'home/*/.cache/pip/**']);
  });

  it('GlobSet takes the exceptions out', () => {
    const s = new GlobSet(['var/lib/apt/lists/**'], ['var/lib/apt/lists/lock']);
    expect([s.test('var/lib/apt/lists/x'), s.test('var/lib/apt/lists/lock')]).toEqual([true, false]);
  });

  it('GlobTable finds the first matching entry, passing over one whose exception applies', () => {
    const t = new GlobTable([
      { item: 'a', include: ['x/**'], exclude: ['x/keep'] },
      { item: 'b', include: ['x/keep', 'y/*'] },
    ]);
    expect(['x/1', 'x/keep', 'y/1', 'z'].map((p) => t.find(p))).toEqual(['a', 'b', 'b', undefined]);
  });
});

describe('GlobSet and GlobTable group globs by their literal first names', () => {
  const globs = ['usr/bin/gcc', 'usr/bin/gcc-*', 'usr/bin/*-gcc', 'usr/lib/gcc/**', 'usr/local/bin/cc', '**/node_modules/node-gyp/**', 'usr/**/include/*.h', 'root/.cache/pip/**', 'home/*/.cache/pip/**', 'usr/?ib/x', 'usr', 'opt/**', 'usr/local/go/**', 'var/lib/apt/lists/**', '*.pem', '**/.env', 'g?', '**/x/**/lib', 'u**b/*'];
  const names = ['usr', 'bin', 'lib', 'local', 'gcc', 'gcc-12', 'x86_64-linux-gnu-gcc', 'include', 'a.h', 'node_modules', 'node-gyp', 'root', '.cache', 'pip', 'home', 'u', 'opt', 'go', 'var', 'apt', 'lists', 'cc', 'x', 'rib', 'k.pem', '.env', 'gx', 'ub'];
  /** randomPaths are paths of 1 to 6 names drawn from names. */
  function* randomPaths(seed: number, count: number): Generator<string> {
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < count; i++) yield Array.from({ length: 1 + rand(6) }, () => names[rand(names.length)]).join('/');
  }

  it('GlobSet matches exactly what the globs match one by one, on random paths', () => {
    const set = new GlobSet(globs);
    const singles = globs.map((g) => pathGlob(g));
    let matched = 0;
    for (const path of randomPaths(7, 20_000)) {
      const one = singles.some((s) => s.test(path));
      if (one) matched++;
      expect(set.test(path), path).toBe(one);
    }
    expect(matched).toBeGreaterThan(500);
  });

  it('GlobTable finds the entry the globs find one by one, on random paths (the globs of any depth included)', () => {
    const entries = globs.map((g, i) => ({ item: i, include: [g] }));
    const table = new GlobTable(entries);
    const singles = globs.map((g) => pathGlob(g));
    const anyDepth = new Set([5, 15, 16, 17]);
    const found = new Set<number>();
    for (const path of randomPaths(13, 20_000)) {
      const first = singles.findIndex((s) => s.test(path));
      if (first >= 0) found.add(first);
      expect(table.find(path), path).toBe(first < 0 ? undefined : first);
    }
    for (const i of anyDepth) expect(found.has(i), globs[i]).toBe(true);
  });
});
