// The parent directories a layer implies, the one rule analyze's merge and squash share (docs/squash.md,
// "Symlinks in a layer's parent path"). Docker's overlay2 driver, its default, unpacks each layer
// into an empty directory of its own and creates a missing parent there as a directory (0755,
// root); overlayfs then shows that directory above whatever lower layers hold at its path: a lower
// symlink or file is hidden (with everything below it), a lower directory is merged and takes the
// upper one's attributes. So an entry below `a` (a file, a whiteout `a/.wh.x`, an opaque marker
// `a/.wh..wh..opq`) means the layer has a directory `a`, whether or not its tar has an entry for it,
// and a path is never resolved through a symlink of a lower layer. (umoci resolves parents through
// the symlinks of the layers below instead; the OCI layer spec does not say.)
import type { LayerEntry } from './entry.js';

/** Attributes of a directory a layer implies: what the engine's MkdirAll gives it. */
export const IMPLIED_DIR = { mode: 0o755, uid: 0, gid: 0 } as const;

/** impliedDir is the entry for a directory at path that an entry of the layer implies (its time is that entry's). */
export function impliedDir(path: string, by: LayerEntry): LayerEntry {
  return { path, type: 'dir', size: 0, ...IMPLIED_DIR, mtime: by.mtime };
}

/**
 * LayerParents follows one layer's entries in tar order and says which parent directories each
 * one implies that the layer has not had yet (an explicit directory entry earlier in the tar, or
 * an earlier implied one). A parent that the same layer made a non-directory is a conflict: where
 * the entry lands depends on the reader (an engine follows a symlink inside the layer's own
 * directory, or fails), so it is reported rather than guessed.
 */
/** NOTHING_IMPLIED is the answer for the common entry, shared: no objects per entry. */
const NOTHING_IMPLIED: { readonly implied: readonly string[] } = Object.freeze({ implied: Object.freeze([]) as readonly string[] });

export class LayerParents {
  /**
   * paths this layer has so far: true for directories (entries or implied). With `recorded`, only
   * what the caller's records do not say: whiteouts, and what the caller removed (forget()).
   */
  private readonly has = new Map<string, boolean>();

  /**
   * recorded, when given, says what the caller's own records hold for this layer at a path (true: a
   * directory, false: another type, undefined: nothing of this layer). The caller records each entry
   * and each directory add() returns as implied before the next add(), and tells forget() what of
   * this layer it removes (analyze's merge keeps its tree so, and the layer's paths are not kept twice).
   */
  constructor(private readonly recorded?: (path: string) => boolean | undefined) {}

  /**
   * forget is told that the caller removed its record of this layer at path (a directory or not):
   * the layer still had it. A whiteout's own mark stays (the caller removes what it deletes after add()).
   */
  forget(path: string, dir: boolean): void {
    if (this.recorded && !this.has.has(path)) this.has.set(path, dir);
  }

  /**
   * lookup is what this layer has at path so far; recordedHere, when given, is what the caller's
   * records hold at path (null: nothing of this layer), which spares asking them.
   */
  private lookup(path: string, recordedHere?: boolean | null): boolean | undefined {
    const own = this.has.size > 0 ? this.has.get(path) : undefined;
    if (own !== undefined || !this.recorded) return own;
    return recordedHere === undefined ? this.recorded(path) : (recordedHere ?? undefined);
  }

  /** mark records the layer's entry at path; with `recorded`, the caller's record says it, but for a whiteout. */
  private mark(path: string, dir: boolean, whiteout: boolean): void {
    if (!this.recorded) this.has.set(path, dir);
    else if (whiteout) this.has.set(path, false);
    else if (this.has.size > 0) this.has.delete(path);
  }

  /** parent directories whose ancestors are all directories of the layer: entries below them need no new check. */
  private verified = new Set<string>();

  /** the parent of the last entry, when verified: tar lists a directory's entries together, so most entries have the same parent as the one before (no slicing, no lookup). */
  private lastVerified: string | null = null;

