// listImage: the files of an image as dive's file pane shows them — the merged filesystem (what a
// container sees), or one layer's own entries with what each changes (added, modified, deleted by
// a whiteout, hidden by an opaque directory). Layers are read with scanLayer and merged with
// mergeLayers, as the analysis does: memory holds paths and metadata, never file content.
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import { mapLimit } from '../internal/concurrency.js';
import { encodeName } from '../internal/name-bytes.js';
import { normalizeLayerPath } from '../internal/paths.js';
import type { EntryType, LayerEntry } from '../layers/entry.js';
import { HardLinkCheck } from '../layers/hardlinks.js';
import { scanLayer } from '../layers/scan.js';
import { createMerge, mergeLayers, type MergedRecord } from './merge.js';
import type { FileTree } from './path-tree.js';

/** Change is what a layer's entry does to the filesystem below it (only with a layer). */
export type Change = 'added' | 'modified' | 'deleted' | 'opaque';

/**
 * ListedPath is one line of `whittle ls`. For a deleted path, mode, owner, size and layer describe
 * what was deleted (from the layers below), or are null when the path did not exist there.
 */
export interface ListedPath {
  /** absolute path, `/etc/hosts`. */
  path: string;
  type: EntryType | null;
  /** permission bits with setuid/setgid/sticky (mode & 0o7777). */
  mode: number | null;
  uid: number | null;
  gid: number | null;
  /** content bytes of regular files, 0 for everything else. */
  size: number | null;
  /** index of the layer that last wrote the path, 0 = base. */
  layer: number | null;
  /** a symlink's target as written, or the absolute path a hard link points to. */
  target: string | null;
  change: Change | null;
}

export interface ListOptions {
  /** path to list; a directory lists itself and everything below it, anything else itself. Default `/`. */
  path?: string;
  /** list only this layer's entries (0 = base, negative counts from the top: -1 is the last). */
  layer?: number;
  /** what names the image in errors. */
  what?: string;
  onProgress?: (p: { bytes: number; layersDone: number; layers: number }) => void;
}

export interface Listing {
  /** the layer listed (normalized to 0-based), or null for the merged filesystem. */
  layer: number | null;
  layers: number;
  /** the paths in order (directories before what they hold, siblings by name). */
  paths: ListedPath[];
}

/** comparePaths orders paths as a tree walk would: by component, so `a/b` comes before `a-b`, and names by their bytes. */
export function comparePaths(a: string, b: string): number {
  // code unit order with '/' lowest, compared in place: sorting 200,000 paths allocates nothing
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < 0x80 && y < 0x80 ? (x === 47 ? -1 : x) - (y === 47 ? -1 : y) : compareBytesFrom(a, b, i);
  }
  return a.length - b.length;
}

/** compareBytesFrom compares what follows the common start of a and b as bytes (UTF-8, and the raw bytes of names that are not UTF-8), '/' lowest: code unit order is not byte order beyond ASCII. */
function compareBytesFrom(a: string, b: string, i: number): number {
  const from = i > 0 && a.charCodeAt(i - 1) >= 0xd800 && a.charCodeAt(i - 1) <= 0xdbff ? i - 1 : i; // not inside a surrogate pair
  const x = encodeName(a.slice(from));
  const y = encodeName(b.slice(from));
  const n = Math.min(x.length, y.length);
  for (let k = 0; k < n; k++) if (x[k] !== y[k]) return (x[k] === 47 ? -1 : x[k]!) - (y[k] === 47 ? -1 : y[k]!);
  return x.length - y.length;
}

/** resolveLayer turns a --layer value (negative from the top) into a 0-based index, or fails. */
export function resolveLayer(layer: number, count: number): number {
  const i = layer < 0 ? count + layer : layer;
  if (!Number.isInteger(layer) || i < 0 || i >= count) {
    throw new WhittleError('usage', `--layer ${layer}: the image has ${count} layer(s): use 0..${count - 1}, or -1..-${count} from the top`);
  }
  return i;
}

const under = (p: string, root: string) => root === '' || p === root || p.startsWith(`${root}/`);
const abs = (p: string) => `/${p}`;

function fromRecord(path: string, r: MergedRecord | undefined, change: Change | null): ListedPath {
  if (r === undefined) return { path: abs(path), type: 'dir', mode: null, uid: null, gid: null, size: 0, layer: null, target: null, change };
  const target = r.linkTarget === undefined ? null : r.type === 'hardlink' ? abs(r.linkTarget) : r.linkTarget;
  return { path: abs(path), type: r.type, mode: r.mode, uid: r.uid, gid: r.gid, size: r.size, layer: r.layer, target, change };
}

/** listMerged lists the merged filesystem under root ("" for everything). */
export function listMerged(layers: readonly (readonly LayerEntry[])[], root: string, what = 'the image'): ListedPath[] {
  return listMergedTree(mergeLayers(layers).tree, root, what);
}

