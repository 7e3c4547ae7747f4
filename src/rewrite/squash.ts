// squash merges the layers of an image from a given layer up into one, without a daemon. By
// default in one pass (squash-stream.ts): layers are read top down, once each, and what survives is
// written as it passes, so nothing is spooled. Given the entry lists of an earlier scan (strip), it
// plans first (plan.ts) and reads only the layers that contribute. Headers are re-encoded, content
// copied through, into a new blob on disk (layer-writer.ts). Layers below the merged range are
// passed through untouched, keeping their digests. The result is an Image like any other, ready
// for any sink; call dispose() once it has been written.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import { siblingTemp } from '../internal/atomic.js';
import { registerTemporary, unregisterTemporary } from '../internal/cleanup.js';
import { testPause } from '../internal/test-pause.js';
import type { Image, Layer } from '../image/image.js';
import { toEntry } from '../layers/scan.js';
import { LayerWriter, type LayerCompression, type WrittenLayer } from './layer-writer.js';
import { replaceTop } from './mutate.js';
import { planSquash, type SquashPlan } from './plan.js';
import { readLayer, streamSquash } from './squash-stream.js';
import { expansionWatch, type ExpansionLimits, type LayerWatch } from './expansion.js';
import { parentOf } from '../analyze/path-tree.js';
import { whiteoutHeader } from '../internal/tar-encode.js';
import { dirHeader, outHeader, OUT_TYPES } from './out-header.js';
import type { LayerEntry } from '../layers/entry.js';

export interface SquashOptions {
  /** first layer (0-based) of the merged range; layers below it are kept as they are. Default 0. */
  from?: number;
  /** compression of the merged layer; default gzip. */
  compression?: LayerCompression;
  /** gzip level 1–9. */
  level?: number;
  /** temporary directory for the merged layer (default the system temp directory). */
  tmpDir?: string;
  /** where the merged layer's file goes (default tmpDir): next to the output, a sink can move it into place. */
  layerDir?: string;
  /** bytes left free before the merged blob in its file (512: room for an archive's tar header). */
  reserve?: number;
  /** entry lists of every layer from an earlier scan (analyze, strip): skips the planning pass. */
  entries?: readonly (readonly LayerEntry[])[];
  /** what to write into the history entry of the merged layer. */
  createdBy?: string;
  /** the most bytes the merged layer may take on disk (--max-output): past it, squash fails with a
   *  'limit' error and removes what it wrote. Default: no limit. */
  maxOutput?: number;
  /** told once of each layer that expands past the limits of expansion.ts (default 100× and 1 GiB). */
  onWarning?: (message: string) => void;
  /** the expansion limits onWarning is told at (default EXPANSION_RATIO, EXPANSION_FLOOR). */
  expansion?: ExpansionLimits;
  /** progress: uncompressed bytes read in each pass. */
  onProgress?: (p: { phase: 'scan' | 'write'; bytes: number }) => void;
}

/** What a squash did: the whiteouts it wrote for a kept base, and the file-content bytes before and after. */
export type SquashOutcome = Pick<SquashPlan, 'from' | 'whiteouts' | 'bytesIn' | 'bytesOut'>;

export interface SquashResult {
  image: Image;
  plan: SquashOutcome;
  layer: WrittenLayer;
  /** layers merged (from..end) into one. */
  merged: number;
  /** removes the spooled layer; call after the image was written. */
  dispose(): Promise<void>;
}

/**
 * writeBaseWhiteouts ends a one-pass merged layer with the whiteouts for kept base layers. A
 * whiteout at the end would also delete what this layer put below its path (only possible when a
 * layer added files under a path it never created as a directory): such a path gets an opaque
 * marker instead, which hides the base's contents but keeps this layer's.
 */
async function writeBaseWhiteouts(writer: LayerWriter, whiteouts: SquashPlan['whiteouts'], emitted: ReadonlySet<string>): Promise<void> {
  if (whiteouts.length === 0) return;
  const parents = new Set<string>();
  for (const path of emitted) for (let p = parentOf(path); p !== '' && !parents.has(p); p = parentOf(p)) parents.add(p);
  for (const w of whiteouts) {
    writer.header(whiteoutHeader(w.path, w.opaque || parents.has(w.path)));
    const ready = writer.ready();
    if (ready) await ready;
  }
}

