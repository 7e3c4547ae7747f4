// strip removes what an image should not ship (plan.ts decides what). One pass lists every
// layer's entries; a second reads only the ELF files whose dependencies protect libraries (one file
// buffered at a time, at most MAX_ELF bytes); then either a layer of whiteouts goes on top (the
// default: every existing layer stays shared with other images; it holds each whiteout's parent
// directories as they are, so the engine does not make them new ones) or, with squash, the layers
// are merged so the bytes really leave the image.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrap } from '../../errors.js';
import { mergeLayers } from '../../analyze/merge.js';
import { scanImage } from '../../analyze/run.js';
import type { Image } from '../../image/image.js';
import type { LayerEntry } from '../../layers/entry.js';
import { toEntry } from '../../layers/scan.js';
import { TarParser } from '../../internal/tar-parser.js';
import { LayerWriter, type LayerCompression, type WrittenLayer } from '../layer-writer.js';
import { replaceTop } from '../mutate.js';
import { squash } from '../squash.js';
import { whiteoutHeader } from '../../internal/tar-encode.js';
import { registerTemporary, unregisterTemporary } from '../../internal/cleanup.js';
import { testPause } from '../../internal/test-pause.js';
import { dirHeader } from '../out-header.js';
import { isElf, parseElf, type ElfInfo } from '../../elf/parse.js';
import { elfCandidates, planStrip, type StripOptions, type StripPlan } from './plan.js';

export { CATEGORIES } from './categories.js';
export type { StripPlan, StripOptions } from './plan.js';

const MAX_ELF = 64 << 20;

export interface StripRunOptions extends StripOptions {
  /** merge all layers so removed bytes leave the image (default: add a layer of whiteouts). */
  squash?: boolean;
  /** plan only. */
  dryRun?: boolean;
  compression?: LayerCompression;
  tmpDir?: string;
  /** with squash: where the merged layer's file goes, and the room left before it (squash.ts). */
  layerDir?: string;
  reserve?: number;
  /** the most bytes a layer strip writes may take on disk (--max-output; squash.ts). */
  maxOutput?: number;
  /** with squash: told of layers that expand past expansion.ts's limits. */
  onWarning?: (message: string) => void;
  onProgress?: (p: { phase: 'scan' | 'elf' | 'write'; bytes: number }) => void;
}

export interface StripResult {
  plan: StripPlan;
  /** the stripped image (absent for a dry run or when nothing is removed). */
  image?: Image;
  dispose(): Promise<void>;
}

/** readElf streams the layers holding the final versions of candidates and parses each one. */
async function readElf(image: Image, tree: ReturnType<typeof mergeLayers>['tree'], candidates: Set<string>, onBytes: (n: number) => void): Promise<Map<string, ElfInfo>> {
  const byLayer = new Map<number, Set<string>>();
  for (const path of candidates) {
    const r = tree.get(path);
    if (!r || r.type !== 'file' || r.size > MAX_ELF) continue;
    let set = byLayer.get(r.layer);
    if (!set) byLayer.set(r.layer, (set = new Set()));
    set.add(path);
  }
  const layers = await image.layers();
  const out = new Map<string, ElfInfo>();
  for (const [index, wanted] of [...byLayer].sort((a, b) => a[0] - b[0])) {
    let current: string | null = null;
    let chunks: Buffer[] = [];
    let bytes = 0;
    let elf = true;
    const parser = new TarParser({
      entry: (h) => {
        const e = toEntry(h);
        current = e && e.type === 'file' && !e.whiteout && wanted.has(e.path) ? e.path : null;
        chunks = [];
        bytes = 0;
        elf = true;
      },
      data: (c) => {
        if (current === null || !elf) return;
        if (bytes === 0 && c.length >= 4 && !isElf(c)) {
          elf = false;
          return;
        }
        chunks.push(Buffer.from(c));
        bytes += c.length;
      },
      entryEnd: () => {
        if (current !== null && elf && bytes > 0) {
          const info = parseElf(Buffer.concat(chunks, bytes));
          if (info) out.set(current, info);
          else out.delete(current);
        }
        current = null;
        chunks = [];
      },
    });
    const read = await layers[index]!.read();
    try {
      for await (const chunk of read.tar) {
        onBytes((chunk as Buffer).length);
        if (!parser.done) parser.write(chunk as Buffer);
      }
      parser.end();
    } catch (err) {
      read.tar.destroy();
      await read.stats.catch(() => undefined);
      throw err;
    }
    await read.stats;
  }
  return out;
}

