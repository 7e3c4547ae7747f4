// The one decision on which hard links an image may hold, shared by every command (analyze, ls and
// strip through scanImage, squash as it streams). It follows the specs: POSIX tar says a hard link
// names a previously archived regular file, and the OCI image spec's changesets allow hard links to
// entries of the same layer (archived before) or of the layers below. So a hard link must reach, in
// the filesystem the layers built so far, a regular file (directly or through other hard links);
// a link to a directory, to a symbolic link, to itself, to nothing, or to a path one of whose parents
// is a symbolic link (the link would name whatever the symlink points at) is refused as a bad archive.
import { WhittleError } from '../errors.js';
import type { EntryType, LayerEntry } from './entry.js';

/** linkTargetProblem says why an entry of type `type` cannot be a hard link's target, or null when it can. */
export function linkTargetProblem(type: EntryType | undefined): string | null {
  switch (type) {
    case undefined:
      return 'which neither this layer (before the link) nor a layer below it has';
    case 'dir':
      return 'which is a directory';
    case 'symlink':
      return 'which is a symbolic link';
    default:
      return null; // a regular file, another hard link to one, or a device or FIFO node (Linux links those too)
  }
}

/** badLink builds the error for the hard link at path. */
export function badLink(what: string, path: string, target: string, problem: string): WhittleError {
  return new WhittleError('bad-archive', `${what}: hard link ${JSON.stringify(path)} points at ${JSON.stringify(target)}, ${problem}`);
}

interface Known {
  type: EntryType;
  gen: number;
}

const parentOf = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
};

/**
 * linkPaths lists the paths a check of these layers needs records for: the hard links' targets and
 * their parents. Null when there is no hard link at all (nothing to check).
 */
export function linkPaths(layers: readonly (readonly LayerEntry[])[]): Set<string> | null {
  let out: Set<string> | null = null;
  for (const entries of layers) {
    for (const e of entries) {
      if (e.type !== 'hardlink' || e.whiteout) continue;
      out ??= new Set();
      for (let p = e.linkTarget!; p !== '' && !out.has(p); p = parentOf(p)) out.add(p);
    }
  }
  return out;
}

/**
 * HardLinkCheck follows the layers of an image, base first, one entry at a time in tar order, and
 * throws on the first hard link the rule above refuses. It keeps one small record per path, or, given
 * the paths that matter (linkPaths), per path among those.
 */
export class HardLinkCheck {
  constructor(private readonly only?: ReadonlySet<string>) {}

  private readonly known = new Map<string, Known>();
  /** paths whose lower contents were cut (deleted, made opaque or replaced) at a generation */
  private readonly cuts = new Map<string, number>();
  private gen = 0;

  /**
   * layer checks one layer's entries (as scanLayer returns them); what names the layer in errors.
   * matters, when given, says whether entries[k] may be a hard link or a path of `only` (or the
   * root): the others are passed over without a lookup of their paths in `only`.
   */
  layer(entries: readonly LayerEntry[], what: string, matters?: (e: LayerEntry, k: number) => boolean): void {
    for (let k = 0; k < entries.length; k++) if (!matters || matters(entries[k]!, k)) this.entry(entries[k]!, what);
  }

  entry(e: LayerEntry, what: string): void {
    if (e.type === 'hardlink' && !e.whiteout) this.check(e.path, e.linkTarget!, what);
    if (this.only && !this.only.has(e.path) && e.path !== '') return;
    const gen = ++this.gen;
    if (e.whiteout === 'opaque') {
      this.cuts.set(e.path, gen);
      return;
    }
    if (e.whiteout === 'file') {
      this.known.delete(e.path);
      this.cuts.set(e.path, gen);
      return;
    }
    const before = this.known.get(e.path);
    if (before?.type === 'dir' && e.type !== 'dir') this.cuts.set(e.path, gen);
    this.known.set(e.path, { type: e.type, gen: before?.type === 'dir' && e.type === 'dir' ? before.gen : gen });
  }

  private check(path: string, target: string, what: string): void {
    if (target === path) throw badLink(what, path, target, 'itself');
    const found = this.lookup(target);
    if (typeof found === 'string') throw badLink(what, path, target, `which is below the symbolic link ${JSON.stringify(found)}`);
    const problem = linkTargetProblem(found?.type);
    if (problem) throw badLink(what, path, target, problem);
  }

  /** lookup finds target as the layers so far left it: its record, undefined when absent, or the symlink parent it lies under. */
  private lookup(target: string): Known | string | undefined {
    const found = this.known.get(target);
    for (let p = parentOf(target); ; p = parentOf(p)) {
      if (p !== '' && this.known.get(p)?.type === 'symlink') return p;
      const cut = this.cuts.get(p); // '' is the root, made opaque by `.wh..wh..opq` at the top
      if (found && cut !== undefined && cut > found.gen) return undefined;
      if (p === '') return found;
    }
  }
}
