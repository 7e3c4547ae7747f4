// squash merges the layers of an image from a given layer up into one, without a daemon: one
// header-only pass over every layer plans the merged layer (plan.ts), a second pass streams the
// surviving entries (headers re-encoded, content copied through) into a new blob on disk. Layers
// below the merged range are passed through untouched, keeping their digests. The result is an
// Image like any other, ready for any sink; call dispose() once it has been written.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import { scanImage } from '../analyze/run.js';
import { digestOf, type Digest } from '../image/digest.js';
import type { Image, Layer } from '../image/image.js';
import { MediaType } from '../image/mediatypes.js';
import { fromManifest } from '../image/partial/index.js';
import type { Descriptor, HistoryEntry, Manifest } from '../image/spec.js';
import type { TarHeader } from '../internal/tar-header.js';
import { TarParser } from '../internal/tar-parser.js';
import { toEntry } from '../layers/scan.js';
import { ociLayerType } from '../sinks/oci-documents.js';
import { LayerWriter, type LayerCompression, type WrittenLayer } from './layer-writer.js';
import { planSquash, type SquashPlan } from './plan.js';
import type { OutHeader, OutType } from './tar-encode.js';

export interface SquashOptions {
  /** first layer (0-based) of the merged range; layers below it are kept as they are. Default 0. */
  from?: number;
  /** compression of the merged layer; default gzip. */
  compression?: LayerCompression;
  /** gzip level 1–9. */
  level?: number;
  /** where the merged layer is spooled (default the system temp directory). */
  tmpDir?: string;
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

function whiteoutHeader(path: string, opaque: boolean): OutHeader {
  const slash = path.lastIndexOf('/');
  const name = opaque ? (path === '' ? '.wh..wh..opq' : `${path}/.wh..wh..opq`) : slash < 0 ? `.wh.${path}` : `${path.slice(0, slash)}/.wh.${path.slice(slash + 1)}`;
  return { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 };
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

/** rewriteHistory marks the merged layers' history entries empty and adds one for the merged layer. */
export function rewriteHistory(history: HistoryEntry[] | undefined, from: number, entry: HistoryEntry): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let layer = 0;
  for (const h of history ?? []) {
    if (h.empty_layer === true) out.push(h);
    else {
      out.push(layer >= from ? { ...h, empty_layer: true } : h);
      layer++;
    }
  }
  // a history shorter than the layer list: keep the config consistent (one non-empty entry per layer)
  while (layer < from) {
    out.push({ created_by: 'unknown (no history)', comment: 'whittle: history entry added for a layer that had none' });
    layer++;
  }
  out.push(entry);
  return out;
}

/** squash merges image's layers from opts.from up into one layer. */
export async function squash(image: Image, opts: SquashOptions = {}): Promise<SquashResult> {
  const from = opts.from ?? 0;
  const layers = await image.layers();
  const rawConfig = JSON.parse(Buffer.from(await image.rawConfig()).toString('utf8')) as Record<string, unknown> & {
    rootfs: { type: string; diff_ids: Digest[] };
    history?: HistoryEntry[];
    created?: string;
  };
  const sourceManifest: Manifest = await image.manifest();

  let scanned = 0;
  const input = await scanImage(image, {
    hashContents: false,
    onProgress: (p) => {
      scanned = p.bytes;
      opts.onProgress?.({ phase: 'scan', bytes: scanned });
    },
  });
  const plan = planSquash(input.layers.map((l) => l.entries), from);

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

    const kept = input.layers.slice(0, from);
    const baseDescriptors: Descriptor[] = sourceManifest.layers.slice(0, from).map((d, i) => ({
      mediaType: ociLayerType(d.mediaType),
      digest: kept[i]!.stats.digest,
      size: kept[i]!.stats.size,
      ...(d.urls ? { urls: d.urls } : {}),
      ...(d.annotations ? { annotations: d.annotations } : {}),
    }));
    const layerDescriptor: Descriptor = { mediaType: layer.mediaType, digest: layer.digest, size: layer.size };
    const merged = layers.length - from;
    const createdBy =
      opts.createdBy ?? (from === 0 ? `whittle squash: ${merged} layers merged into one` : `whittle squash: layers ${from + 1}–${layers.length} merged into one`);
    const config = {
      ...rawConfig,
      rootfs: { type: 'layers', diff_ids: [...kept.map((l) => l.stats.diffId), layer.diffId] },
      history: rewriteHistory(rawConfig.history, from, {
        ...(rawConfig.created ? { created: rawConfig.created } : {}),
        created_by: createdBy,
        comment: 'whittle',
      }),
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: digestOf(configBytes), size: configBytes.length };
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: configDescriptor,
      layers: [...baseDescriptors, layerDescriptor],
      ...(sourceManifest.annotations ? { annotations: sourceManifest.annotations } : {}),
    };
    const byDigest = new Map<string, Layer>();
    kept.forEach((l, i) => byDigest.set(l.stats.digest, layers[i]!));
    const squashed = fromManifest({
      reference: `squashed ${image.reference}`,
      rawManifest: Buffer.from(JSON.stringify(manifest)),
      tags: await image.tags(),
      store: {
        async openBlob(d) {
          if (d.digest === layer.digest) return createReadStream(layer.file);
          const source = byDigest.get(d.digest);
          if (!source) throw new WhittleError('missing-blob', `squashed image has no blob ${d.digest}`);
          return source.compressed();
        },
        async readBlob(d) {
          if (d.digest !== configDescriptor.digest) throw new WhittleError('missing-blob', `squashed image has no document ${d.digest}`);
          return configBytes;
        },
      },
    });
    return { image: squashed, plan, layer, merged, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
