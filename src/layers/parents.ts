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
import { PathIds, ROOT } from './path-ids.js';
import { capacityFor, grown } from '../internal/grown.js';

/** Attributes of a directory a layer implies: what the engine's MkdirAll gives it. */
export const IMPLIED_DIR = { mode: 0o755, uid: 0, gid: 0 } as const;

/** impliedDir is the entry for a directory at path that an entry of the layer implies (its time is that entry's). */
export function impliedDir(path: string, by: LayerEntry): LayerEntry {
  return { path, type: 'dir', size: 0, ...IMPLIED_DIR, mtime: by.mtime };
}

/**
 * NumberedParents follows a layer's entries in tar order, their paths numbered by a PathIds, and
 * says which parent directories each one implies that the layer has not had yet (an explicit
 * directory entry earlier in the tar, or an earlier implied one). A parent that the same layer made
 * a non-directory is a conflict: where the entry lands depends on the reader (an engine follows a
 * symlink inside the layer's own directory, or fails), so it is reported rather than guessed.
 * What it keeps per path is typed arrays indexed by number, tagged with the layer they belong to,
 * so one instance follows every layer of an image (startLayer) without a set of strings per layer.
 * LayerParents (below) is the same rule for callers that do not number their paths.
 */
export class NumberedParents {
  // what this layer has so far (ownTag[id] === tag): ownDir[id] is 1 for directories (entries or
  // implied). With `recorded`, only what the caller's records do not say: whiteouts, and what the
  // caller removed (forget()).
  private ownTag = new Int32Array(1024);
  private ownDir = new Uint8Array(1024);
  private tag = 0;
  // parent directories whose ancestors are all directories of the layer (verifiedTag[id] ===
  // verifiedAs): entries below them need no new check; verifiedAs moves on to forget them all
  private verifiedTag = new Int32Array(1024);
  private verifiedAs = 0;
  // the parent of the last entry, when verified: tar lists a directory's entries together, so most
  // entries have the same parent as the one before
  private lastVerified = NONE;

  /**
   * recorded, when given, says what the caller's own records hold for the current layer at a number
   * (true: a directory, false: another type, undefined: nothing of this layer). The caller records
   * each entry and each directory add() returns as implied before the next add(), and tells
   * forget() what of this layer it removes (analyze's merge keeps its tree so, and the layer's
   * paths are not kept twice).
   */
  constructor(
    private readonly paths: PathIds,
    private readonly recorded?: (id: number) => boolean | undefined,
  ) {
    this.startLayer();
  }

  /** startLayer forgets the layer followed so far: the next add() is the first entry of the next layer. */
  startLayer(): void {
    this.tag++;
    this.verifiedAs++;
    this.lastVerified = NONE;
  }

  /**
   * forget is told that the caller removed its record of this layer at the path numbered id (a
   * directory or not): the layer still had it. A whiteout's own mark stays (the caller removes what
   * it deletes after add()).
   */
  forget(id: number, dir: boolean): void {
    this.fit();
    if (this.recorded && this.ownTag[id] !== this.tag) this.setOwn(id, dir);
  }

  /**
   * lookup is what this layer has at id so far; recordedHere, when given, is what the caller's
   * records hold there (null: nothing of this layer), which spares asking them.
   */
  private lookup(id: number, recordedHere?: boolean | null): boolean | undefined {
    if (this.ownTag[id] === this.tag) return this.ownDir[id] === 1;
    if (!this.recorded) return undefined;
    return recordedHere === undefined ? this.recorded(id) : (recordedHere ?? undefined);
  }

  private setOwn(id: number, dir: boolean): void {
    this.ownTag[id] = this.tag;
    this.ownDir[id] = dir ? 1 : 0;
  }

  /** mark records the layer's entry at id; with `recorded`, the caller's record says it, but for a whiteout. */
  private mark(id: number, dir: boolean, whiteout: boolean): void {
    if (!this.recorded) this.setOwn(id, dir);
    else if (whiteout) this.setOwn(id, false);
    else this.ownTag[id] = 0;
  }

