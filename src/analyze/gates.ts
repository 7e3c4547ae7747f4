// CI gates for `whittle analyze`: --max-size, --min-efficiency, --max-wasted, and dive's .dive-ci rules
// (evaluated on dive's own figures so thresholds carry over). Each gate reports actual vs limit.
import { WhittleError } from '../errors.js';
import type { Analysis } from './index.js';

export interface GateConfig {
  /** limit for sizes.docker (the size `docker images` shows), in bytes. */
  maxSize?: number;
  /** limit for dive's efficiency (0..1); whittle's own efficiency is 1 - wasted.ratio, dive's is what CI users know. */
  minEfficiency?: number;
  /** limit for whittle's wasted.bytes. */
  maxWastedBytes?: number;
  /** limit for whittle's wasted.ratio (0..1). */
  maxWastedRatio?: number;
  /** .dive-ci rules, evaluated on dive's figures. */
  dive?: { lowestEfficiency?: number; highestWastedBytes?: number; highestUserWastedPercent?: number };
}

export interface GateResult {
  gate: string;
  passed: boolean;
  actual: number;
  limit: number;
  unit: 'bytes' | 'ratio';
  /** what the gate compares, in words. */
  compares: string;
}

export function evaluateGates(analysis: Analysis, gates: GateConfig): GateResult[] {
  const results: GateResult[] = [];
  const atMost = (gate: string, actual: number, limit: number, unit: GateResult['unit'], compares: string) =>
    results.push({ gate, passed: actual <= limit, actual, limit, unit, compares });
  const atLeast = (gate: string, actual: number, limit: number, unit: GateResult['unit'], compares: string) =>
    results.push({ gate, passed: actual >= limit, actual, limit, unit, compares });
  if (gates.maxSize !== undefined) atMost('max-size', analysis.sizes.docker, gates.maxSize, 'bytes', 'image size as docker images shows it');
  if (gates.minEfficiency !== undefined) atLeast('min-efficiency', analysis.dive.efficiency, gates.minEfficiency, 'ratio', "dive's efficiency score");
  if (gates.maxWastedBytes !== undefined) atMost('max-wasted', analysis.wasted.bytes, gates.maxWastedBytes, 'bytes', "whittle's wasted bytes (what squashing drops)");
  if (gates.maxWastedRatio !== undefined) atMost('max-wasted', analysis.wasted.ratio, gates.maxWastedRatio, 'ratio', "whittle's wasted bytes / file content");
  const d = gates.dive;
  if (d?.lowestEfficiency !== undefined) atLeast('lowest-efficiency', analysis.dive.efficiency, d.lowestEfficiency, 'ratio', "dive's efficiency score");
  if (d?.highestWastedBytes !== undefined) atMost('highest-wasted-bytes', analysis.dive.wastedBytes, d.highestWastedBytes, 'bytes', "dive's wasted bytes");
  if (d?.highestUserWastedPercent !== undefined)
    atMost('highest-user-wasted-percent', analysis.dive.userWastedPercent, d.highestUserWastedPercent, 'ratio', "dive's wasted bytes / bytes above the base layer");
  return results;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
};

/** parseDiveBytes reads sizes the way dive's humanize.ParseBytes does: 20MB = 20,000,000; 20MiB = 20,971,520. */
export function parseDiveBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text.replace(/,/g, ''));
  const mult = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  return m && mult !== undefined ? Math.floor(Number(m[1]) * mult) : null;
}

/** parseDiveCi reads the flat YAML of a .dive-ci file (`rules:` with three keys; a value may be "disabled"). */
export function parseDiveCi(text: string, source = '.dive-ci'): GateConfig {
  const dive: NonNullable<GateConfig['dive']> = {};
  let inRules = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') return;
    const m = /^(\s*)([\w-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) throw new WhittleError('usage', `${source}:${i + 1}: cannot read ${JSON.stringify(raw.trim())}`);
    const [, indent, key, rawValue] = m as unknown as [string, string, string, string];
    if (indent === '') {
      inRules = key === 'rules';
      return;
    }
    if (!inRules) return;
    const value = rawValue.replace(/^(['"])(.*)\1$/, '$2');
    if (value.toLowerCase() === 'disabled') return;
    const bad = (what: string) => new WhittleError('usage', `${source}:${i + 1}: ${key}: ${JSON.stringify(value)} is not ${what}`);
    if (key === 'highest-wasted-bytes') {
      const bytes = parseDiveBytes(value);
      if (bytes === null) throw bad('a size (e.g. 20MB)');
      dive.highestWastedBytes = bytes;
    } else if (key === 'lowest-efficiency' || key === 'highest-user-wasted-percent') {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) throw bad('a number');
      if (key === 'lowest-efficiency') dive.lowestEfficiency = n;
      else dive.highestUserWastedPercent = n;
    } else throw new WhittleError('usage', `${source}:${i + 1}: unknown rule ${JSON.stringify(key)}`);
  });
  return { dive };
}