  /**
   * add records entry and returns the directories it implies, top down, or the parent it conflicts
   * with. With `recorded`, recordedHere may say what the caller's records hold for this layer at
   * entry.path (true a directory, false another type, null nothing), when the caller has looked.
   */
  add(entry: LayerEntry, recordedHere?: boolean | null): { readonly implied: readonly string[]; readonly conflict?: string } {
    const path = entry.path;
    const opaque = entry.whiteout === 'opaque';
    const slash = path.lastIndexOf('/');
    const last = this.lastVerified;
    if (!opaque && last !== null && slash === last.length && path.startsWith(last)) {
      const dir = !entry.whiteout && entry.type === 'dir';
      if (!dir && this.lookup(path, recordedHere) === true) {
        this.verified = new Set();
        this.lastVerified = null;
      }
      this.mark(path, dir, entry.whiteout !== undefined);
      return NOTHING_IMPLIED;
    }
    const parent = opaque ? path : path.slice(0, Math.max(0, slash));
    let implied: string[] | null = null;
    let conflict: string | undefined;
    if (parent !== '' && !this.verified.has(parent)) {
      // the parent and its ancestors up to the nearest verified one (whose own ancestors are all
      // directories of the layer), bottom up: in tar order that is mostly the parent alone
      const unverified = [parent];
      for (let p = parent, i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/')) {
        p = p.slice(0, i);
        if (this.verified.has(p)) break;
        unverified.push(p);
      }
      for (let k = unverified.length - 1; k >= 0; k--) {
        const p = unverified[k]!;
        const dir = this.lookup(p);
        if (dir === undefined) {
          if (!this.recorded) this.has.set(p, true);
          (implied ??= []).push(p);
        } else if (!dir && conflict === undefined) conflict = p;
      }
      // with no conflict, each of them now has only directories above it
      if (conflict === undefined) for (const p of unverified) this.verified.add(p);
    }
    if (conflict === undefined && !opaque && parent !== '') this.lastVerified = parent;
    // a whiteout is a non-directory in the layer's own directory (overlay2 makes it a 0/0 device)
    if (path !== '' && !opaque) {
      const dir = !entry.whiteout && entry.type === 'dir';
      // a directory of the layer turned into a non-directory: what was verified below it no longer holds (rare)
      if (!dir && this.lookup(path, recordedHere) === true) {
        this.verified = new Set();
        this.lastVerified = null;
      }
      this.mark(path, dir, entry.whiteout !== undefined);
    }
    if (conflict !== undefined) return { implied: implied ?? [], conflict };
    return implied === null ? NOTHING_IMPLIED : { implied };
  }
}

/** withImpliedParents returns a layer's entries with each implied directory before the entry that implies it; `index` is the entry's ordinal, or for an implied directory the ordinal of the entry that implies it. */
export function withImpliedParents(entries: readonly LayerEntry[]): { entry: LayerEntry; index: number; implied: boolean; conflict?: string }[] {
  const parents = new LayerParents();
  const out: { entry: LayerEntry; index: number; implied: boolean; conflict?: string }[] = [];
  entries.forEach((entry, index) => {
    const { implied, conflict } = parents.add(entry);
    for (const p of implied) out.push({ entry: impliedDir(p, entry), index, implied: true });
    out.push(conflict === undefined ? { entry, index, implied: false } : { entry, index, implied: false, conflict });
  });
  return out;
}

/** conflictMessage is the message squash refuses an image with when an entry sits below a non-directory of its own layer. */
export function conflictMessage(layer: number, entry: LayerEntry, parent: string): string {
  const what = entry.whiteout === 'opaque' ? `the opaque marker of ${JSON.stringify(entry.path)}` : entry.whiteout ? `the whiteout of ${JSON.stringify(entry.path)}` : JSON.stringify(entry.path);
  return `layer ${layer + 1}: ${what} is below ${JSON.stringify(parent)}, which the same layer makes a non-directory: engines differ on where it lands, so squash cannot merge it faithfully`;
}
