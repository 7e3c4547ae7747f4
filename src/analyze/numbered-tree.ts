// NumberedTree: PathTree (./path-tree.ts) over numbered paths (src/layers/path-ids.ts), for the
// merged filesystem of an analysis. The records sit in an array indexed by path number, the order
// a Map would keep them in is a linked list of numbers, and each directory's children are a linked
// list of numbers too: setting the record of an entry whose number is known is array stores, where
// PathTree hashes the path into a Map of records and a Set of its directory's children. Records,
// children and their orders are PathTree's exactly (path-tree.test.ts runs both against one
// reference), so what reads the tree cannot tell the two apart.
import { ROOT, type PathIds } from '../layers/path-ids.js';
import type { FileTree } from './path-tree.js';
import { capacityFor, grown } from '../internal/grown.js';

const NONE = -1;

export class NumberedTree<R> implements FileTree<R> {
  private recs: (R | undefined)[] = [];
  // records in insertion order, as a Map keeps them
  private next = new Int32Array(1024);
  private prev = new Int32Array(1024);
  private head = NONE;
  private tail = NONE;
  private count = 0;
  // the children index: whether a number has a children list (PathTree: a Set in its map), whether
  // it is in its parent's list, and the lists themselves, in insertion order
  private flags = new Uint8Array(1024);
  private firstChild = new Int32Array(1024);
  private lastChild = new Int32Array(1024);
  private nextSibling = new Int32Array(1024);
  private prevSibling = new Int32Array(1024);
  private childCount = new Int32Array(1024);
  // the directory the last set() linked into (tar lists a directory's entries together); forgotten on removal
  private lastParent = NONE;

  readonly records: ReadonlyMap<string, R>;

  constructor(readonly paths: PathIds) {
    this.records = new RecordsView(this);
  }

  get(path: string): R | undefined {
    const id = this.paths.lookup(path);
    return id < 0 ? undefined : this.recs[id];
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** at is the record of the path numbered id. */
  at(id: number): R | undefined {
    return this.recs[id];
  }

  get size(): number {
    return this.count;
  }

  /** set stores the record of the path numbered id and links it (and any unlinked ancestors) into the children index. */
  set(id: number, record: R): void {
    // the arrays hold every number once the records array does (fit grows them together)
    if (this.recs.length < this.paths.size) this.fit(this.paths.size);
    if (this.recs[id] === undefined) {
      this.prev[id] = this.tail;
      this.next[id] = NONE;
      if (this.tail === NONE) this.head = id;
      else this.next[this.tail] = id;
      this.tail = id;
      this.count++;
    }
    this.recs[id] = record;
    if (id === ROOT) return;
    const paths = this.paths;
    const flags = this.flags;
    if (this.lastParent !== NONE && paths.parentOf(id) === this.lastParent) {
      if (!(flags[id]! & IN_LIST)) this.append(this.lastParent, id);
      return;
    }
    for (let child = id; child !== ROOT; ) {
      const parent = paths.parentOf(child);
      const linked = (flags[parent]! & HAS_LIST) !== 0; // a directory with a children list is itself linked (removals drop both)
      if (!linked) {
        flags[parent] = flags[parent]! | HAS_LIST;
        this.firstChild[parent] = this.lastChild[parent] = NONE;
        this.childCount[parent] = 0;
      }
      if (child === id) this.lastParent = parent;
      if (flags[child]! & IN_LIST) break;
      this.append(parent, child);
      if (linked) break;
      child = parent;
    }
  }

  hasChildren(path: string): boolean {
    const id = this.paths.lookup(path);
    return id >= 0 && (this.flags[id]! & HAS_LIST) !== 0 && this.childCount[id]! > 0;
  }

  descendants(path: string, fn: (path: string, record: R | undefined) => void): void {
    const id = this.paths.lookup(path);
    if (id >= 0) this.descendantsOf(id, (child) => fn(this.paths.pathOf(child), this.recs[child]));
  }

  /** removeBelow deletes everything strictly below the path numbered id, calling fn for each stored record first. */
  removeBelow(id: number, fn?: (path: string, record: R, id: number) => void): void {
    this.lastParent = NONE;
    const removed: number[] = [];
    this.descendantsOf(id, (child) => {
      const r = this.recs[child];
      if (r !== undefined) fn?.(this.paths.pathOf(child), r, child);
      removed.push(child);
    });
    for (const child of removed) {
      this.unrecord(child);
      // its parent's list is dropped (below), or is that of another removed number
      this.flags[child] = 0;
    }
    this.flags[id] = this.flags[id]! & ~HAS_LIST;
  }

  /** remove deletes the path numbered id and everything below it, calling fn for each stored record (its own included). */
  remove(id: number, fn?: (path: string, record: R, id: number) => void): void {
    this.removeBelow(id, fn);
    const own = this.recs[id];
    if (own !== undefined) fn?.(this.paths.pathOf(id), own, id);
    this.unrecord(id);
    if (id === ROOT) return;
    const parent = this.paths.parentOf(id);
    if (this.flags[parent]! & HAS_LIST && this.flags[id]! & IN_LIST) this.unlink(parent, id);
  }

  /** firstRecord and nextRecord walk the records in insertion order (NONE at the end). */
  firstRecord(): number {
    return this.head;
  }
  nextRecord(id: number): number {
    return this.next[id]!;
  }

  private descendantsOf(id: number, fn: (child: number) => void): void {
    const stack = [id];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (!(this.flags[dir]! & HAS_LIST)) continue;
      for (let child = this.firstChild[dir]!; child !== NONE; child = this.nextSibling[child]!) {
        fn(child);
        stack.push(child);
      }
    }
  }

