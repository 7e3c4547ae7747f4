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
import { entryIds, NO_PARENT, ROOT, type EntryIds } from '../layers/path-ids.js';
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

/** DIR marks a directory in the stacked tree, whose values are otherwise file sizes. */
const DIR = -1;

/**
 * diveFigures computes dive's figures of layers. ids numbers the entries' paths (scanImage's
 * numbering, or made here): everything kept per path — the visits of a path as a leaf, whether it
 * is a parent in a layer — is a typed array indexed by that number, not a map keyed by the path.
 */
export function diveFigures(layers: readonly (readonly LayerEntry[])[], layerContentBytes: readonly number[], ids: EntryIds = entryIds(layers)): DiveFigures {
  const table = ids.table;
  const n = table.size;
  // The stack of lower layers is read only at whiteouts (the size of a deleted directory): it is built
  // only as far as the last layer that holds one, and only below the paths some later layer whites out,
  // the only places it is asked about — a few paths instead of a second copy of the whole filesystem.
  // under[id]: 0 not known yet, 1 a whited-out path or below one, 2 neither
  const under = new Uint8Array(n);
  let lastWhiteout = 0;
  layers.forEach((entries, i) => {
    if (i === 0) return;
    const numbers = ids.layers[i]!;
    for (let k = 0; k < entries.length; k++) {
      if (entries[k]!.whiteout !== 'file') continue;
      under[numbers[k]!] = 1;
      lastWhiteout = i;
    }
  });
  const chain: number[] = [];
  const underWhiteout = (id: number): boolean => {
    let cur = id;
    while (cur !== NO_PARENT && under[cur] === 0) {
      chain.push(cur);
      cur = table.parentOf(cur);
    }
    const found = cur === NO_PARENT ? 2 : under[cur]!;
    for (const c of chain) under[c] = found;
    chain.length = 0;
    return found === 1;
  };
  const stacked = new PathTree<number>();

  // per path: how often it was visited as a leaf, the sum and the least of the sizes visited
  const count = new Int32Array(n);
  const cumulative = new Float64Array(n);
  const least = new Float64Array(n);
  const visit = (id: number, size: number) => {
    if (count[id] === 0 || size < least[id]!) least[id] = size;
    cumulative[id] = cumulative[id]! + size;
    count[id] = count[id]! + 1;
  };
  // one layer tree at a time, marked by its tag (layer + 1): the layer's own nodes (entries and
  // opaque directories, with the size of the last entry there), its whiteouts, and its parents
  const ownTag = new Int32Array(n);
  const ownSize = new Float64Array(n);
  const whiteoutTag = new Int32Array(n);
  const parentTag = new Int32Array(n);
  layers.forEach((entries, i) => {
    const tag = i + 1;
    const numbers = ids.layers[i]!;
    const own: number[] = [];
    const whiteouts: number[] = []; // the indexes of the layer's whiteouts, for the pass below
    let lastParent = NO_PARENT - 1; // the parent of the entry before: tar lists a directory's entries together
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      const id = numbers[k]!;
      const parent = table.parentOf(id);
      if (parent !== lastParent) {
        // nearest first: once a parent is marked, all of its ancestors are too (the root is no node of dive's tree)
        for (let p = parent; p > ROOT && parentTag[p] !== tag; p = table.parentOf(p)) parentTag[p] = tag;
        lastParent = parent;
      }
      if (e.whiteout === 'opaque') {
        // the marker is dropped; the directory holding it still exists as a node of this layer tree.
        if (ownTag[id] !== tag) {
          ownTag[id] = tag;
          ownSize[id] = 0;
          own.push(id);
        }
      } else if (e.whiteout === 'file') {
        whiteoutTag[id] = tag;
        whiteouts.push(k);
      } else {
        if (ownTag[id] !== tag) {
          ownTag[id] = tag;
          own.push(id);
        }
        ownSize[id] = e.type === 'file' ? e.size : 0;
      }
    }
    for (const k of whiteouts) {
      const id = numbers[k]!;
      if (whiteoutTag[id] !== tag) continue;
      whiteoutTag[id] = 0; // visited: a second whiteout of the path in this layer is the same node
      let size = 0;
      const path = entries[k]!.path;
      if (stacked.get(path) === DIR) stacked.descendants(path, (_p, r) => (size += r !== undefined && r > 0 ? r : 0));
      visit(id, size);
    }
    // a parent that is no entry of its own is a directory node: never a leaf
    for (const id of own) if (parentTag[id] !== tag) visit(id, ownSize[id]!);
    if (i >= lastWhiteout) return;
    // stack this layer onto the layers below, as dive's StackTreeRange does: whiteouts remove, opaque markers are ignored.
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (!underWhiteout(numbers[k]!)) continue;
      if (e.whiteout === 'file') stacked.remove(e.path);
      else if (e.whiteout === 'opaque') {
        if (!stacked.has(e.path)) stacked.set(e.path, DIR);
      } else stacked.set(e.path, e.type === 'dir' ? DIR : e.type === 'file' ? e.size : 0);
    }
  });

  let minimum = 0;
  let discovered = 0;
  const inefficiencies: DiveInefficiency[] = [];
  for (let id = 0; id < n; id++) {
    const c = count[id]!;
    if (c === 0) continue;
    minimum += least[id]!;
    discovered += cumulative[id]!;
    if (c > 1) inefficiencies.push({ path: table.pathOf(id), count: c, cumulativeSize: cumulative[id]! });
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
