// analyzeImage reads every layer of an image once — two at a time, so decompression of one
// overlaps hashing and parsing of the other — and hands the entries to the pure analysis.
import type { Image } from '../image/image.js';
import { scanLayer, type LayerScan } from '../layers/scan.js';
import { analyze, type Analysis, type AnalysisInput, type AnalyzeOptions } from './index.js';

export interface RunOptions {
  /** concurrency is how many layers stream at once; default 2. */
  concurrency?: number;
  /** hashContents compares file contents across layers (metadata-only rewrites); default true. */
  hashContents?: boolean;
  /** onProgress reports uncompressed bytes read so far and the layers finished. */
  onProgress?: (p: { bytes: number; layersDone: number; layers: number }) => void;
  analyze?: AnalyzeOptions;
}

/** mapLimit runs fn over items with at most limit in flight, keeping result order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  });
  await Promise.all(workers);
  return results;
}

/** scanImage streams all layers of image and returns what the analysis needs. */
export async function scanImage(image: Image, opts: RunOptions = {}): Promise<AnalysisInput> {
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
      hashContents: opts.hashContents ?? true,
      what: `layer ${i + 1} of ${layers.length}`,
      onBytes: (n) => {
        bytes += n;
        report();
      },
    });
    layersDone++;
    report();
    return scan;
  });
  return {
    reference: image.reference,
    manifestDigest,
    configDigest,
    config,
    layers: scans.map((s, i) => ({ entries: s.entries, stats: s.stats, mediaType: manifest.layers[i]?.mediaType ?? '' })),
  };
}

/** analyzeImage scans and analyzes an image. */
export async function analyzeImage(image: Image, opts: RunOptions = {}): Promise<Analysis> {
  return analyze(await scanImage(image, opts), opts.analyze);
}
