// The final filesystem and the dropped copies as one compact document, for pictures of where the
// bytes are (whittle report's treemap): nested arrays rather than objects, so 100,000 paths stay a
// few megabytes of JSON. Directories carry the bytes of everything below them; children are sorted
// largest first.
import type { DropKind, DroppedCopy, MergedRecord } from './merge.js';
import type { FileTree } from './path-tree.js';

/**
 * FileNode: `[name, bytes, layer]` for a file, symlink or other non-directory (bytes: regular-file
 * content, 0 for the rest), `[name, bytes, layer, children]` for a directory (bytes: Σ below). layer
 * is the index of the layer that last wrote the path, -1 for a directory no layer wrote (implied by
 * its children). The root is `["", bytes, -1, children]`.
 */
export type FileNode = [string, number, number] | [string, number, number, FileNode[]];

/** DroppedNode: `[path, bytes, addedBy, droppedBy, how]`, one per copy of content that does not reach the final filesystem. */
export type DroppedNode = [string, number, number, number, DropKind];

export interface FilesDocument {
  root: FileNode;
  dropped: DroppedNode[];
}

interface Building {
  name: string;
  bytes: number;
  layer: number;
  children: Map<string, Building> | null;
}

function finish(b: Building): FileNode {
  if (b.children === null) return [b.name, b.bytes, b.layer];
  const children = [...b.children.values()].map(finish);
  children.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return [b.name, children.reduce((s, c) => s + c[1], 0), b.layer, children];
}

/** filesDocument builds the document from the merged tree and the dropped copies. */
export function filesDocument(tree: FileTree<MergedRecord>, dropped: readonly DroppedCopy[]): FilesDocument {
  const root: Building = { name: '', bytes: 0, layer: -1, children: new Map() };
  const dirAt = (parts: string[]): Building => {
    let node = root;
    for (const part of parts) {
      let next = node.children!.get(part);
      if (!next) {
        next = { name: part, bytes: 0, layer: -1, children: new Map() };
        node.children!.set(part, next);
      } else if (next.children === null) {
        next.children = new Map(); // a record listed as a file with entries below it: show both
      }
      node = next;
    }
    return node;
  };
  for (const [path, r] of tree.records) {
    if (path === '') continue;
    const parts = path.split('/');
    const name = parts.pop()!;
    const parent = dirAt(parts);
    const existing = parent.children!.get(name);
    if (r.type === 'dir') {
      if (existing) {
        existing.layer = r.layer;
        existing.children ??= new Map();
      } else parent.children!.set(name, { name, bytes: 0, layer: r.layer, children: new Map() });
    } else if (existing) {
      existing.bytes = r.type === 'file' ? r.size : 0;
      existing.layer = r.layer;
    } else {
      parent.children!.set(name, { name, bytes: r.type === 'file' ? r.size : 0, layer: r.layer, children: null });
    }
  }
  return { root: finish(root), dropped: dropped.map((d) => [d.path, d.bytes, d.addedBy, d.droppedBy, d.how]) };
}
