// squash merges the layers of an image from a given layer up into one, without a daemon: one
// verified pass over every layer lists its entries and spools the tars to merge (uncompressed, on
// disk: as much temporary space as those layers' tars), the plan (plan.ts) decides what survives,
// and a second pass streams the surviving entries from the spools (headers re-encoded, content
// copied through) into a new blob on disk. Layers
// below the merged range are passed through untouched, keeping their digests. The result is an
// Image like any other, ready for any sink; call dispose() once it has been written.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import type { Image, Layer } from '../image/image.js';
import type { TarHeader } from '../internal/tar-header.js';
import { TarParser } from '../internal/tar-parser.js';
import { scanLayer, toEntry } from '../layers/scan.js';
import { mapLimit } from '../internal/concurrency.js';
import { LayerWriter, type LayerCompression, type WrittenLayer } from './layer-writer.js';
import { replaceTop } from './mutate.js';
import { planSquash, type SquashPlan } from './plan.js';
import { whiteoutHeader, type OutHeader, type OutType } from './tar-encode.js';
import type { LayerEntry } from '../layers/entry.js';

export interface SquashOptions {
  /** first layer (0-based) of the merged range; layers below it are kept as they are. Default 0. */
  from?: number;
  /** compression of the merged layer; default gzip. */
  compression?: LayerCompression;
  /** gzip level 1–9. */
  level?: number;
  /** where the merged layer is spooled (default the system temp directory). */
  tmpDir?: string;
  /** entry lists of every layer from an earlier scan (analyze, strip): skips the planning pass. */
  entries?: readonly (readonly LayerEntry[])[];
  /** what to write into the history entry of the merged layer. */
  createdBy?: string;
  /** progress: uncompressed bytes read in each pass. */
  onProgress?: (p: { phase: 'scan' | 'write'; bytes: number }) => void;
}

export interface SquashResult {
  image: Image;
  plan: SquashPlan;
  layer: WrittenLayer;
  /** layers merged (from..end) into one. */
  merged: number;
  /** removes the spooled layer; call after the image was written. */
  dispose(): Promise<void>;
}

const OUT_TYPES: Partial<Record<TarHeader['kind'], OutType>> = {
  file: 'file', dir: 'dir', symlink: 'symlink', hardlink: 'hardlink', char: 'char', block: 'block', fifo: 'fifo',
};

function outHeader(h: TarHeader, path: string, type: OutType, linkname?: string): OutHeader {
  const out: OutHeader = {
    name: type === 'dir' ? `${path}/` : path,
    type,
    mode: h.mode & 0o7777,
    uid: h.uid,
    gid: h.gid,
    size: type === 'file' ? h.size : 0,
    mtime: h.mtime,
  };
  if (linkname !== undefined) out.linkname = linkname;
  if (h.uname) out.uname = h.uname;
  if (h.gname) out.gname = h.gname;
  if (h.devmajor !== undefined) out.devmajor = h.devmajor;
  if (h.devminor !== undefined) out.devminor = h.devminor;
  if (h.xattrs) out.xattrs = h.xattrs;
  return out;
}

/** TarSource is one layer's uncompressed tar: a verified read of the layer, or its spool from the planning pass. */
interface TarSource {
  tar: Readable;
  /** settles once the tar has been read and checked. */
  done: Promise<unknown>;
}

async function openTar(layer: Layer, spool: string | undefined): Promise<TarSource> {
  if (spool === undefined) {
    const read = await layer.read();
    return { tar: read.tar, done: read.stats };
  }
  const tar = createReadStream(spool, { highWaterMark: 4 << 20 });
  return { tar, done: Promise.resolve() };
}

/** copyLayer streams one layer's tar and writes the entries the plan wants into writer. */
async function copyLayer(source: TarSource, index: number, plan: SquashPlan, writer: LayerWriter, onBytes: (n: number) => void): Promise<void> {
  const emit = plan.emit.get(index);
  const materialize = plan.materialize.get(index);
  const relink = plan.relink.get(index);
  let ordinal = -1;
  let copying = false;
  // The handlers write straight into the writer's buffers; the loop waits for it between chunks.
  const parser = new TarParser({
    entry: (header) => {
      const entry = toEntry(header);
      copying = false;
      if (!entry || (entry.path === '' && entry.whiteout !== 'opaque')) return;
      ordinal++;
      const type = OUT_TYPES[header.kind];
      const target = materialize?.get(ordinal);
      if (target !== undefined) {
        writer.header(outHeader(header, target, 'file'));
        copying = true;
      } else if (emit?.has(ordinal) && type) {
        const linkname = type === 'hardlink' ? relink?.get(ordinal) ?? entry.linkTarget : type === 'symlink' ? header.linkname : undefined;
        writer.header(outHeader(header, entry.path, type, linkname));
        copying = type === 'file';
      }
    },
    data: (chunk) => {
      if (copying) writer.data(chunk);
    },
    entryEnd: () => {
      copying = false;
    },
  });
  const read = source;
  try {
    for await (const chunk of read.tar) {
      onBytes((chunk as Buffer).length);
      if (parser.done) continue;
      parser.write(chunk as Buffer);
      const ready = writer.ready();
      if (ready) await ready;
    }
    parser.end();
  } catch (err) {
    read.tar.destroy();
    await read.done.catch(() => undefined);
    throw err instanceof WhittleError ? err : wrap(`layer ${index + 1}`, err);
  }
  await read.done;
}

