// PathTree: a lean merged-filesystem map (path → small record) with a parent → children index,
// so a whole directory can be removed without scanning every path.

/** parentOf returns the parent path of a normalized path ("" for top-level entries). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** FileTree is what a merged filesystem offers those who read it (PathTree, NumberedTree). */
export interface FileTree<R> {
  readonly records: ReadonlyMap<string, R>;
  get(path: string): R | undefined;
  has(path: string): boolean;
  /** hasChildren says whether anything is stored below path. */
  hasChildren(path: string): boolean;
  /** descendants calls fn for every stored path strictly below path (records may be absent for implicit parents). */
  descendants(path: string, fn: (path: string, record: R | undefined) => void): void;
}

/** PathTree maps paths to records of type R and knows each directory's children. */
export class PathTree<R> implements FileTree<R> {
  readonly records = new Map<string, R>();
  private readonly children = new Map<string, Set<string>>();

  get(path: string): R | undefined {
    return this.records.get(path);
  }

  has(path: string): boolean {
    return this.records.has(path);
  }

  // The children of the directory the last set() linked into: tar lists a directory's entries
  // together, so most paths find their parent here without slicing it off. Forgotten on removal.
  private lastParent: string | null = null;
  private lastChildren: Set<string> | null = null;

  /** set stores a record and links path (and any unlinked ancestors) into the children index. */
  set(path: string, record: R): void {
    this.records.set(path, record);
    const slash = path.lastIndexOf('/');
    const last = this.lastParent;
    if (last !== null && slash === last.length && path.startsWith(last)) {
      this.lastChildren!.add(path);
      return;
    }
    let child = path;
    while (child !== '') {
      const parent = parentOf(child);
      let set = this.children.get(parent);
      const linked = set !== undefined; // a directory with a children set is itself linked (removals drop both)
      if (!set) {
        set = new Set();
        this.children.set(parent, set);
      }
      if (child === path) {
        this.lastParent = parent;
        this.lastChildren = set;
      }
      if (set.has(child)) break;
      set.add(child);
      if (linked) break;
      child = parent;
    }
  }

  /** hasChildren says whether anything is stored below path. */
  hasChildren(path: string): boolean {
    const set = this.children.get(path);
    return set !== undefined && set.size > 0;
  }

  /** descendants calls fn for every stored path strictly below path (records may be absent for implicit parents). */
  descendants(path: string, fn: (path: string, record: R | undefined) => void): void {
    const stack = [path];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const set = this.children.get(dir);
      if (!set) continue;
      for (const child of set) {
        fn(child, this.records.get(child));
        stack.push(child);
      }
    }
  }

  /** removeBelow deletes everything strictly below path, calling fn for each stored record first. */
  removeBelow(path: string, fn?: (path: string, record: R) => void): void {
    this.lastParent = this.lastChildren = null;
    const removed: string[] = [];
    this.descendants(path, (p, r) => {
      if (r !== undefined) fn?.(p, r);
      removed.push(p);
    });
    for (const p of removed) {
      this.records.delete(p);
      this.children.delete(p);
    }
    this.children.delete(path);
  }

  /** remove deletes path and everything below it, calling fn for each stored record (path itself included). */
  remove(path: string, fn?: (path: string, record: R) => void): void {
    this.removeBelow(path, fn);
    const own = this.records.get(path);
    if (own !== undefined) fn?.(path, own);
    this.records.delete(path);
    if (path !== '') this.children.get(parentOf(path))?.delete(path);
  }
}
