import { describe, expect, it } from 'vitest';
import { dir, file, link, opaque, symlink, whiteout } from '../analyze/testing.js';
import type { LayerEntry } from '../layers/entry.js';
import { planSquash, type SquashPlan } from './plan.js';

/** emitted lists what the merged layer holds, as `layer:path` for entries copied as they are. */
function emitted(layers: LayerEntry[][], plan: SquashPlan): string[] {
  const out: string[] = [];
  for (const [layer, set] of plan.emit) for (const i of set) out.push(`${layer}:${layers[layer]![i]!.path}`);
  // directories a layer implies (no entry of their own) are written as new directory entries
  for (const [layer, m] of plan.implied) for (const dirs of m.values()) for (const d of dirs) out.push(`${layer}:${d.path} (implied)`);
  return out.sort();
}

function materialized(layers: LayerEntry[][], plan: SquashPlan): string[] {
  const out: string[] = [];
  for (const [layer, m] of plan.materialize) for (const [i, path] of m) out.push(`${layer}:${layers[layer]![i]!.path}→${path}`);
  return out.sort();
}

function relinked(layers: LayerEntry[][], plan: SquashPlan): string[] {
  const out: string[] = [];
  for (const [layer, m] of plan.relink) for (const [i, target] of m) out.push(`${layers[layer]![i]!.path}→${target}`);
  return out.sort();
}

describe('planSquash: everything into one layer', () => {
  it('keeps the last version of each path and drops deleted and replaced content', () => {
    const layers = [
      [dir('etc'), file('etc/a', 100), file('etc/b', 200), dir('tmp'), file('tmp/big', 5000)],
      [file('etc/a', 150, { mode: 0o600 }), whiteout('tmp/big')],
      [dir('etc', { mode: 0o700 })],
    ];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['0:etc/b', '1:etc/a', '1:tmp (implied)', '2:etc']);
    expect(plan.whiteouts).toEqual([]);
    expect(plan.bytesIn).toBe(100 + 200 + 5000 + 150);
    expect(plan.bytesOut).toBe(200 + 150);
    expect(plan.read).toEqual([0, 1, 2]);
  });

  it('drops everything below a directory a later layer deleted, and never counts the whiteout itself', () => {
    const layers = [[dir('var'), dir('var/cache'), file('var/cache/x', 10), file('var/cache/y', 20)], [whiteout('var/cache')]];
    const plan = planSquash(layers);
    // layer 2 has no entry for var: it implies one (0755, root), which takes the place of layer 1's
    expect(emitted(layers, plan)).toEqual(['1:var (implied)']);
    expect(plan.bytesOut).toBe(0);
  });

  it('applies an opaque marker before the entries of its own layer, wherever it sits in the tar', () => {
    const layers = [
      [dir('app'), file('app/old', 10)],
      [file('app/new', 5), opaque('app'), dir('app')],
    ];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['1:app', '1:app/new']);
  });

  it('replaces a directory by a file and a file by a directory', () => {
    const layers = [
      [dir('a'), file('a/inner', 10), file('b', 10)],
      [file('a', 3), dir('b'), file('b/c', 4)],
    ];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['1:a', '1:b', '1:b/c']);
  });

  it('keeps a symlink whose target is gone', () => {
    const layers = [[file('target', 10), symlink('link', 'target')], [whiteout('target')]];
    expect(emitted(layers, planSquash(layers))).toEqual(['0:link']);
  });

  it('writes the content of a deleted hard-link target into the first surviving link; the others link to it', () => {
    const layers = [
      [file('bin/tool', 1000), link('bin/alias1', 'bin/tool'), link('bin/alias2', 'bin/tool')],
      [whiteout('bin/tool')],
    ];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['0:bin/alias2', '1:bin (implied)']);
    expect(materialized(layers, plan)).toEqual(['0:bin/tool→bin/alias1']);
    expect(relinked(layers, plan)).toEqual(['bin/alias2→bin/alias1']);
    expect(plan.bytesOut).toBe(1000);
  });

  it('keeps the old content for a link whose target a later layer overwrote', () => {
    const layers = [[file('t', 10), link('l', 't')], [file('t', 20)]];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['1:t']);
    expect(materialized(layers, plan)).toEqual(['0:t→l']);
    expect(plan.bytesOut).toBe(30);
  });

  it('resolves a chain of links to the file holding the content', () => {
    const layers = [[file('t', 10), link('l1', 't')], [link('l2', 'l1')], [whiteout('t'), whiteout('l1')]];
    const plan = planSquash(layers);
    expect(materialized(layers, plan)).toEqual(['0:t→l2']);
    expect(emitted(layers, plan)).toEqual([]);
  });

  it('links to a surviving target under the target path, even when the link named another link', () => {
    const layers = [[file('t', 10), link('l1', 't')], [link('l2', 'l1'), whiteout('l1')]];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['0:t', '1:l2']);
    expect(relinked(layers, plan)).toEqual(['l2→t']);
    expect(plan.materialize.size).toBe(0);
  });

  it('writes a directory for a parent a layer implies over a lower symlink, and keeps what the link pointed at', () => {
    const layers = [[dir('etc'), file('etc/passwd', 10), symlink('a', 'etc')], [file('a/passwd', 4)], [whiteout('a/passwd')]];
    const plan = planSquash(layers);
    expect(emitted(layers, plan)).toEqual(['0:etc', '0:etc/passwd', '2:a (implied)']);
    expect(plan.bytesOut).toBe(10);
  });

  it('refuses an entry below a symlink of its own layer', () => {
    expect(() => planSquash([[dir('etc')], [symlink('b', 'etc'), file('b/x', 1)]])).toThrow(
      'layer 2: "b/x" is below "b", which the same layer makes a non-directory: engines differ on where it lands, so squash cannot merge it faithfully',
    );
  });

  it('refuses a hard link to nothing', () => {
    expect(() => planSquash([[link('l', 'missing')]])).toThrow(/hard link "l" points at "missing", which neither this layer \(before the link\) nor a layer below it has/);
  });
});