/**
 * scanAndSpool is the planning pass: every layer is read once (two at a time) and fully verified,
 * its entries listed, and the tars of the compressed layers to merge spooled uncompressed into dir,
 * so the copying pass neither decompresses nor hashes them again (plain tars are read again).
 */
async function scanAndSpool(layers: Layer[], from: number, dir: string, onBytes: (n: number) => void): Promise<{ entries: LayerEntry[][]; spools: Map<number, string> }> {
  const spools = new Map<number, string>();
  const entries = await mapLimit(layers, 2, async (layer, i) => {
    const what = `layer ${i + 1} of ${layers.length}`;
    // a plain tar is as cheap to read again as a spool would be: spool only compressed layers
    const plain = (await layer.mediaType()).endsWith('.tar');
    if (i < from || plain) return (await scanLayer(layer, { what, onBytes })).entries;
    const path = join(dir, `tar-${i}`);
    const spool = createWriteStream(path, { flags: 'wx', highWaterMark: 1 << 20 });
    const spoolFailed = new Promise<never>((_, reject) => spool.once('error', (err) => reject(wrap(`spooling ${what}`, err))));
    spoolFailed.catch(() => undefined);
    try {
      const scan = await scanLayer(layer, {
        what,
        onBytes,
        tee: (chunk) => (spool.write(chunk) ? undefined : Promise.race([once(spool, 'drain').then(() => undefined), spoolFailed])),
      });
      spool.end();
      await Promise.race([finished(spool), spoolFailed]);
      spools.set(i, path);
      return scan.entries;
    } catch (err) {
      spool.destroy();
      throw err;
    }
  });
  return { entries, spools };
}

/** squash merges image's layers from opts.from up into one layer. */
export async function squash(image: Image, opts: SquashOptions = {}): Promise<SquashResult> {
  const from = opts.from ?? 0;
  const layers = await image.layers();

  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-squash-')).catch((err) => {
    throw wrap('creating a temporary directory', err);
  });
  const dispose = () => rm(dir, { recursive: true, force: true }).then(() => undefined);
  try {
    let scanned = 0;
    const { entries, spools } = opts.entries
      ? { entries: opts.entries, spools: new Map<number, string>() }
      : await scanAndSpool(layers, from, dir, (n) => {
          scanned += n;
          opts.onProgress?.({ phase: 'scan', bytes: scanned });
        });
    if (entries.length !== layers.length) throw new WhittleError('usage', `squash got entry lists for ${entries.length} layers, the image has ${layers.length}`);
    const plan = planSquash(entries, from);

    const writer = new LayerWriter(join(dir, 'layer'), { compression: opts.compression ?? 'gzip', ...(opts.level !== undefined ? { level: opts.level } : {}) });
    let written = 0;
    try {
      for (const w of plan.whiteouts) {
        writer.header(whiteoutHeader(w.path, w.opaque));
        const ready = writer.ready();
        if (ready) await ready;
      }
      for (const index of plan.read) {
        await copyLayer(await openTar(layers[index]!, spools.get(index)), index, plan, writer, (n) => {
          written += n;
          opts.onProgress?.({ phase: 'write', bytes: written });
        });
      }
    } catch (err) {
      writer.abort();
      throw err;
    }
    const layer = await writer.finish();
    await Promise.all([...spools.values()].map((p) => rm(p, { force: true })));

    const merged = layers.length - from;
    const createdBy =
      opts.createdBy ?? (from === 0 ? `whittle squash: ${merged} layers merged into one` : `whittle squash: layers ${from + 1}–${layers.length} merged into one`);
    const squashed = await replaceTop(image, from, layer, { created_by: createdBy, comment: 'whittle' }, `squashed ${image.reference}`);
    return { image: squashed, plan, layer, merged, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
