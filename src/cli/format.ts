// Byte sizes for people (formatBytes, docker's decimal units; it lives in src/analyze/units.ts so the
// analyze report uses the same one) and for flags (parsing `200MB`, `1.5GiB`, `10%`).
import { WhittleError } from '../errors.js';

export { formatBytes } from '../analyze/units.js';

const MULTIPLIERS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
};

/** parseBytes reads `1500`, `200MB`, `1.5GiB` (decimal kB/MB/GB, binary KiB/MiB/GiB). */
export function parseBytes(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const mult = m ? MULTIPLIERS[m[2]!.toLowerCase()] : undefined;
  if (!m || mult === undefined) throw new WhittleError('usage', `${flag}: ${JSON.stringify(text)} is not a size (e.g. 200MB, 1.5GiB)`);
  return Math.round(Number(m[1]) * mult);
}

/** parseRatio reads `0.9` or `90%` as 0.9. */
export function parseRatio(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) throw new WhittleError('usage', `${flag}: ${JSON.stringify(text)} is not a ratio (e.g. 0.9 or 90%)`);
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  if (v < 0 || v > 1) throw new WhittleError('usage', `${flag}: ${JSON.stringify(text)} is outside 0..1 (0%..100%)`);
  return v;
}
