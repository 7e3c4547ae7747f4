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
