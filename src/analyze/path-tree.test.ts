// PathTree and NumberedTree against the plain version they optimize (no remembered parent, no early
// stop at a linked directory, a Map and Sets), over random sequences of sets and removals: same
// records, same children, same order.
import { describe, expect, it } from 'vitest';
import { PathIds } from '../layers/path-ids.js';
import { NumberedTree } from './numbered-tree.js';
import { PathTree, parentOf, type FileTree } from './path-tree.js';

/** Reference is PathTree's plain algorithm: every set walks up until an ancestor already lists the child. */
class Reference {
  readonly records = new Map<string, number>();
  readonly children = new Map<string, Set<string>>();
  set(path: string, record: number): void {
    this.records.set(path, record);
    for (let child = path; child !== ''; child = parentOf(child)) {
      const parent = parentOf(child);
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      if (set.has(child)) break;
      set.add(child);
    }
  }
  descendants(path: string): string[] {
    const out: string[] = [];
    const stack = [path];
    while (stack.length > 0) {
      for (const child of this.children.get(stack.pop()!) ?? []) {
        out.push(child);
        stack.push(child);
      }
    }
    return out;
  }
  removeBelow(path: string): void {
    for (const p of this.descendants(path)) {
      this.records.delete(p);
      this.children.delete(p);
    }
    this.children.delete(path);
  }
  remove(path: string): void {
    this.removeBelow(path);
    this.records.delete(path);
    if (path !== '') this.children.get(parentOf(path))?.delete(path);
  }
}

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) & 0x7fffffff;
    return a / 0x80000000;
  };
}

/** Tree is the two trees behind one interface of paths. */
interface Tree extends FileTree<number> {
  set(path: string, record: number): void;
  remove(path: string): void;
  removeBelow(path: string): void;
}

function numbered(): Tree {
  const t = new NumberedTree<number>(new PathIds());
  return {
    records: t.records,
    get: (p) => t.get(p),
    has: (p) => t.has(p),
    hasChildren: (p) => t.hasChildren(p),
    descendants: (p, fn) => t.descendants(p, fn),
    set: (p, r) => t.set(t.paths.idOf(p), r),
    remove: (p) => t.remove(t.paths.idOf(p)),
    removeBelow: (p) => t.removeBelow(t.paths.idOf(p)),
  };
}

describe.each([
  ['PathTree', () => new PathTree<number>() as Tree],
  ['NumberedTree', numbered],
])('%s', (_name, make) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('agrees with the plain algorithm over 3,000 random operations (seed %i)', (seed) => {
    const rand = rng(seed);
    const names = ['a', 'b', 'c'];
    const randomPath = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => names[Math.floor(rand() * names.length)]).join('/');
    const tree = make();
    const ref = new Reference();
    const seen = (t: Tree, p: string) => {
      const out: string[] = [];
      t.descendants(p, (q) => out.push(q));
      return out;
    };
    for (let i = 0; i < 3_000; i++) {
      const r = rand();
      const path = rand() < 0.03 ? '' : randomPath(); // the root too: an opaque marker at the top sets it
      if (r < 0.75) {
        // runs of siblings, as tar lists them
        tree.set(path, i);
        ref.set(path, i);
        const sibling = `${path}x`;
        tree.set(sibling, i);
        ref.set(sibling, i);
      } else if (r < 0.88) {
        tree.remove(path);
        ref.remove(path);
      } else {
        tree.removeBelow(path);
        ref.removeBelow(path);
      }
      expect([...tree.records]).toEqual([...ref.records]);
      const walked: [string, number][] = [];
      tree.records.forEach((record, p) => walked.push([p, record]));
      expect(walked).toEqual([...ref.records]);
      expect(tree.records.size).toBe(ref.records.size);
      for (const p of ['', 'a', 'b', 'a/b', 'c/c', path]) {
        expect(seen(tree, p)).toEqual(ref.descendants(p));
        expect(tree.hasChildren(p)).toBe((ref.children.get(p)?.size ?? 0) > 0);
      }
    }
  });
});
