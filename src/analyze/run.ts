// analyzeImage reads every layer of an image once — two at a time, so decompression of one
// overlaps hashing and parsing of the other — and hands the entries to the pure analysis.
import type { Image } from '../image/image.js';
import { HardLinkCheck, linkPaths } from '../layers/hardlinks.js';
import { digestContents, scanLayer, type LayerScan } from '../layers/scan.js';
import { mapLimit } from '../internal/concurrency.js';
import type { LayerEntry } from '../layers/entry.js';
import { entryIds, ROOT, type EntryIds } from '../layers/path-ids.js';
import { analyze, type Analysis, type AnalysisInput, type AnalyzeOptions } from './index.js';

export interface AnalyzeImageOptions {
  /** concurrency is how many layers stream at once; default 2. */
  concurrency?: number;
  /**
   * hashContents compares file contents across layers, to tell metadata-only rewrites (chmod, chown)
   * from new content; default true. Only files rewritten with the same size can be such copies, so
   * the first pass hashes nothing, and then only those files are hashed: read by offset from a
   * local file the first pass checked (and that has not changed since), else by reading their
   * layers again. 'all' hashes every file in the one pass (whittle report --compare: files
   * changed by content).
   */
  hashContents?: boolean | 'all';
  /** onProgress reports uncompressed bytes read so far and the layers finished. */
  onProgress?: (p: { bytes: number; layersDone: number; layers: number }) => void;
  analyze?: AnalyzeOptions;
}

/** scanImage streams all layers of image and returns what the analysis needs. */
export async function scanImage(image: Image, opts: AnalyzeImageOptions = {}): Promise<AnalysisInput> {
  const [manifest, config, configDigest, manifestDigest, layers] = await Promise.all([
    image.manifest(),
    image.config(),
    image.configDigest(),
    image.digest(),
    image.layers(),
  ]);
  let bytes = 0;
  let layersDone = 0;
  const report = () => opts.onProgress?.({ bytes, layersDone, layers: layers.length });
  const scans = await mapLimit(layers, opts.concurrency ?? 2, async (layer, i): Promise<LayerScan> => {
    const scan = await scanLayer(layer, {
      what: `layer ${i + 1} of ${layers.length}`,
      layer: i,
      ...(opts.hashContents === 'all' ? { hashContents: true } : {}),
      onBytes: (n) => {
        bytes += n;
        report();
      },
    });
    layersDone++;
    report();
    return scan;
  });
  // the paths numbered once, for the analyses that keep something per path across layers (the
  // merged filesystem, dive's figures, the same-size rewrites): a rescan below reads the same
  // verified tar, so the same entries in the same order
  const ids = entryIds(scans.map((s) => s.entries));
  const linked = linkPaths(scans.map((s) => s.entries));
  if (linked) {
    const links = new HardLinkCheck(linked);
    // the paths the check follows, marked by number: the other entries are told apart without a set lookup of their paths
    const followed = new Uint8Array(ids.table.size);
    followed[ROOT] = 1;
    for (const p of linked) {
      const id = ids.table.lookup(p);
      if (id >= 0) followed[id] = 1;
    }
    scans.forEach((s, i) => {
      const numbers = ids.layers[i]!;
      links.layer(s.entries, `layer ${i + 1} of ${layers.length}`, (e, k) => e.type === 'hardlink' || followed[numbers[k]!] === 1);
    });
  }
  if ((opts.hashContents ?? true) === true) {
    const wanted = sameSizeRewrites(scans.map((s) => s.entries), ids);
    // empty files need no second read: their digest is known (apt's lock files are rewritten empty in every apt layer)
    const nonEmpty = [...wanted.keys()].filter((i) => !digestEmptyFiles(scans[i]!.entries, wanted.get(i)!));
    // a layer read from a local file that has not changed since gives those files' bytes by offset;
    // any other is read again whole (and checked again)
    const read = await mapLimit(nonEmpty, opts.concurrency ?? 2, (i) => digestContents(scans[i]!, wanted.get(i)!));
    const again = nonEmpty.filter((_, k) => !read[k]);
    const rescans = await mapLimit(again, opts.concurrency ?? 2, (i) =>
      scanLayer(layers[i]!, { hashContents: wanted.get(i)!, what: `layer ${i + 1} of ${layers.length}`, layer: i }),
    );
    again.forEach((i, k) => (scans[i] = rescans[k]!));
  }
  return {
    reference: image.reference,
    manifestDigest,
    configDigest,
    config,
    layers: scans.map((s, i) => ({ entries: s.entries, stats: s.stats, mediaType: manifest.layers[i]?.mediaType ?? '' })),
    ids,
  };
}

/**
 * sameSizeRewrites finds, per layer, the files that a later layer writes again with the same size
 * (and those rewrites). ids numbers the entries' paths (scanImage's numbering, or made here).
 */
export function sameSizeRewrites(layers: readonly (readonly LayerEntry[])[], ids: EntryIds = entryIds(layers)): Map<number, Set<string>> {
  // per path number, the size and layer of the last file written there
  const lastSize = new Float64Array(ids.table.size);
  const lastLayer = new Int32Array(ids.table.size).fill(-1);
  const out = new Map<number, Set<string>>();
  const add = (layer: number, path: string) => {
    let set = out.get(layer);
    if (!set) out.set(layer, (set = new Set()));
    set.add(path);
  };
  layers.forEach((entries, layer) => {
    const numbers = ids.layers[layer]!;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.type !== 'file' || e.whiteout) continue;
      const id = numbers[k]!;
      const before = lastLayer[id]!;
      if (before >= 0 && before !== layer && lastSize[id] === e.size) {
        add(before, e.path);
        add(layer, e.path);
      }
      lastSize[id] = e.size;
      lastLayer[id] = layer;
    }
  });
  return out;
}

/** EMPTY_DIGEST is the sha256 of no bytes: what hashing an empty file gives. */
const EMPTY_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * digestEmptyFiles gives the regular files among paths the digest a hashing scan would, when all
 * of them are empty, and says whether it did; when one has content the layer must be read again
 * (which hashes them all), and entries are left untouched.
 */
export function digestEmptyFiles(entries: readonly LayerEntry[], paths: ReadonlySet<string>): boolean {
  const empty: LayerEntry[] = [];
  for (const e of entries) {
    if (e.type !== 'file' || e.whiteout || !paths.has(e.path)) continue;
    if (e.size !== 0) return false;
    empty.push(e);
  }
  for (const e of empty) e.contentDigest = EMPTY_DIGEST;
  return true;
}

/** analyzeImage scans and analyzes an image. */
export async function analyzeImage(image: Image, opts: AnalyzeImageOptions = {}): Promise<Analysis> {
  return analyze(await scanImage(image, opts), opts.analyze);
}