describe('planSquash: layers above a kept base', () => {
  const base = [dir('etc'), file('etc/conf', 10), dir('var'), dir('var/lib'), dir('var/lib/apt'), dir('var/lib/apt/lists'), file('var/lib/apt/lists/a', 100), file('var/lib/apt/lists/b', 100)];

  it('whites out a deleted base directory once, not each file below it', () => {
    const layers = [base, [whiteout('var/lib/apt/lists')], [file('etc/new', 1)]];
    const plan = planSquash(layers, 1);
    expect(plan.whiteouts).toEqual([{ path: 'var/lib/apt/lists', opaque: false }]);
    expect(emitted(layers, plan)).toEqual(['1:var (implied)', '1:var/lib (implied)', '1:var/lib/apt (implied)', '2:etc (implied)', '2:etc/new']);
    expect(plan.read).toEqual([1, 2]);
  });

  it('makes a base directory opaque when the merged layers emptied it or deleted and re-created it', () => {
    const emptied = [base, [opaque('var/lib/apt/lists'), dir('var/lib/apt/lists'), file('var/lib/apt/lists/c', 1)]];
    expect(planSquash(emptied, 1).whiteouts).toEqual([{ path: 'var/lib/apt/lists', opaque: true }]);
    const recreated = [base, [whiteout('var/lib/apt/lists')], [dir('var/lib/apt/lists'), file('var/lib/apt/lists/c', 1)]];
    const plan = planSquash(recreated, 1);
    expect(plan.whiteouts).toEqual([{ path: 'var/lib/apt/lists', opaque: true }]);
    expect(emitted(recreated, plan)).toEqual(['2:var (implied)', '2:var/lib (implied)', '2:var/lib/apt (implied)', '2:var/lib/apt/lists', '2:var/lib/apt/lists/c']);
  });

  it('needs no whiteout for a base file replaced by the merged layers, nor for a path that never reached the base', () => {
    const layers = [base, [file('etc/conf', 20), file('tmp/x', 5)], [whiteout('tmp/x')]];
    const plan = planSquash(layers, 1);
    expect(plan.whiteouts).toEqual([]);
    // tmp stays, empty: the engine made it a directory in both layers to hold tmp/x and its whiteout
    expect(emitted(layers, plan)).toEqual(['1:etc (implied)', '1:etc/conf', '2:tmp (implied)']);
  });

  it('copies a base file up when a merged layer hard-links to it', () => {
    const layers = [base, [link('etc/conf.link', 'etc/conf')]];
    const plan = planSquash(layers, 1);
    expect(materialized(layers, plan)).toEqual(['0:etc/conf→etc/conf']);
    expect(relinked(layers, plan)).toEqual(['etc/conf.link→etc/conf']);
    expect(plan.read).toEqual([0, 1]);
  });

  it('hides the whole base with an opaque root when a merged layer made / opaque', () => {
    const layers = [base, [opaque(''), file('only', 1)]];
    const plan = planSquash(layers, 1);
    expect(plan.whiteouts).toEqual([{ path: '', opaque: true }]);
    expect(emitted(layers, plan)).toEqual(['1:only']);
  });

  it('refuses a start outside the image', () => {
    expect(() => planSquash([base], 1)).toThrow(/cannot squash from layer 2/);
  });
});
