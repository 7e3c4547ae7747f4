import { describe, expect, it } from 'vitest';
import { diveFigures } from './dive.js';
import { dir, file, opaque, whiteout } from './testing.js';

describe('diveFigures', () => {
  // Computed by hand from dive's algorithm (leaves per layer; whiteout of a directory = Σ sizes below it in the
  // stack of lower layers; opaque markers ignored; efficiency = Σ min / Σ cumulative; waste = Σ cumulative of paths seen twice).
  const layers = [
    [dir('etc'), file('etc/a', 100), file('etc/b', 50), dir('d'), file('d/x', 30), file('d/y', 20)],
    [file('etc/a', 120), whiteout('d')],
    [opaque('etc'), file('etc/b', 50), file('n', 10)],
  ];
  const content = [200, 120, 60];

  it('matches the hand-computed figures', () => {
    const d = diveFigures(layers, content);
    // etc/a: 100,120 (min 100, cum 220); etc/b: 50,50 (50, 100); d: whiteout of a dir = 30+20 (50, 50); d/x 30; d/y 20; n 10
    expect(d.efficiency).toBeCloseTo((100 + 50 + 50 + 30 + 20 + 10) / (220 + 100 + 50 + 30 + 20 + 10), 12);
    expect(d.wastedBytes).toBe(220 + 100);
    expect(d.inefficiencies).toEqual([
      { path: 'etc/a', count: 2, cumulativeSize: 220 },
      { path: 'etc/b', count: 2, cumulativeSize: 100 },
    ]);
    expect(d.userSizeBytes).toBe(180);
    expect(d.userWastedPercent).toBeCloseTo(320 / 180, 12);
  });

  it('a deleted file counts its whole size as waste and scores 0', () => {
    const d = diveFigures([[file('f', 100)], [whiteout('f')]], [100, 0]);
    expect(d.efficiency).toBe(0);
    expect(d.wastedBytes).toBe(100);
    expect(d.userWastedPercent).toBe(0);
  });

  it('a whiteout of a directory dive only knows as an implicit parent counts 0 bytes', () => {
    const d = diveFigures([[file('d/x', 40)], [whiteout('d')]], [40, 0]);
    expect(d.wastedBytes).toBe(0);
    expect(d.efficiency).toBe(1);
  });

  it('directory entries with children are not leaves; an empty directory is a 0-byte leaf', () => {
    const d = diveFigures([[dir('a'), file('a/f', 10), dir('e')], [dir('a'), dir('e')]], [10, 0]);
    // a is a leaf only in layer 1 (it has a child in layer 0): seen once; e is a leaf in both layers: seen twice
    expect(d.inefficiencies.map((i) => i.path)).toEqual(['e']);
    expect(d.efficiency).toBe(1);
  });

  it('a whiteout of a directory counts what the layers below stacked there, whatever the layers after it hold', () => {
    const layers = [
      [dir('d'), file('d/x', 30), dir('d/sub'), file('d/sub/y', 20), file('keep', 5)],
      [file('d/z', 7), whiteout('d/x'), opaque('d/sub')],
      [whiteout('d'), file('later', 1)],
      [dir('d'), file('d/new', 3), file('keep', 5)],
    ];
    const d = diveFigures(layers, [55, 7, 1, 8]);
    // leaves: d/x 30, d/sub/y 20, keep 5 | whiteout d/x 0 (a file below), d/z 7, d/sub 0 (opaque: kept as a node)
    // | whiteout d = what the stack below holds under it: d/z 7 + d/sub/y 20 (d/x deleted), later 1 | d/new 3, keep 5
    expect(d.inefficiencies).toEqual([
      { path: 'd/x', count: 2, cumulativeSize: 30 },
      { path: 'keep', count: 2, cumulativeSize: 10 },
    ]);
    const minimum = 0 + 20 + 5 + 7 + 0 + 27 + 1 + 3;
    const cumulative = 30 + 20 + 10 + 7 + 0 + 27 + 1 + 3;
    expect(d.efficiency).toBeCloseTo(minimum / cumulative, 12);
  });

  it('an image without content scores 1', () => {
    expect(diveFigures([[], []], [0, 0]).efficiency).toBe(1);
  });
});
