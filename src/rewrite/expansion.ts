// Expansion of layers while squash rewrites them: a gzip layer of a few megabytes can hold gigabytes
// of zeros (a "gzip bomb"), and squash writes what it decompresses. A layer whose tar grows past
// EXPANSION_RATIO times its stored blob and past EXPANSION_FLOOR gets one warning as it crosses both
// (real layers stay under 10×; text and sparse files reach 20–30×, never gigabytes at 100×);
// `--max-output` (LayerWriter maxBytes, checkOutputSize in the CLI) is what stops a run.
import type { Layer } from '../image/image.js';
import { formatBytes } from '../analyze/units.js';

/** EXPANSION_RATIO is how many times its blob a layer's tar may grow before the warning. */
export const EXPANSION_RATIO = 100;
/** EXPANSION_FLOOR is the tar size below which no layer is warned about, whatever its ratio: 1 GiB. */
export const EXPANSION_FLOOR = 1024 ** 3;

export interface ExpansionLimits {
  ratio: number;
  floor: number;
}

/** LayerWatch is told of each layer a rewrite reads and returns a counter for its tar bytes. */
export type LayerWatch = (layer: Layer, what: string) => Promise<(n: number) => void>;

/**
 * expansionWatch returns a LayerWatch that calls warn once per layer whose tar bytes pass both
 * limits.ratio × its blob size and limits.floor.
 */
export function expansionWatch(warn: (message: string) => void, limits: ExpansionLimits = { ratio: EXPANSION_RATIO, floor: EXPANSION_FLOOR }): LayerWatch {
  return async (layer, what) => {
    const blob = await layer.size();
    const threshold = Math.max(limits.ratio * blob, limits.floor);
    let bytes = 0;
    let warned = false;
    return (n) => {
      bytes += n;
      if (warned || bytes <= threshold) return;
      warned = true;
      warn(
        `${what} expands more than ${limits.ratio}× (blob ${formatBytes(blob)}, ${formatBytes(bytes)} of tar so far): ` +
          'squash writes what it decompresses; --max-output SIZE stops a run at a size',
      );
    };
  };
}
