// Writes the closure as one layer: every kept path once, sorted by path (hard links last, each after
// its target), with the metadata of its final version (mode, owner, mtime, extended attributes
// from the layer entry that made it) and its content copied from that layer. Contents are read in
// one pass over each contributing layer into a spool file on disk (the order of layers is not the
// order of paths), then copied into the new layer in path order: the same image gives the same bytes.
import { readUntil } from './read-until.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { FinalTree } from '../analyze/resolve.js';
import { WhittleError, wrap } from '../errors.js';
import type { Image } from '../image/image.js';
import type { OutHeader } from '../internal/tar-encode.js';
import { TarParser } from '../internal/tar-parser.js';
import type { LayerEntry } from '../layers/entry.js';
import { toEntry } from '../layers/scan.js';
import { LayerWriter, type LayerCompression, type WrittenLayer } from '../rewrite/layer-writer.js';
import { sourceOf } from './facts.js';

export interface ClosureLayerOptions {
  compression: LayerCompression;
  /** where the layer file goes (its directory must exist) and the room left before the blob. */
  file: string;
  reserve?: number;
  spoolDir: string;
  onBytes?: (n: number) => void;
  /** per layer, the paths its tar holds more than once (facts.ts repeatedPaths): a layer holding a wanted one is read to its end. */
  repeated?: readonly ReadonlySet<string>[];
}

type Span = { offset: number; size: number };

/**
 * spoolContents copies the content of each wanted (layer, path) into one file, returning where each
 * landed. Each piece is written at once, from the parser's own view of the chunk (writes to the page
 * cache are cheap; a write stream would copy every piece and queue up to its high-water mark).
 */
async function spoolContents(image: Image, wanted: Map<number, Set<string>>, file: string, onBytes: (n: number) => void, repeated: readonly ReadonlySet<string>[]): Promise<Map<string, Span>> {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    throw wrap(`writing ${file}`, err);
  }
  const spans = new Map<string, Span>();
  let offset = 0;
  const layers = await image.layers();
  try {
    for (const [index, paths] of [...wanted].sort((a, b) => a[0] - b[0])) {
      let current: string | null = null;
      // the layer is read until every wanted path has ended (the scan verified it whole); not when one is in the tar twice
      const stopEarly = ![...paths].some((p) => repeated[index]?.has(p));
      let ended = 0;
      const parser = new TarParser({
        entry: (h) => {
          const e = toEntry(h);
          current = e && e.type === 'file' && !e.whiteout && paths.has(e.path) ? `${index}\0${e.path}` : null;
          if (current !== null) spans.set(current, { offset, size: 0 });
        },
        data: (c) => {
          if (current === null) return;
          try {
            for (let off = 0; off < c.length; ) off += writeSync(fd, c, off, c.length - off, offset + off);
          } catch (err) {
            throw wrap(`writing ${file}`, err);
          }
          offset += c.length;
          spans.get(current)!.size += c.length;
        },
        entryEnd: () => {
          if (current !== null) ended++;
          current = null;
        },
      });
      await readUntil(layers[index]!, index, onBytes, {
        feed: (chunk) => {
          if (!parser.done) parser.write(chunk);
        },
        done: () => stopEarly && ended >= paths.size,
        end: () => parser.end(),
      });
      for (const p of paths) if (!spans.has(`${index}\0${p}`)) throw new WhittleError('bad-archive', `layer ${index + 1} does not hold /${p}`);
    }
  } finally {
    closeSync(fd);
  }
  return spans;
}

function headerOf(path: string, entry: LayerEntry | undefined, fallback: { type: OutHeader['type']; mode: number; uid: number; gid: number }): OutHeader {
  const type = fallback.type;
  const h: OutHeader = {
    name: type === 'dir' ? `${path}/` : path,
    type,
    mode: entry?.mode ?? fallback.mode,
    uid: entry?.uid ?? fallback.uid,
    gid: entry?.gid ?? fallback.gid,
    size: 0,
    mtime: entry?.mtime ?? 0,
  };
  if (entry?.xattrs) h.xattrs = entry.xattrs;
  return h;
}

/** writeClosureLayer writes the kept paths (and the directories to create) as one layer. */
export async function writeClosureLayer(
  image: Image,
  entries: readonly (readonly LayerEntry[])[],
  tree: FinalTree,
  kept: readonly string[],
  created: ReadonlyMap<string, number>,
  opts: ClosureLayerOptions,
): Promise<WrittenLayer> {
  const [layer] = await writeClosureLayers(image, entries, tree, [kept], created, { ...opts, files: [opts.file] });
  return layer!;
}

