import { describe, expect, it } from 'vitest';
import { diveFigures } from './dive.js';
import { PathTree } from './path-tree.js';
import type { LayerEntry } from '../layers/entry.js';
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

  it('matches the figures of a stack of every path (the stack is built only below whited-out paths) on random images', () => {
    let seed = 7; // mulberry32
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const names = ['a', 'b', 'c'];
    const randomPath = () => Array.from({ length: 1 + rand(3) }, () => names[rand(3)]).join('/');
    for (let round = 0; round < 300; round++) {
      const layers: LayerEntry[][] = Array.from({ length: 2 + rand(4) }, () =>
        Array.from({ length: rand(8) }, () => {
          const k = rand(10);
          const p = randomPath();
          return k < 5 ? file(p, 1 + rand(50)) : k < 7 ? dir(p) : k < 9 ? whiteout(p) : opaque(p);
        }),
      );
      const content = layers.map((l) => l.reduce((s, e) => s + (e.type === 'file' && !e.whiteout ? e.size : 0), 0));
      expect(diveFigures(layers, content)).toEqual(fullStackFigures(layers, content));
    }
  });
});

/** fullStackFigures is dive's algorithm with the stack of lower layers holding every path: the reference. */
function fullStackFigures(layers: LayerEntry[][], content: number[]) {
  const stacked = new PathTree<number>();
  const stats = new Map<string, { cumulative: number; min: number; count: number }>();
  layers.forEach((entries, i) => {
    const own = new Map<string, number>();
    const wh = new Set<string>();
    const parents = new Set<string>();
    for (const e of entries) {
      for (let k = e.path.lastIndexOf('/'); k > 0; k = e.path.lastIndexOf('/', k - 1)) parents.add(e.path.slice(0, k));
      if (e.whiteout === 'opaque') {
        if (!own.has(e.path)) own.set(e.path, 0);
      } else if (e.whiteout === 'file') wh.add(e.path);
      else own.set(e.path, e.type === 'file' ? e.size : 0);
    }
    const visit = (path: string, leaf: number, whiteout: boolean) => {
      let size = leaf;
      if (whiteout && stacked.get(path) === -1) stacked.descendants(path, (_p, r) => (size += r !== undefined && r > 0 ? r : 0));
      const s = stats.get(path);
      if (!s) stats.set(path, { cumulative: size, min: size, count: 1 });
      else {
        s.cumulative += size;
        s.min = Math.min(s.min, size);
        s.count++;
      }
    };
    for (const p of wh) visit(p, 0, true);
    for (const [p, size] of own) if (!parents.has(p)) visit(p, size, false);
    void i;
    for (const e of entries) {
      if (e.whiteout === 'file') stacked.remove(e.path);
      else if (e.whiteout === 'opaque') {
        if (!stacked.has(e.path)) stacked.set(e.path, -1);
      } else stacked.set(e.path, e.type === 'dir' ? -1 : e.type === 'file' ? e.size : 0);
    }
  });
  let minimum = 0;
  let discovered = 0;
  const inefficiencies: { path: string; count: number; cumulativeSize: number }[] = [];
  for (const [path, s] of stats) {
    minimum += s.min;
    discovered += s.cumulative;
    if (s.count > 1) inefficiencies.push({ path, count: s.count, cumulativeSize: s.cumulative });
  }
  inefficiencies.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const wastedBytes = inefficiencies.reduce((sum, x) => sum + x.cumulativeSize, 0);
  const sizeBytes = content.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (content[0] ?? 0);
  return { efficiency: discovered === 0 ? 1 : minimum / discovered, wastedBytes, userWastedPercent: userSizeBytes > 0 ? wastedBytes / userSizeBytes : 0, sizeBytes, userSizeBytes, inefficiencies };
}
