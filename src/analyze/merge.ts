// mergeLayers applies layers in order to a merged filesystem, the way a container runtime does,
// and records per layer what it added, modified and removed, and every copy of file content that
// does not reach the final filesystem (what squashing the image would drop).
import type { LayerEntry } from '../layers/entry.js';
import { nameByteLength } from '../internal/name-bytes.js';
import { impliedDir, NumberedParents } from '../layers/parents.js';
import { PathIds, type EntryIds } from '../layers/path-ids.js';
import { NumberedTree } from './numbered-tree.js';

/**
 * MergedRecord is what the merged filesystem holds for one path: the entry that last wrote it and
 * its layer. An entry that already carries its layer (LayerEntry.layer, set by scanLayer) is kept
 * as it is, so the merged filesystem costs no object per path beyond the entries themselves.
 */
export interface MergedRecord {
  type: LayerEntry['type'];
  /** content bytes (regular files only; 0 for every other type). */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  layer: number;
  contentDigest?: string | undefined;
  linkTarget?: string | undefined;
}

/** recordOf is the merged record of e written by layer: e itself when it carries that layer, else a copy. */
function recordOf(e: LayerEntry, layer: number): MergedRecord {
  if (e.layer === layer && (e.type === 'file' || e.size === 0)) return e as MergedRecord;
  return { type: e.type, size: e.type === 'file' ? e.size : 0, mode: e.mode, uid: e.uid, gid: e.gid, layer, contentDigest: e.contentDigest, linkTarget: e.linkTarget };
}

/** How a dropped copy left: deleted by a whiteout, overwritten with new content, rewritten with the
 * same content but new metadata, or hidden by an opaque directory. */
export type DropKind = 'deleted' | 'overwritten' | 'metadata-only' | 'opaque';

export interface DroppedCopy {
  path: string;
  bytes: number;
  addedBy: number;
  droppedBy: number;
  how: DropKind;
  /**
   * for an overwrite by a file: whether the content stayed ('same': equal size and content digest,
   * 'different', or 'unknown': equal size but no digests to compare) and whether mode or owner changed.
   */
  rewrite?: { content: 'same' | 'different' | 'unknown'; metadataChanged: boolean };
}

export interface ChangeCounts {
  count: number;
  bytes: number;
}

export interface LayerChanges {
  added: ChangeCounts;
  modified: ChangeCounts & { metadataOnly: number };
  removed: ChangeCounts;
  /** bytes of regular-file content carried by the layer tar. */
  fileContent: number;
  /** bytes of symlink targets: the graph driver counts a symlink's size (its target's length) too. */
  symlinkBytes: number;
}

export interface MergeResult {
  tree: NumberedTree<MergedRecord>;
  changes: LayerChanges[];
  dropped: DroppedCopy[];
  /** content bytes of dropped paths that still reach the final filesystem through a surviving hard link. */
  linkedBytes: number;
}

function emptyChanges(): LayerChanges {
  return { added: { count: 0, bytes: 0 }, modified: { count: 0, bytes: 0, metadataOnly: 0 }, removed: { count: 0, bytes: 0 }, fileContent: 0, symlinkBytes: 0 };
}

/** sameContent says whether two regular files hold the same bytes (only provable with content digests). */
function sameContent(a: MergedRecord, b: LayerEntry): boolean {
  return a.contentDigest !== undefined && a.contentDigest === b.contentDigest && a.size === b.size;
}

/** mergeLayers merges layers; ids, when the entries' paths are numbered already (scanImage), saves numbering them again. */
export function mergeLayers(layers: readonly (readonly LayerEntry[])[], ids?: EntryIds): MergeResult {
  const merge = createMerge(ids?.table);
  layers.forEach((entries, i) => merge.add(entries, ids?.layers[i]));
  return merge.finish();
}

/** Merge applies layers one at a time (base first), so a caller can drop each layer's entries once added. */
export interface Merge {
  /** add applies the next layer's entries; numbers, when given, are their paths' numbers in the merge's PathIds. */
  add(entries: readonly LayerEntry[], numbers?: ArrayLike<number>): void;
  /** the merged filesystem so far. */
  readonly tree: NumberedTree<MergedRecord>;
  /** finish returns the result of the layers added. */
  finish(): MergeResult;
}