/**
 * whiteoutLayer lists the entries of strip's layer: each whiteout after its parent directories, as
 * the merged filesystem has them. Without them the engine would create each parent in the new
 * layer as a directory of its own, mode 0755 and owner root, and show it above the original one
 * (src/layers/parents.ts): stripping `/root/.cache/pip` would make `/root` world-readable.
 */
function whiteoutLayer(whiteouts: readonly string[], tree: ReturnType<typeof mergeLayers>['tree'], entries: readonly (readonly LayerEntry[])[]): LayerEntry[] {
  const wanted = new Set<string>();
  for (const path of whiteouts) for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) wanted.add(path.slice(0, i));
  // times are not in the merged tree: take the last directory entry's
  const mtimes = new Map<string, number>();
  for (const layer of entries) for (const e of layer) if (e.type === 'dir' && !e.whiteout && wanted.has(e.path)) mtimes.set(e.path, e.mtime);
  const out: LayerEntry[] = [];
  const written = new Set<string>();
  for (const path of whiteouts) {
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      const p = path.slice(0, i);
      if (written.has(p)) continue;
      written.add(p);
      const r = tree.get(p);
      out.push({ path: p, type: 'dir', size: 0, mode: r?.mode ?? 0o755, uid: r?.uid ?? 0, gid: r?.gid ?? 0, mtime: mtimes.get(p) ?? 0 });
    }
    out.push({ path, type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0, whiteout: 'file' });
  }
  return out;
}

/** strip plans and (unless dryRun) writes an image without what the plan removes. */
export async function strip(image: Image, opts: StripRunOptions = {}): Promise<StripResult> {
  const input = await scanImage(image, { hashContents: false, onProgress: (p) => opts.onProgress?.({ phase: 'scan', bytes: p.bytes }) });
  const entries = input.layers.map((l) => l.entries);
  const tree = mergeLayers(entries, input.ids).tree;
  const final = new Map([...tree.records].filter(([p]) => p !== ''));
  let read = 0;
  const elf = await readElf(image, tree, elfCandidates(final, input.config), (n) => opts.onProgress?.({ phase: 'elf', bytes: (read += n) }));
  const plan = planStrip(final, input.config, elf, opts);
  const nothing = async () => undefined;
  if (opts.dryRun || plan.whiteouts.length === 0) return { plan, dispose: nothing };

  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-strip-')).catch((err) => {
    throw wrap('creating a temporary directory', err);
  });
  registerTemporary(dir); // an interrupted run removes it (cleanup.ts)
  const cleanups: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true }).then(() => unregisterTemporary(dir))];
  const dispose = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const layerEntries = whiteoutLayer(plan.whiteouts, tree, entries);
    const writer = new LayerWriter(join(dir, 'whiteouts'), { compression: opts.compression ?? 'gzip', ...(opts.maxOutput !== undefined ? { maxBytes: opts.maxOutput } : {}) });
    let layer: WrittenLayer;
    try {
      for (const e of layerEntries) {
        writer.header(e.whiteout ? whiteoutHeader(e.path, false) : dirHeader(e));
        const ready = writer.ready();
        if (ready) await ready;
      }
      layer = await writer.finish();
      await testPause('layer-written');
    } catch (err) {
      await writer.abort();
      throw err;
    }
    const count = (await image.layers()).length;
    const summary = Object.entries(plan.byCategory)
      .map(([c, v]) => `${c} ${v.count}`)
      .join(', ');
    const history = { created_by: `whittle strip: removed ${plan.removed.length} paths (${summary})`, comment: 'whittle' };
    let stripped = await replaceTop(image, count, layer, history, `stripped ${image.reference}`);
    if (opts.squash) {
      const merged = await squash(stripped, {
        entries: [...entries, layerEntries],
        ...(opts.compression ? { compression: opts.compression } : {}),
        ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
        ...(opts.layerDir ? { layerDir: opts.layerDir } : {}),
        ...(opts.reserve !== undefined ? { reserve: opts.reserve } : {}),
        ...(opts.maxOutput !== undefined ? { maxOutput: opts.maxOutput } : {}),
        ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
        createdBy: `${history.created_by}; all layers merged into one`,
        onProgress: (p) => opts.onProgress?.({ phase: 'write', bytes: p.bytes }),
      });
      cleanups.push(merged.dispose);
      stripped = merged.image;
    }
    return { plan, image: stripped, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
