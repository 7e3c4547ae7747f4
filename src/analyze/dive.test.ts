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

  it('an image without content scores 1', () => {
    expect(diveFigures([[], []], [0, 0]).efficiency).toBe(1);
  });
});
