// diveFigures re-computes dive's efficiency, wasted bytes and user wasted percent (dive/filetree/efficiency.go,
// dive/image/analysis.go) from layer entries, quirks included, so thresholds from .dive-ci files carry over.
//
// dive builds one tree per layer from the tar headers (intermediate directories are created as empty nodes,
// `.wh.name` becomes a whiteout node, opaque `.wh..wh..opq` markers are dropped) and visits the leaves of each
// layer tree in layer order. For every leaf path it records a size: a regular node's header size (0 for
// directories, links and devices); a whiteout's size is 0 unless the path was a directory in the stack of the
// layers below, then it is the sum of everything below that directory. Per path it keeps the cumulative and the
// minimum size over all visits. efficiency = Σ min / Σ cumulative (1 when Σ cumulative is 0); paths visited at
// least twice are "inefficiencies", and wastedBytes = Σ their cumulative sizes (the surviving copy included).
// userWastedPercent = wastedBytes / (file content of all layers but the first).
import type { LayerEntry } from '../layers/entry.js';
import { PathTree } from './path-tree.js';

export interface DiveInefficiency {
  path: string;
  count: number;
  cumulativeSize: number;
}

export interface DiveFigures {
  efficiency: number;
  wastedBytes: number;
  /** a ratio (0.2 = 20 %), as dive's highest-user-wasted-percent compares it; 0 when there are no user bytes. */
  userWastedPercent: number;
  sizeBytes: number;
  userSizeBytes: number;
  inefficiencies: DiveInefficiency[];
}

interface PathStats {
  cumulative: number;
  min: number;
  count: number;
}

/**
 * visitLeaves calls visit for dive's leaf nodes of one layer tree: path, size, and whether it is a
 * whiteout. Sizes are plain numbers in the maps (no object per path), whiteouts kept apart.
 */
function visitLeaves(entries: readonly LayerEntry[], visit: (path: string, size: number, whiteout: boolean) => void): void {
  const own = new Map<string, number>();
  const whiteouts = new Set<string>();
  const parents = new Set<string>();
  let lastParent = ''; // the parent of the entry before: tar lists a directory's entries together
  for (const e of entries) {
    const path = e.path;
    const slash = path.lastIndexOf('/');
    if (slash > 0 && !(slash === lastParent.length && path.startsWith(lastParent))) {
      // longest prefix first: once a parent is known, all of its ancestors are too.
      for (let i = slash; i > 0; i = path.lastIndexOf('/', i - 1)) {
        const parent = path.slice(0, i);
        if (parents.has(parent)) break;
        parents.add(parent);
      }
      lastParent = path.slice(0, slash);
    }
    if (e.whiteout === 'opaque') {
      // the marker is dropped; the directory holding it still exists as a node of this layer tree.
      if (!own.has(path)) own.set(path, 0);
    } else if (e.whiteout === 'file') whiteouts.add(path);
    else own.set(path, e.type === 'file' ? e.size : 0);
  }
  for (const path of whiteouts) visit(path, 0, true);
  // a parent that is no entry of its own is a directory node: never a leaf
  for (const [path, size] of own) if (!parents.has(path)) visit(path, size, false);
}

/**
 * belowAny returns a test of whether a path is one of roots or lies below one of them. It walks the
 * path's prefixes from the top only while they lead towards a root, so most paths cost one lookup.
 */
export function belowAny(roots: ReadonlySet<string>): (path: string) => boolean {
  if (roots.size === 0) return () => false;
  const towards = new Set<string>(); // strict ancestors of the roots
  for (const r of roots) {
    for (let i = r.indexOf('/'); i > 0; i = r.indexOf('/', i + 1)) towards.add(r.slice(0, i));
  }
  return (path) => {
    if (roots.has(path)) return true;
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      const prefix = path.slice(0, i);
      if (roots.has(prefix)) return true;
      if (!towards.has(prefix)) return false;
    }
    return false;
  };
}

/** DIR marks a directory in the stacked tree, whose values are otherwise file sizes. */
const DIR = -1;

export function diveFigures(layers: readonly (readonly LayerEntry[])[], layerContentBytes: readonly number[]): DiveFigures {
  // The stack of lower layers is read only at whiteouts (the size of a deleted directory): it is built
  // only as far as the last layer that holds one, and only below the paths some later layer whites out,
  // the only places it is asked about — a few paths instead of a second copy of the whole filesystem.
  const whiteouts = new Set<string>();
  let lastWhiteout = 0;
  layers.forEach((entries, i) => {
    if (i === 0) return;
    for (const e of entries) {
      if (e.whiteout !== 'file') continue;
      whiteouts.add(e.path);
      lastWhiteout = i;
    }
  });
  const underWhiteout = belowAny(whiteouts);
  const stacked = new PathTree<number>();
  // per path: its size while seen once (most paths), its PathStats from the second time on
  const stats = new Map<string, number | PathStats>();
  layers.forEach((entries, i) => {
    visitLeaves(entries, (path, leafSize, whiteout) => {
      let size = leafSize;
      if (whiteout && stacked.get(path) === DIR) stacked.descendants(path, (_p, r) => (size += r !== undefined && r > 0 ? r : 0));
      const s = stats.get(path);
      if (s === undefined) stats.set(path, size);
      else if (typeof s === 'number') stats.set(path, { cumulative: s + size, min: Math.min(s, size), count: 2 });
      else {
        s.cumulative += size;
        if (size < s.min) s.min = size;
        s.count++;
      }
    });
    if (i >= lastWhiteout) return;
    // stack this layer onto the layers below, as dive's StackTreeRange does: whiteouts remove, opaque markers are ignored.
    for (const e of entries) {
      if (!underWhiteout(e.path)) continue;
      if (e.whiteout === 'file') stacked.remove(e.path);
      else if (e.whiteout === 'opaque') {
        if (!stacked.has(e.path)) stacked.set(e.path, DIR);
      } else stacked.set(e.path, e.type === 'dir' ? DIR : e.type === 'file' ? e.size : 0);
    }
  });

  let minimum = 0;
  let discovered = 0;
  const inefficiencies: DiveInefficiency[] = [];
  for (const [path, s] of stats) {
    if (typeof s === 'number') {
      minimum += s;
      discovered += s;
      continue;
    }
    minimum += s.min;
    discovered += s.cumulative;
    inefficiencies.push({ path, count: s.count, cumulativeSize: s.cumulative });
  }
  inefficiencies.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const wastedBytes = inefficiencies.reduce((sum, i) => sum + i.cumulativeSize, 0);
  const sizeBytes = layerContentBytes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (layerContentBytes[0] ?? 0);
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes,
    userWastedPercent: userSizeBytes > 0 ? wastedBytes / userSizeBytes : 0,
    sizeBytes,
    userSizeBytes,
    inefficiencies,
  };
}
