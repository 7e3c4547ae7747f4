// grown: the one way the tables indexed by path number (src/layers/path-ids.ts, the merged
// filesystem's src/analyze/numbered-tree.ts, the implied parents of src/layers/parents.ts) grow
// their typed arrays as the numbering outgrows them.

type GrowableArray = Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** capacityFor is the size a table of `size` elements doubles to until it holds n (its own size when it does already). */
export function capacityFor(size: number, n: number): number {
  while (size < n) size *= 2;
  return size;
}

/** grown is a copy of a with room for `size` elements, the new ones zero. */
export function grown<T extends GrowableArray>(a: T, size: number): T {
  const out = (a instanceof Int32Array ? new Int32Array(size) : new Uint8Array(size)) as T;
  out.set(a);
  return out;
}
