// scanLayer streams one layer once: the blob is hashed and its digest checked, decompressed
// (compression sniffed), the tar bytes hashed for the diffId, and each tar entry normalized into a
// LayerEntry (whiteouts decoded, paths cleaned, hard links resolved to paths, contents hashed on
// request). Memory holds entry metadata only, never file content.
import { createHash, type Hash } from 'node:crypto';
import { WhittleError, describeCause } from '../errors.js';
import type { CheckedTar, Layer, LayerStats, LocalLayer, LocalRead } from '../image/image.js';
import { normalizeLayerPath } from '../internal/paths.js';
import type { TarHeader } from '../internal/tar-header.js';
import { TarParser } from '../internal/tar-parser.js';
import type { EntryType, LayerEntry } from './entry.js';

export interface ScanOptions {
  /** hashContents fills LayerEntry.contentDigest for regular files (costs one more sha256 pass): all of them, or those whose paths are in the set. */
  hashContents?: boolean | ReadonlySet<string>;
  /** onBytes is called with the number of uncompressed bytes as they pass, for progress. */
  onBytes?: (bytes: number) => void;
  /** what names the layer in error messages. */
  what?: string;
  /** layer is the index of the layer in its image, recorded on every entry (LayerEntry.layer). */
  layer?: number;
  /**
   * tee receives every chunk of the tar as it passes (minify spools and reads files with it). It
   * runs synchronously and must copy what it keeps: the chunk is valid only during the call (a
   * local layer is read into memory that is filled again, src/image/partial/direct-read.ts).
   */
  tee?: (chunk: Buffer) => void;
}

