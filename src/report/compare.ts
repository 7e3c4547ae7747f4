// compareImages: two analyzed images side by side — sizes per directory and per layer, and the files
// added, removed and changed, where "changed" means other content (sha256 of the bytes), another
// type or another link target, never only another size or time.
import type { Analysis } from '../analyze/index.js';
import type { FileNode } from '../analyze/files.js';
import type { MergedRecord } from '../analyze/merge.js';
import type { FileTree } from '../analyze/path-tree.js';

/** FileFacts is what the comparison keeps of one final path. */
export interface FileFacts {
  type: MergedRecord['type'];
  size: number;
  digest: string | undefined;
  linkTarget: string | undefined;
}

export interface Comparison {
  a: { reference: string; id: string; docker: number; compressedBlob: number; finalFilesystem: number; fileCount: number; layers: number };
  b: Comparison['a'];
  /** directories two levels deep, with their bytes in each image, largest change first. */
  directories: { path: string; a: number; b: number }[];
  /** layers by position: their diff ids tell a shared layer from a different one. */
  layers: { index: number; a: { diffId: string; bytes: number; instruction: string | null } | null; b: { diffId: string; bytes: number; instruction: string | null } | null; shared: boolean }[];
  /** the largest LIST_LIMIT of each kind; counts and bytes cover all. */
  added: [string, number][];
  removed: [string, number][];
  changed: [string, number, number][];
  counts: { added: number; removed: number; changed: number; unchanged: number };
  bytes: { added: number; removed: number; changedBefore: number; changedAfter: number };
}

export const LIST_LIMIT = 2000;

/** factsOf collects the final paths of a merged tree (AnalyzeOptions.inspectTree gives the tree). */
export function factsOf(tree: FileTree<MergedRecord>): Map<string, FileFacts> {
  const out = new Map<string, FileFacts>();
  for (const [path, r] of tree.records) {
    if (r.type === 'dir' || path === '') continue;
    out.set(path, { type: r.type, size: r.type === 'file' ? r.size : 0, digest: r.contentDigest, linkTarget: r.linkTarget });
  }
  return out;
}

function directorySizes(root: FileNode | undefined, depth: number): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (node: FileNode, prefix: string, level: number) => {
    if (node.length !== 4 || level > depth) return;
    for (const child of node[3]) {
      if (child.length !== 4) continue;
      const path = prefix === '' ? child[0] : `${prefix}/${child[0]}`;
      out.set(path, child[1]);
      walk(child, path, level + 1);
    }
  };
  if (root) walk(root, '', 1);
  return out;
}

function differs(x: FileFacts, y: FileFacts): boolean {
  if (x.type !== y.type || x.linkTarget !== y.linkTarget || x.size !== y.size) return true;
  if (x.type !== 'file') return false;
  // without both digests two files of the same size cannot be told apart: say they changed, never that they did not
  return x.digest === undefined || y.digest === undefined || x.digest !== y.digest;
}

const largest = <T extends [string, number, ...number[]]>(list: T[], key: (t: T) => number) =>
  list.sort((p, q) => key(q) - key(p) || (p[0] < q[0] ? -1 : 1)).slice(0, LIST_LIMIT);

export function compareImages(a: { analysis: Analysis; facts: Map<string, FileFacts> }, b: { analysis: Analysis; facts: Map<string, FileFacts> }): Comparison {
  const summary = (x: Analysis): Comparison['a'] => ({
    reference: x.image.reference, id: x.image.id, docker: x.sizes.docker, compressedBlob: x.sizes.compressedBlob,
    finalFilesystem: x.sizes.finalFilesystem, fileCount: x.sizes.fileCount, layers: x.layers.length,
  });
  const added: [string, number][] = [];
  const removed: [string, number][] = [];
  const changed: [string, number, number][] = [];
  const bytes = { added: 0, removed: 0, changedBefore: 0, changedAfter: 0 };
  let unchanged = 0;
  for (const [path, x] of a.facts) {
    const y = b.facts.get(path);
    if (!y) {
      removed.push([path, x.size]);
      bytes.removed += x.size;
    } else if (differs(x, y)) {
      changed.push([path, x.size, y.size]);
      bytes.changedBefore += x.size;
      bytes.changedAfter += y.size;
    } else unchanged++;
  }
  for (const [path, y] of b.facts) {
    if (a.facts.has(path)) continue;
    added.push([path, y.size]);
    bytes.added += y.size;
  }
  const da = directorySizes(a.analysis.files?.root, 2);
  const db = directorySizes(b.analysis.files?.root, 2);
  const directories = [...new Set([...da.keys(), ...db.keys()])]
    .map((path) => ({ path, a: da.get(path) ?? 0, b: db.get(path) ?? 0 }))
    .sort((p, q) => Math.abs(q.b - q.a) - Math.abs(p.b - p.a) || (p.path < q.path ? -1 : 1));
  const layerOf = (x: Analysis, i: number) => {
    const l = x.layers[i];
    return l ? { diffId: l.diffId, bytes: l.sizes.docker, instruction: l.instruction } : null;
  };
  const layers = Array.from({ length: Math.max(a.analysis.layers.length, b.analysis.layers.length) }, (_, index) => {
    const la = layerOf(a.analysis, index);
    const lb = layerOf(b.analysis, index);
    return { index, a: la, b: lb, shared: la !== null && lb !== null && la.diffId === lb.diffId };
  });
  return {
    a: summary(a.analysis),
    b: summary(b.analysis),
    directories,
    layers,
    added: largest(added, (t) => t[1]),
    removed: largest(removed, (t) => t[1]),
    changed: largest(changed, (t) => Math.abs(t[2] - t[1]) || t[2]),
    counts: { added: added.length, removed: removed.length, changed: changed.length, unchanged },
    bytes,
  };
}