/**
 * writeClosureLayers writes each part of the kept paths as its own layer (into opts.files, in
 * order), reading every content once: `--split` writes the system files and the app this way. A
 * hard link stays a link only when its target is in the same part.
 */
export async function writeClosureLayers(
  image: Image,
  entries: readonly (readonly LayerEntry[])[],
  tree: FinalTree,
  parts: readonly (readonly string[])[],
  created: ReadonlyMap<string, number>,
  opts: Omit<ClosureLayerOptions, 'file'> & { files: readonly string[] },
): Promise<WrittenLayer[]> {
  const keptSet = new Set(parts.flat());
  // the entry that made each kept path's final version, for its metadata
  const made = new Map<string, LayerEntry>();
  entries.forEach((list, layer) => {
    for (const e of list) {
      if (e.whiteout || !keptSet.has(e.path)) continue;
      if (tree.get(e.path)?.layer === layer) made.set(e.path, e);
    }
  });
  // content to read; a hard link whose target is kept in its part with the same content stays a link, else it carries the content
  const wanted = new Map<number, Set<string>>();
  const links = new Map<string, string>();
  const contentOf = new Map<string, string>();
  for (const part of parts) {
    const inPart = new Set(part);
    for (const path of part) {
      const r = tree.get(path);
      if (!r) continue;
      if (r.type === 'hardlink' && r.linkTarget !== undefined) {
        const target = tree.get(r.linkTarget);
        if (inPart.has(r.linkTarget) && target?.type === 'file' && target.layer === r.layer) {
          links.set(path, r.linkTarget);
          continue;
        }
      }
      const src = sourceOf(tree, path);
      if (!src) continue;
      let set = wanted.get(src.layer);
      if (!set) wanted.set(src.layer, (set = new Set()));
      set.add(src.path);
      contentOf.set(path, `${src.layer}\0${src.path}`);
    }
  }
  const spoolFile = join(opts.spoolDir, 'contents');
  const spans = await spoolContents(image, wanted, spoolFile, opts.onBytes ?? (() => undefined), opts.repeated ?? []);
  const spool = await open(spoolFile, 'r');
  try {
    const out: WrittenLayer[] = [];
    for (const [i, part] of parts.entries()) out.push(await writePart(part, opts.files[i]!));
    return out;
  } finally {
    await spool.close();
  }

  async function writePart(kept: readonly string[], file: string): Promise<WrittenLayer> {
    const writer = new LayerWriter(file, { compression: opts.compression, ...(opts.reserve !== undefined ? { reserve: opts.reserve } : {}) });
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      const put = async (h: OutHeader) => {
        writer.header(h);
        const ready = writer.ready();
        if (ready) await ready;
      };
      for (const path of kept) {
        if (links.has(path)) continue;
        const r = tree.get(path);
        const e = made.get(path);
        if (!r) {
          const mode = created.get(path);
          if (mode !== undefined) await put(headerOf(path, undefined, { type: 'dir', mode, uid: 0, gid: 0 }));
          continue;
        }
        const key = contentOf.get(path);
        if (key !== undefined) {
          const span = spans.get(key)!;
          await put({ ...headerOf(path, e, { type: 'file', mode: r.mode, uid: r.uid, gid: r.gid }), size: span.size });
          for (let done = 0; done < span.size; ) {
            const { bytesRead } = await spool.read(buf, 0, Math.min(buf.length, span.size - done), span.offset + done);
            if (bytesRead === 0) throw new WhittleError('io', `${spoolFile}: ended early`);
            writer.data(buf.subarray(0, bytesRead)); // copied into the writer's own buffer at once
            done += bytesRead;
            const ready = writer.ready();
            if (ready) await ready;
          }
          continue;
        }
        if (r.type === 'file' || r.type === 'hardlink') continue; // no content source: cannot happen (sourceOf covers both)
        const h = headerOf(path, e, { type: r.type, mode: r.mode, uid: r.uid, gid: r.gid });
        if (r.type === 'symlink') h.linkname = r.linkTarget ?? '';
        await put(h);
      }
      for (const path of kept) {
        const target = links.get(path);
        if (target === undefined) continue;
        const r = tree.get(path)!;
        await put({ ...headerOf(path, made.get(path), { type: 'hardlink', mode: r.mode, uid: r.uid, gid: r.gid }), linkname: target });
      }
      return await writer.finish();
    } catch (err) {
      writer.abort();
      throw err;
    }
  }
}