/** createMerge starts an incremental mergeLayers, over the numbering paths (a new one by default). */
export function createMerge(paths: PathIds = new PathIds()): Merge {
  const tree = new NumberedTree<MergedRecord>(paths);
  const changes: LayerChanges[] = [];
  const dropped: DroppedCopy[] = [];
  // the directories a layer implies (parents it has no entry for) count as its own
  // (src/layers/parents.ts); what the layer has so far is read from the tree, not kept twice
  let current = -1;
  const parents = new NumberedParents(paths, (id) => {
    const r = tree.at(id);
    return r !== undefined && r.layer === current ? r.type === 'dir' : undefined;
  });
  const add = (entries: readonly LayerEntry[], given?: ArrayLike<number>) => {
    const layer = changes.length;
    const numbers = given ?? Int32Array.from(entries, (e) => paths.idOf(e.path));
    const ch = emptyChanges();
    changes.push(ch);
    parents.startLayer();
    current = layer;
    const drop = (how: DropKind) => (path: string, r: MergedRecord, id: number) => {
      if (r.layer === layer) parents.forget(id, r.type === 'dir');
      if (r.type === 'dir') return;
      ch.removed.count++;
      ch.removed.bytes += r.size;
      if (r.type === 'file' && r.size > 0) dropped.push({ path, bytes: r.size, addedBy: r.layer, droppedBy: layer, how });
    };
    // Opaque directories hide lower content before any of this layer's own entries land, wherever they sit in the tar.
    for (let k = 0; k < entries.length; k++) {
      if (entries[k]!.whiteout === 'opaque') tree.removeBelow(numbers[k]!, drop('opaque'));
    }
    /** put applies e, numbered id, over before: what the tree held there (looked up for an entry that is no opaque marker) */
    const put = (e: LayerEntry, id: number, before: MergedRecord | undefined): void => {
      if (e.whiteout === 'opaque') {
        if (tree.at(id) === undefined) tree.set(id, { type: 'dir', size: 0, mode: e.mode, uid: e.uid, gid: e.gid, layer });
        return;
      }
      if (e.whiteout === 'file') {
        tree.remove(id, drop('deleted'));
        return;
      }
      const size = e.type === 'file' ? e.size : 0;
      ch.fileContent += size;
      if (e.type === 'symlink' && e.linkTarget !== undefined) ch.symlinkBytes += nameByteLength(e.linkTarget);
      const record = recordOf(e, layer);
      if (before === undefined) {
        if (e.type !== 'dir') {
          ch.added.count++;
          ch.added.bytes += size;
        }
      } else if (before.type === 'dir' && e.type === 'dir') {
        // a directory entry over a directory changes metadata only; its contents stay.
      } else {
        if (before.type === 'dir') tree.removeBelow(id, drop('overwritten')); // a directory replaced by a non-directory
        const metadataOnly = before.type === 'file' && e.type === 'file' && sameContent(before, e);
        if (before.type !== 'dir') {
          if (before.type === 'file' && before.size > 0) {
            const copy: DroppedCopy = { path: e.path, bytes: before.size, addedBy: before.layer, droppedBy: layer, how: metadataOnly ? 'metadata-only' : 'overwritten' };
            if (e.type === 'file') {
              const content = metadataOnly ? 'same' : e.size !== before.size || (before.contentDigest !== undefined && e.contentDigest !== undefined) ? 'different' : 'unknown';
              copy.rewrite = { content, metadataChanged: e.mode !== before.mode || e.uid !== before.uid || e.gid !== before.gid };
            }
            dropped.push(copy);
          }
        }
        if (e.type !== 'dir') {
          ch.modified.count++;
          ch.modified.bytes += size;
          if (metadataOnly) ch.modified.metadataOnly++;
        }
      }
      tree.set(id, record);
    };
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      const id = numbers[k]!;
      // looked up once, for the layer's parents and for the put: the directories e implies are its
      // ancestors (or an opaque marker's own directory, which put looks up itself), whose puts leave
      // the record at e.path as it is
      const before = e.whiteout === 'opaque' ? undefined : tree.at(id);
      const here = before !== undefined && before.layer === layer ? before.type === 'dir' : null;
      for (const dirId of parents.add(e, id, here).implied) put(impliedDir(paths.pathOf(dirId), e), dirId, tree.at(dirId));
      put(e, id, before);
    }
  };
  return { add, tree, finish: () => ({ tree, changes, ...excludeLinked(tree, dropped) }) };
}

/** excludeLinked keeps a dropped copy out of the waste when a surviving hard link of the same layer still points at it:
 * the content reaches the final filesystem through the link. */
function excludeLinked(tree: NumberedTree<MergedRecord>, all: DroppedCopy[]): { dropped: DroppedCopy[]; linkedBytes: number } {
  const linked = new Set<string>();
  tree.records.forEach((r) => {
    if (r.type === 'hardlink' && r.linkTarget !== undefined) linked.add(`${r.layer}\0${r.linkTarget}`);
  });
  if (linked.size === 0) return { dropped: all, linkedBytes: 0 };
  const dropped: DroppedCopy[] = [];
  let linkedBytes = 0;
  for (const d of all) {
    if (linked.has(`${d.addedBy}\0${d.path}`)) linkedBytes += d.bytes;
    else dropped.push(d);
  }
  return { dropped, linkedBytes };
}
