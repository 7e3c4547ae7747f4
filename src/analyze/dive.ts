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

interface DiveNode {
  size: number;
  isDir: boolean;
}

interface PathStats {
  cumulative: number;
  min: number;
  count: number;
}

/** layerLeaves lists dive's leaf nodes of one layer tree: path, size, and whether it is a whiteout. */
function layerLeaves(entries: readonly LayerEntry[]): { path: string; size: number; whiteout: boolean }[] {
  const own = new Map<string, { size: number; whiteout: boolean }>();
  const parents = new Set<string>();
  const addParents = (path: string) => {
    // longest prefix first: once a parent is known, all of its ancestors are too.
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const parent = path.slice(0, i);
      if (parents.has(parent)) break;
      parents.add(parent);
    }
  };
  for (const e of entries) {
    addParents(e.path);
    if (e.whiteout === 'opaque') {
      // the marker is dropped; the directory holding it still exists as a node of this layer tree.
      if (!own.has(e.path)) own.set(e.path, { size: 0, whiteout: false });
      continue;
    }
    own.set(e.whiteout === 'file' ? `\0${e.path}` : e.path, { size: e.type === 'file' ? e.size : 0, whiteout: e.whiteout === 'file' });
  }
  const leaves: { path: string; size: number; whiteout: boolean }[] = [];
  for (const p of parents) if (!own.has(p)) own.set(p, { size: 0, whiteout: false });
  for (const [key, v] of own) {
    const path = v.whiteout ? key.slice(1) : key;
    if (v.whiteout || !parents.has(path)) leaves.push({ path, size: v.size, whiteout: v.whiteout });
  }
  return leaves;
}

export function diveFigures(layers: readonly (readonly LayerEntry[])[], layerContentBytes: readonly number[]): DiveFigures {
  const stacked = new PathTree<DiveNode>();
  const stats = new Map<string, PathStats>();
  layers.forEach((entries) => {
    for (const leaf of layerLeaves(entries)) {
      let size = leaf.size;
      if (leaf.whiteout) {
        size = 0;
        if (stacked.get(leaf.path)?.isDir === true) stacked.descendants(leaf.path, (_p, r) => (size += r?.size ?? 0));
      }
      const s = stats.get(leaf.path);
      if (s === undefined) stats.set(leaf.path, { cumulative: size, min: size, count: 1 });
      else {
        s.cumulative += size;
        if (size < s.min) s.min = size;
        s.count++;
      }
    }
    // stack this layer onto the layers below, as dive's StackTreeRange does: whiteouts remove, opaque markers are ignored.
    for (const e of entries) {
      if (e.whiteout === 'file') stacked.remove(e.path);
      else if (e.whiteout === 'opaque') {
        if (!stacked.has(e.path)) stacked.set(e.path, { size: 0, isDir: true });
      } else stacked.set(e.path, { size: e.type === 'file' ? e.size : 0, isDir: e.type === 'dir' });
    }
  });

  let minimum = 0;
  let discovered = 0;
  const inefficiencies: DiveInefficiency[] = [];
  for (const [path, s] of stats) {
    minimum += s.min;
    discovered += s.cumulative;
    if (s.count >= 2) inefficiencies.push({ path, count: s.count, cumulativeSize: s.cumulative });
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
