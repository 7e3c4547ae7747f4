// squash merges the layers of an image from a given layer up into one, without a daemon: one
// header-only pass over every layer plans the merged layer (plan.ts), a second pass streams the
// surviving entries (headers re-encoded, content copied through) into a new blob on disk. Layers
// below the merged range are passed through untouched, keeping their digests. The result is an
// Image like any other, ready for any sink; call dispose() once it has been written.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import { scanImage } from '../analyze/run.js';
import type { Image, Layer } from '../image/image.js';
import type { TarHeader } from '../internal/tar-header.js';
import { TarParser } from '../internal/tar-parser.js';
import { toEntry } from '../layers/scan.js';
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

type Event = { kind: 'entry'; header: TarHeader } | { kind: 'data'; chunk: Uint8Array } | { kind: 'end' };

/** copyLayer streams one layer's tar and writes the entries the plan wants into writer. */
async function copyLayer(layer: Layer, index: number, plan: SquashPlan, writer: LayerWriter, onBytes: (n: number) => void): Promise<void> {
  const emit = plan.emit.get(index);
  const materialize = plan.materialize.get(index);
  const relink = plan.relink.get(index);
  const events: Event[] = [];
  const parser = new TarParser({
    entry: (header) => events.push({ kind: 'entry', header }),
    data: (chunk) => events.push({ kind: 'data', chunk }),
    entryEnd: () => events.push({ kind: 'end' }),
  });
  let ordinal = -1;
  let copying = false;
  const read = await layer.read();
  try {
    for await (const chunk of read.tar) {
      onBytes((chunk as Buffer).length);
      if (parser.done) continue;
      parser.write(chunk as Buffer);
      for (const ev of events) {
        if (ev.kind === 'entry') {
          const entry = toEntry(ev.header);
          copying = false;
          if (!entry || (entry.path === '' && entry.whiteout !== 'opaque')) continue;
          ordinal++;
          const type = OUT_TYPES[ev.header.kind];
          const target = materialize?.get(ordinal);
          if (target !== undefined) {
            await writer.header(outHeader(ev.header, target, 'file'));
            copying = true;
          } else if (emit?.has(ordinal) && type) {
            const linkname = type === 'hardlink' ? relink?.get(ordinal) ?? entry.linkTarget : type === 'symlink' ? ev.header.linkname : undefined;
            await writer.header(outHeader(ev.header, entry.path, type, linkname));
            copying = type === 'file';
          }
        } else if (ev.kind === 'data') {
          if (copying) await writer.data(ev.chunk);
        } else {
          copying = false;
        }
      }
      events.length = 0;
    }
    parser.end();
  } catch (err) {
    read.tar.destroy();
    await read.stats.catch(() => undefined);
    throw err instanceof WhittleError ? err : wrap(`layer ${index + 1}`, err);
  }
  await read.stats;
}

/** squash merges image's layers from opts.from up into one layer. */
export async function squash(image: Image, opts: SquashOptions = {}): Promise<SquashResult> {
  const from = opts.from ?? 0;
  const layers = await image.layers();

  const entries =
    opts.entries ??
    (await scanImage(image, { hashContents: false, onProgress: (p) => opts.onProgress?.({ phase: 'scan', bytes: p.bytes }) })).layers.map((l) => l.entries);
  if (entries.length !== layers.length) throw new WhittleError('usage', `squash got entry lists for ${entries.length} layers, the image has ${layers.length}`);
  const plan = planSquash(entries, from);

  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-squash-')).catch((err) => {
    throw wrap('creating a temporary directory', err);
  });
  const dispose = () => rm(dir, { recursive: true, force: true }).then(() => undefined);
  try {
    const writer = new LayerWriter(join(dir, 'layer'), { compression: opts.compression ?? 'gzip', ...(opts.level !== undefined ? { level: opts.level } : {}) });
    let written = 0;
    try {
      for (const w of plan.whiteouts) await writer.header(whiteoutHeader(w.path, w.opaque));
      for (const index of plan.read) {
        await copyLayer(layers[index]!, index, plan, writer, (n) => {
          written += n;
          opts.onProgress?.({ phase: 'write', bytes: written });
        });
      }
    } catch (err) {
      writer.abort();
      throw err;
    }
    const layer = await writer.finish();

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