/** copyLayer streams one layer's tar and writes the entries the plan wants into writer. */
async function copyLayer(layer: Layer, index: number, plan: SquashPlan, writer: LayerWriter, onBytes: (n: number) => void, watch?: LayerWatch): Promise<void> {
  const emit = plan.emit.get(index);
  const materialize = plan.materialize.get(index);
  const relink = plan.relink.get(index);
  const implied = plan.implied.get(index);
  let ordinal = -1;
  // written straight into the writer's buffers; readLayer waits for it between chunks
  await readLayer(layer, `layer ${index + 1}`, onBytes, writer, (header) => {
    const entry = toEntry(header);
    if (!entry || (entry.path === '' && entry.whiteout !== 'opaque')) return false;
    ordinal++;
    for (const dir of implied?.get(ordinal) ?? []) writer.header(dirHeader(dir));
    const type = OUT_TYPES[header.kind];
    const target = materialize?.get(ordinal);
    if (target !== undefined) {
      writer.header(outHeader(header, target, 'file'));
      return true;
    }
    if (!emit?.has(ordinal) || !type) return false;
    const linkname = type === 'hardlink' ? relink?.get(ordinal) ?? entry.linkTarget : type === 'symlink' ? header.linkname : undefined;
    writer.header(outHeader(header, entry.path, type, linkname));
    return type === 'file';
  }, watch);
}

/** squash merges image's layers from opts.from up into one layer. */
export async function squash(image: Image, opts: SquashOptions = {}): Promise<SquashResult> {
  const from = opts.from ?? 0;
  const layers = await image.layers();

  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-squash-')).catch((err) => {
    throw wrap('creating a temporary directory', err);
  });
  const layerFile = opts.layerDir ? siblingTemp(join(opts.layerDir, 'whittle-layer')) : join(dir, 'layer');
  // an interrupted run removes both (cleanup.ts); a sink that adopts the layer file renames it away
  registerTemporary(dir);
  registerTemporary(layerFile);
  const dispose = () =>
    Promise.all([rm(dir, { recursive: true, force: true }), rm(layerFile, { force: true })]).then(() => {
      unregisterTemporary(dir);
      unregisterTemporary(layerFile);
    });
  try {
    const writer = new LayerWriter(layerFile, {
      compression: opts.compression ?? 'gzip',
      ...(opts.level !== undefined ? { level: opts.level } : {}),
      ...(opts.reserve !== undefined ? { reserve: opts.reserve } : {}),
      ...(opts.maxOutput !== undefined ? { maxBytes: opts.maxOutput } : {}),
    });
    let written = 0;
    const onBytes = (n: number): void => {
      written += n;
      opts.onProgress?.({ phase: 'write', bytes: written });
    };
    let plan: SquashOutcome;
    let layer: WrittenLayer;
    const watch = opts.onWarning ? expansionWatch(opts.onWarning, opts.expansion) : undefined;
    try {
      if (opts.entries) {
        // entry lists from an earlier scan: plan first, then read only the layers that contribute
        if (opts.entries.length !== layers.length) throw new WhittleError('usage', `squash got entry lists for ${opts.entries.length} layers, the image has ${layers.length}`);
        const planned = planSquash(opts.entries, from);
        for (const w of planned.whiteouts) {
          writer.header(whiteoutHeader(w.path, w.opaque));
          const ready = writer.ready();
          if (ready) await ready;
        }
        for (const index of planned.read) await copyLayer(layers[index]!, index, planned, writer, onBytes, watch);
        plan = planned;
      } else {
        const streamed = await streamSquash(layers, from, writer, onBytes, watch);
        // only a kept base needs whiteouts, planned from the entry lists the pass kept for it
        const whiteouts = from > 0 ? planSquash(streamed.entries, from).whiteouts : [];
        await writeBaseWhiteouts(writer, whiteouts, streamed.emitted);
        plan = { from, whiteouts, bytesIn: streamed.bytesIn, bytesOut: streamed.bytesOut };
      }
      layer = await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    await testPause('layer-written');

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
