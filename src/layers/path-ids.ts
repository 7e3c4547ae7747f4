// PathIds numbers the paths of an image's layers once (the root "" is 0, the others 1, 2, … in the
// order first met) and knows each path's parent, so the analyses that keep something per path
// across layers (the merged filesystem, dive's figures, the same-size rewrites) index typed arrays
// by number instead of building maps of their own keyed by the same strings: one lookup per entry
// for all of them instead of one or more per entry in each. Written by hand: a JavaScript Map is the
// library here, and it costs more (below).
import { randomBytes } from 'node:crypto';
import type { LayerEntry } from './entry.js';
import { grown } from '../internal/grown.js';

/** ROOT is the number of the root, "": the parent of every top-level path. */
export const ROOT = 0;
/** NO_PARENT is the parent of the root. */
export const NO_PARENT = -1;

export class PathIds {
  // An open-addressing table of numbers keyed by the paths' FNV-1a hashes, in typed arrays: a Map
  // of 100,000s of paths costs about three times the memory (its table holds the keys, values and
  // chains), and it is garbage the collector walks. The hash starts from a random seed per table
  // and a slot is taken from the hash's high bits (Fibonacci hashing), as V8 seeds its own string
  // hash: a layer whose paths were made to share slots would make every lookup walk all of them.
  private slots: Int32Array<ArrayBuffer>;
  private mask: number;
  private shift: number;
  private readonly offset: number;
  private hashes = new Int32Array(1024);
  private keys: string[] = [];
  private parents = new Int32Array(1024);
  private count = 0;
  // the parent of the path numbered last: tar lists a directory's entries together, so most new
  // paths have the same parent as the one before (found without slicing it off)
  private lastParent: string | null = null;
  private lastParentId = NO_PARENT;

  /**
   * seed starts the hash (random unless a test needs known collisions); the numbers do not depend
   * on it. expected, when known, is about how many paths there will be: the table is made for
   * them at once instead of growing (and placing every path again) on the way.
   */
  constructor(seed: number = randomBytes(4).readInt32LE(0), expected = 0) {
    let bits = 12;
    while (1 << (bits - 1) < expected && bits < 30) bits++;
    this.slots = new Int32Array(1 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    this.offset = (FNV_OFFSET ^ seed) | 0;
    this.add('', this.hashOf(''), NO_PARENT);
  }

  /** size is how many paths are numbered. */
  get size(): number {
    return this.count;
  }

  /** parentOf is the number of the parent of the path numbered id (ROOT for a top-level path, NO_PARENT for the root). */
  parentOf(id: number): number {
    return this.parents[id]!;
  }

  /** idOf numbers path (and its ancestors) when it is new, and returns its number. */
  idOf(path: string): number {
    const hash = this.hashOf(path);
    const known = this.find(path, hash);
    if (known >= 0) return known;
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return this.add(path, hash, ROOT);
    const last = this.lastParent;
    if (last !== null && slash === last.length && path.startsWith(last)) return this.add(path, hash, this.lastParentId);
    // the new ancestors up to the nearest numbered one, bottom up. Their hashes come from one pass
    // over the path (FNV-1a reads left to right, so a prefix's hash is a step of the path's): a
    // hostile path of 100,000s of components costs its length, not its length squared.
    const ends: number[] = [];
    const prefixHashes: number[] = [];
    let h = this.offset;
    for (let i = 0; i < slash; i++) {
      const c = path.charCodeAt(i);
      if (c === SLASH && i > 0) {
        ends.push(i);
        prefixHashes.push(h);
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    ends.push(slash);
    prefixHashes.push(h);
    const chain: string[] = [path];
    const chainHashes: number[] = [hash];
    let above = ROOT;
    for (let j = ends.length - 1; j >= 0; j--) {
      const p = path.slice(0, ends[j]);
      const id = this.find(p, prefixHashes[j]!);
      if (id >= 0) {
        above = id;
        break;
      }
      chain.push(p);
      chainHashes.push(prefixHashes[j]!);
    }
    for (let k = chain.length - 1; k > 0; k--) above = this.add(chain[k]!, chainHashes[k]!, above);
    this.lastParent = chain.length > 1 ? chain[1]! : path.slice(0, slash);
    this.lastParentId = above;
    return this.add(path, hash, above);
  }

  /** hashOf is the 32-bit FNV-1a hash of a path's UTF-16 code units, from the table's seeded offset. */
  private hashOf(path: string): number {
    let h = this.offset;
    for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), FNV_PRIME);
    return h;
  }

  /** lookup is the number of path, or -1 when it has none (it numbers nothing). */
  lookup(path: string): number {
    return this.find(path, this.hashOf(path));
  }

  /** pathOf is the path numbered id. */
  pathOf(id: number): string {
    return this.keys[id]!;
  }

  /** find is the number of path, or -1. */
  private find(path: string, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = Math.imul(hash, FIBONACCI) >>> this.shift; ; i = (i + 1) & mask) {
      const id = slots[i]!;
      if (id < 0) return -1;
      if (this.hashes[id] === hash && this.keys[id] === path) return id;
    }
  }

  private add(path: string, hash: number, parent: number): number {
    const id = this.count++;
    if (id === this.parents.length) {
      this.parents = grown(this.parents, id * 2);
      this.hashes = grown(this.hashes, id * 2);
    }
    this.parents[id] = parent;
    this.hashes[id] = hash;
    this.keys.push(path);
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.place(id, hash);
    return id;
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = Math.imul(hash, FIBONACCI) >>> this.shift;
    while (slots[i]! >= 0) i = (i + 1) & mask;
    slots[i] = id;
  }

  /** rehash doubles the table, keeping it at most half full. */
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    this.shift--;
    for (let id = 0; id < this.count; id++) this.place(id, this.hashes[id]!);
  }
}


const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** 2^32 / φ: multiplying by it spreads every bit of a hash into the high bits a slot is taken from. */
const FIBONACCI = 0x9e3779b9 | 0;
const SLASH = 0x2f;

/** EntryIds is the numbering of an image's entries: layers[i][k] is the number of layer i's entries[k].path. */
export interface EntryIds {
  table: PathIds;
  layers: readonly Int32Array[];
}

/** entryIds numbers the paths of the entries of layers. */
export function entryIds(layers: readonly (readonly LayerEntry[])[]): EntryIds {
  const table = new PathIds(undefined, layers.reduce((n, entries) => n + entries.length, 0));
  const numbered = layers.map((entries) => {
    const out = new Int32Array(entries.length);
    for (let k = 0; k < entries.length; k++) out[k] = table.idOf(entries[k]!.path);
    return out;
  });
  return { table, layers: numbered };
}
