// analyzeImage reads every layer of an image once — two at a time, so decompression of one
// overlaps hashing and parsing of the other — and hands the entries to the pure analysis.
import type { Image } from '../image/image.js';
import { scanLayer, type LayerScan } from '../layers/scan.js';
import { mapLimit } from '../internal/concurrency.js';
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