  private unrecord(id: number): void {
    if (this.recs[id] === undefined) return;
    this.recs[id] = undefined;
    const before = this.prev[id]!;
    const after = this.next[id]!;
    if (before === NONE) this.head = after;
    else this.next[before] = after;
    if (after === NONE) this.tail = before;
    else this.prev[after] = before;
    this.count--;
  }

  private append(parent: number, child: number): void {
    const last = this.lastChild[parent]!;
    this.prevSibling[child] = last;
    this.nextSibling[child] = NONE;
    if (last === NONE) this.firstChild[parent] = child;
    else this.nextSibling[last] = child;
    this.lastChild[parent] = child;
    this.childCount[parent] = this.childCount[parent]! + 1;
    this.flags[child] = this.flags[child]! | IN_LIST;
  }

  private unlink(parent: number, child: number): void {
    const before = this.prevSibling[child]!;
    const after = this.nextSibling[child]!;
    if (before === NONE) this.firstChild[parent] = after;
    else this.nextSibling[before] = after;
    if (after === NONE) this.lastChild[parent] = before;
    else this.prevSibling[after] = before;
    this.childCount[parent] = this.childCount[parent]! - 1;
    this.flags[child] = this.flags[child]! & ~IN_LIST;
  }

  /** fit grows the arrays to hold n numbers. */
  private fit(n: number): void {
    // the records array is filled as far as there are numbers: one set far beyond its end would
    // leave a hole V8 may answer by turning it into a dictionary
    for (let id = this.recs.length; id < n; id++) this.recs.push(undefined);
    if (n <= this.next.length) return;
    const size = capacityFor(this.next.length, n);
    this.next = grown(this.next, size);
    this.prev = grown(this.prev, size);
    this.firstChild = grown(this.firstChild, size);
    this.lastChild = grown(this.lastChild, size);
    this.nextSibling = grown(this.nextSibling, size);
    this.prevSibling = grown(this.prevSibling, size);
    this.childCount = grown(this.childCount, size);
    this.flags = grown(this.flags, size);
  }
}

const HAS_LIST = 1;
const IN_LIST = 2;


/** RecordsView is a NumberedTree's records as a ReadonlyMap from paths, in insertion order. */
class RecordsView<R> implements ReadonlyMap<string, R> {
  constructor(private readonly tree: NumberedTree<R>) {}
  get size(): number {
    return this.tree.size;
  }
  get(path: string): R | undefined {
    return this.tree.get(path);
  }
  has(path: string): boolean {
    return this.tree.has(path);
  }
  *entries(): MapIterator<[string, R]> {
    const t = this.tree;
    for (let id = t.firstRecord(); id !== NONE; id = t.nextRecord(id)) yield [t.paths.pathOf(id), t.at(id)!];
  }
  *keys(): MapIterator<string> {
    const t = this.tree;
    for (let id = t.firstRecord(); id !== NONE; id = t.nextRecord(id)) yield t.paths.pathOf(id);
  }
  *values(): MapIterator<R> {
    const t = this.tree;
    for (let id = t.firstRecord(); id !== NONE; id = t.nextRecord(id)) yield t.at(id)!;
  }
  /** forEach walks the list itself: no generator step and no [path, record] pair per record (the analyses walk 100,000s of them). */
  forEach(fn: (value: R, key: string, map: ReadonlyMap<string, R>) => void): void {
    const t = this.tree;
    for (let id = t.firstRecord(); id !== NONE; id = t.nextRecord(id)) fn(t.at(id)!, t.paths.pathOf(id), this);
  }
  [Symbol.iterator](): MapIterator<[string, R]> {
    return this.entries();
  }
}