function listMergedTree(tree: FileTree<MergedRecord>, root: string, what: string): ListedPath[] {
  const own = tree.get(root);
  if (root !== '' && own === undefined && !tree.hasChildren(root)) throw new WhittleError('not-found', `${abs(root)}: no such path in ${what}`);
  if (own !== undefined && own.type !== 'dir') return [fromRecord(root, own, null)];
  const paths: string[] = root === '' ? [] : [root];
  tree.descendants(root, (p) => paths.push(p));
  paths.sort(comparePaths);
  return paths.map((p) => fromRecord(p, tree.get(p), null));
}

/**
 * listLayer lists what layer `index` of the scanned layers writes under root, each entry with the
 * change it makes to the layers below: a whiteout is `deleted` (described by what it deleted), an
 * opaque directory `opaque`, a path the layers below had `modified`, any other `added`.
 */
export function listLayer(layers: readonly (readonly LayerEntry[])[], index: number, root: string, what = 'the image'): ListedPath[] {
  return listLayerOver(mergeLayers(layers.slice(0, index)).tree, layers[index]!, index, root, what);
}

function listLayerOver(below: FileTree<MergedRecord>, layerEntries: readonly LayerEntry[], index: number, root: string, what: string): ListedPath[] {
  const entries = layerEntries.filter((e) => under(e.path, root));
  if (entries.length === 0) throw new WhittleError('not-found', `${abs(root)}: layer ${index} of ${what} writes nothing there`);
  const out: ListedPath[] = [];
  for (const e of entries) {
    const before = below.get(e.path);
    if (e.whiteout === 'file') out.push({ ...fromRecord(e.path, before, 'deleted'), ...(before === undefined ? { type: null, size: null } : {}) });
    else if (e.whiteout === 'opaque') out.push({ ...fromRecord(e.path, undefined, 'opaque'), size: null, layer: index });
    else {
      const existed = before !== undefined || (e.type === 'dir' && below.hasChildren(e.path));
      const target = e.linkTarget === undefined ? null : e.type === 'hardlink' ? abs(e.linkTarget) : e.linkTarget;
      out.push({ path: abs(e.path), type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.type === 'file' ? e.size : 0, layer: index, target, change: existed ? 'modified' : 'added' });
    }
  }
  // an opaque marker sorts just before its directory's own entry; otherwise tree order
  const rank = (c: Change | null) => (c === 'opaque' ? 0 : 1);
  return out.sort((a, b) => comparePaths(a.path, b.path) || rank(a.change) - rank(b.change));
}

/**
 * listImage reads the layers a listing needs (all of them, or those up to --layer), two at a time,
 * and merges each as soon as the layers below it are merged, so that at most two layers' entries are
 * held besides the merged tree (a finished layer waits for its turn before its reader takes the next).
 */
export async function listImage(image: Image, opts: ListOptions = {}): Promise<Listing> {
  const root = normalizeLayerPath(opts.path ?? '/');
  const all = await image.layers();
  const index = opts.layer === undefined ? null : resolveLayer(opts.layer, all.length);
  const needed = index === null ? all : all.slice(0, index + 1);
  const merge = createMerge();
  const links = new HardLinkCheck();
  let top: LayerEntry[] = [];
  const merged = needed.map(() => deferred());
  let bytes = 0;
  let layersDone = 0;
  await mapLimit(needed, 2, async (layer, i) => {
    try {
      const { entries } = await scanLayer(layer, {
        what: `layer ${i + 1} of ${all.length}`,
        onBytes: (n) => {
          bytes += n;
          opts.onProgress?.({ bytes, layersDone, layers: needed.length });
        },
      });
      layersDone++;
      if (i > 0) await merged[i - 1]!.promise;
      links.layer(entries, `layer ${i + 1} of ${all.length}`);
      if (i === index) top = entries;
      else merge.add(entries);
      merged[i]!.resolve();
    } catch (err) {
      merged[i]!.reject(err);
      throw err;
    }
  });
  const what = opts.what ?? image.reference;
  const paths = index === null ? listMergedTree(merge.tree, root, what) : listLayerOver(merge.tree, top, index, root, what);
  return { layer: index, layers: all.length, paths };
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a failure is reported by the layer that failed
  return { promise, resolve, reject };
}

/** modeString renders a type and permission bits as ls does: `drwxr-xr-x`, `-rwsr-xr-x`, `lrwxrwxrwx`. */
export function modeString(type: EntryType | null, mode: number | null): string {
  const kind = { file: '-', hardlink: '-', dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p' } as const;
  if (type === null || mode === null) return `${type === null ? '?' : kind[type]}?????????`;
  const rwx = (shift: number, special: boolean, x: string, noX: string) =>
    `${mode & (4 << shift) ? 'r' : '-'}${mode & (2 << shift) ? 'w' : '-'}${mode & (1 << shift) ? (special ? x : 'x') : special ? noX : '-'}`;
  return kind[type] + rwx(6, (mode & 0o4000) !== 0, 's', 'S') + rwx(3, (mode & 0o2000) !== 0, 's', 'S') + rwx(0, (mode & 0o1000) !== 0, 't', 'T');
}