export interface LayerScan {
  entries: LayerEntry[];
  stats: LayerStats;
  /**
   * for a layer read from a local file by offset (src/image/partial/direct-read.ts) that did not change while it was
   * read: the file, and where each entry's content starts in the tar (contentAt[k] for entries[k]),
   * so a second look at a few files reads only their bytes (digestContents).
   */
  local?: { file: CheckedTar; contentAt: number[] };
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const AUFS_META = '.wh..wh.';

const TYPES: Partial<Record<TarHeader['kind'], EntryType>> = {
  file: 'file',
  dir: 'dir',
  symlink: 'symlink',
  hardlink: 'hardlink',
  char: 'char',
  block: 'block',
  fifo: 'fifo',
};

/** toEntry normalizes one tar header; it returns null for entries whittle skips (AUFS metadata, the root). */
export function toEntry(h: TarHeader, layer?: number): LayerEntry | null {
  const type = TYPES[h.kind];
  if (!type) return null;
  const path = normalizeLayerPath(h.name);
  if (path === '') return null;
  // split only the names that hold a whiteout marker (few): no arrays or strings per ordinary entry
  if (path.includes(WHITEOUT)) return whiteoutEntry(h, path, type, layer);
  return plainEntry(h, path, type, layer);
}

/** whiteoutEntry decodes a path holding `.wh.`: a whiteout, an opaque marker, AUFS metadata (skipped), or a plain entry. */
function whiteoutEntry(h: TarHeader, path: string, type: EntryType, layer: number | undefined): LayerEntry | null {
  const parts = path.split('/');
  if (parts.some((p) => p.startsWith(AUFS_META) && p !== OPAQUE)) return null;
  const base = parts[parts.length - 1]!;
  const dir = parts.slice(0, -1).join('/');
  const common = { mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, mtime: h.mtime, layer };
  if (base === OPAQUE) {
    if (dir === '') return { path: '', type: 'dir', size: 0, ...common, whiteout: 'opaque' };
    return { path: dir, type: 'dir', size: 0, ...common, whiteout: 'opaque' };
  }
  if (base.startsWith(WHITEOUT)) {
    const target = base.slice(WHITEOUT.length);
    if (target === '' || target === '.' || target === '..') {
      throw new WhittleError('unsafe-path', `layer entry ${JSON.stringify(h.name)} is a malformed whiteout`);
    }
    return { path: dir ? `${dir}/${target}` : target, type: 'file', size: 0, ...common, whiteout: 'file' };
  }
  return plainEntry(h, path, type, layer);
}

/** plainEntry is the LayerEntry of an ordinary (not whiteout) header. */
function plainEntry(h: TarHeader, path: string, type: EntryType, layer: number | undefined): LayerEntry {
  // every field the entry may get is in the literal, so all entries share one shape and none grows later
  const entry: LayerEntry = {
    path, type, size: type === 'file' ? h.size : 0, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, mtime: h.mtime,
    linkTarget: undefined, contentDigest: undefined, layer,
  };
  if (type === 'symlink') entry.linkTarget = h.linkname;
  if (type === 'hardlink') {
    const target = normalizeLayerPath(h.linkname);
    if (target === '') throw new WhittleError('unsafe-path', `hard link ${JSON.stringify(path)} points at the root`);
    entry.linkTarget = target;
  }
  if (h.xattrs) entry.xattrs = h.xattrs;
  return entry;
}

/** scanLayer reads a layer once and returns its entries (in tar order) and verified stats. */
export async function scanLayer(layer: Layer, opts: ScanOptions = {}): Promise<LayerScan> {
  const what = opts.what ?? `layer ${await layer.digest().catch(() => '?')}`;
  const entries: LayerEntry[] = [];
  const contentAt: number[] = [];
  let current: LayerEntry | null = null;
  let hash: Hash | null = null;
  const parser = new TarParser({
    entry(h) {
      current = toEntry(h, opts.layer);
      if (current) {
        // `dir/.wh..wh..opq` at the root hides everything below (path "")
        if (current.path !== '' || current.whiteout === 'opaque') {
          entries.push(current);
          contentAt.push(parser.contentOffset);
        }
      }
      const wanted = opts.hashContents === true || (opts.hashContents instanceof Set && current !== null && opts.hashContents.has(current.path));
      hash = wanted && current?.type === 'file' && !current.whiteout ? createHash('sha256') : null;
    },
    // content is looked at only when it is hashed: without a data handler the parser makes no view per file
    ...(opts.hashContents ? { data: (chunk: Uint8Array) => hash?.update(chunk) } : {}),
    entryEnd() {
      if (hash && current) current.contentDigest = `sha256:${hash.digest('hex')}`;
      hash = null;
      current = null;
    },
  });
  // an uncompressed blob in a local file is read by offset, hashed on another core (src/image/partial/direct-read.ts)
  const local = (layer as Partial<LocalLayer>).readLocal?.bind(layer);
  if (local) {
    let read: LocalRead | null;
    try {
      const tee = opts.tee;
      read = await local(
        tee
          ? (chunk: Uint8Array) => {
              if (!parser.done) parser.write(chunk);
              tee(chunk as Buffer);
            }
          : (chunk: Uint8Array) => void (parser.done || parser.write(chunk)),
        opts.onBytes,
      );
      if (read) parser.end();
    } catch (err) {
      throw layerError(what, err);
    }
    if (read) return { entries, stats: read.stats, ...(read.file ? { local: { file: read.file, contentAt } } : {}) };
  }
  const read = await layer.read();
  // A parse error is reported only after the rest of the blob was hashed: when the blob does not
  // match its digest, that is the real problem and the better message.
  let parseError: unknown = null;
  try {
    for await (const chunk of read.tar) {
      if (!parser.done && parseError === null) {
        try {
          parser.write(chunk as Buffer);
        } catch (err) {
          parseError = err;
        }
      }
      opts.onBytes?.((chunk as Buffer).length);
      opts.tee?.(chunk as Buffer);
    }
    if (parseError === null) parser.end();
  } catch (err) {
    read.tar.destroy();
    throw layerError(what, err);
  }
  if (parseError !== null) {
    await read.stats.catch((err) => {
      throw layerError(what, err);
    });
    throw layerError(what, parseError);
  }
  const stats = await read.stats;
  return { entries, stats };
}

/**
 * digestContents fills in the content digest of the regular files of a scanned layer whose paths
 * are in paths, reading only their bytes from the file the scan checked; false when the scan was
 * not a local read or the file has changed since (then the layer must be scanned again whole).
 */
export async function digestContents(scan: LayerScan, paths: ReadonlySet<string>): Promise<boolean> {
  if (!scan.local) return false;
  const files: LayerEntry[] = [];
  const ranges: { offset: number; size: number }[] = [];
  scan.entries.forEach((e, k) => {
    if (e.type !== 'file' || e.whiteout || !paths.has(e.path)) return;
    files.push(e);
    ranges.push({ offset: scan.local!.contentAt[k]!, size: e.size });
  });
  const digests = await scan.local.file.digestAt(ranges);
  if (digests === null) return false;
  files.forEach((e, i) => (e.contentDigest = digests[i]!));
  return true;
}

function layerError(what: string, err: unknown): WhittleError {
  if (err instanceof WhittleError) {
    return err.message.startsWith('layer') ? err : new WhittleError(err.code, `${what}: ${err.message}`, { cause: err });
  }
  return new WhittleError('io', `${what}: ${describeCause(err)}`, { cause: err });
}