  /** a directory of the layer turned into a non-directory: what was verified below it no longer holds (rare). */
  private unverifyAll(): void {
    this.verifiedAs++;
    this.lastVerified = NONE;
  }

  /**
   * add records entry, whose path is numbered id (for an opaque marker: its directory's), and
   * returns the numbers of the directories it implies, top down, or of the parent it conflicts
   * with. With `recorded`, recordedHere may say what the caller's records hold for this layer at
   * id (true a directory, false another type, null nothing), when the caller has looked.
   */
  add(entry: LayerEntry, id: number, recordedHere?: boolean | null): { readonly implied: readonly number[]; readonly conflict?: number } {
    this.fit();
    const opaque = entry.whiteout === 'opaque';
    const dir = !entry.whiteout && entry.type === 'dir';
    const parent = opaque ? id : this.paths.parentOf(id);
    if (!opaque && parent === this.lastVerified && parent !== NONE) {
      if (!dir && this.lookup(id, recordedHere) === true) this.unverifyAll();
      this.mark(id, dir, entry.whiteout !== undefined);
      return NOTHING_IMPLIED;
    }
    let implied: number[] | null = null;
    let conflict: number | undefined;
    if (parent !== ROOT && this.verifiedTag[parent] !== this.verifiedAs) {
      // the parent and its ancestors up to the nearest verified one (whose own ancestors are all
      // directories of the layer), bottom up: in tar order that is mostly the parent alone
      const unverified = [parent];
      for (let p = this.paths.parentOf(parent); p !== ROOT && this.verifiedTag[p] !== this.verifiedAs; p = this.paths.parentOf(p)) unverified.push(p);
      for (let k = unverified.length - 1; k >= 0; k--) {
        const p = unverified[k]!;
        const has = this.lookup(p);
        if (has === undefined) {
          if (!this.recorded) this.setOwn(p, true);
          (implied ??= []).push(p);
        } else if (!has && conflict === undefined) conflict = p;
      }
      // with no conflict, each of them now has only directories above it
      if (conflict === undefined) for (const p of unverified) this.verifiedTag[p] = this.verifiedAs;
    }
    if (conflict === undefined && !opaque && parent !== ROOT) this.lastVerified = parent;
    // a whiteout is a non-directory in the layer's own directory (overlay2 makes it a 0/0 device)
    if (id !== ROOT && !opaque) {
      if (!dir && this.lookup(id, recordedHere) === true) this.unverifyAll();
      this.mark(id, dir, entry.whiteout !== undefined);
    }
    if (conflict !== undefined) return { implied: implied ?? [], conflict };
    return implied === null ? NOTHING_IMPLIED : { implied };
  }

  /** fit grows the arrays to every number the table has given. */
  private fit(): void {
    const n = this.paths.size;
    if (n <= this.ownTag.length) return;
    const size = capacityFor(this.ownTag.length, n);
    this.ownTag = grown(this.ownTag, size);
    this.ownDir = grown(this.ownDir, size);
    this.verifiedTag = grown(this.verifiedTag, size);
  }
}

const NONE = -1;

/** NOTHING_IMPLIED is the answer for the common entry, shared: no objects per entry. */
const NOTHING_IMPLIED: { readonly implied: readonly number[] } = Object.freeze({ implied: Object.freeze([]) as readonly number[] });

/**
 * LayerParents is NumberedParents for one layer whose paths are not numbered: it numbers them
 * itself, and answers with paths.
 */
export class LayerParents {
  private readonly paths = new PathIds();
  private readonly numbered = new NumberedParents(this.paths);

  /** add records entry and returns the directories it implies, top down, or the parent it conflicts with. */
  add(entry: LayerEntry): { readonly implied: readonly string[]; readonly conflict?: string } {
    const { implied, conflict } = this.numbered.add(entry, this.paths.idOf(entry.path));
    const paths = implied.length === 0 ? NO_PATHS : implied.map((id) => this.paths.pathOf(id));
    return conflict === undefined ? { implied: paths } : { implied: paths, conflict: this.paths.pathOf(conflict) };
  }
}

const NO_PATHS: readonly string[] = Object.freeze([]) as readonly string[];

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
