// Measured bytes for lint findings (`whittle lint --image REF`): a finding on a Dockerfile line is
// given the bytes it costs in the image that line built, so the biggest is fixed first. What counts
// is the rule's: for a package-cache rule, the files of that cache the line's layers carry (deleted
// later or not: they ship in those layers); for a rule about rewritten copies or RUN splits, the
// line's wasted bytes; for a base image rule, the base's bytes. Rules without a measure get none.
import type { AnalysisInput } from '../analyze/index.js';
import type { Diagnostic } from '../lint/types.js';
import { cacheOfPath } from '../knowledge/package-managers.js';
import type { Attribution } from './index.js';

/** caches: files of these package caches; wasted: the line's wasted bytes; run-group: the wasted bytes of the RUNs in a row the line ends; layers: the line's bytes; base: the base image's bytes. */
type Measure = { caches: readonly string[] } | 'wasted' | 'run-group' | 'layers' | 'base';

/** MEASURES: how each rule's cost is read from the image. */
export const MEASURES: Readonly<Record<string, Measure>> = {
  'apt-lists-not-removed': { caches: ['apt-lists'] },
  'apt-archives-not-cleaned': { caches: ['apt-archives', 'apt-pkgcache'] },
  'apk-no-cache': { caches: ['apk'] },
  'pip-no-cache-dir': { caches: ['pip'] },
  'node-package-cache': { caches: ['npm', 'yarn', 'pnpm', 'node-gyp'] },
  'rpm-cache-not-cleaned': { caches: ['dnf', 'dnf5', 'yum', 'zypper'] },
  'go-build-cache': { caches: ['go-build', 'go-mod'] },
  'consecutive-run': 'run-group',
  'download-not-removed': 'wasted',
  'recursive-chown-after-copy': 'layers',
  'heavy-base-image': 'base',
};

/** measureDiagnostics returns the measured bytes of each diagnostic that has a measure and a line with layers. */
export function measureDiagnostics(diagnostics: readonly Diagnostic[], attribution: Attribution, input: AnalysisInput, lineOf: (d: Diagnostic) => number): Map<Diagnostic, number> {
  const out = new Map<Diagnostic, number>();
  const lineAt = (n: number) => attribution.lines.find((l) => l.line <= n && n <= l.endLine);
  const cacheBytes = new Map<string, number>(); // `${layer}\0${cache}` → bytes
  const bytesOf = (layer: number, caches: readonly string[]) => {
    if (!cacheBytes.has(`${layer}\0`)) {
      cacheBytes.set(`${layer}\0`, 0);
      for (const e of input.layers[layer]?.entries ?? []) {
        if (e.type !== 'file' || e.whiteout) continue;
        const c = cacheOfPath(e.path);
        if (c) cacheBytes.set(`${layer}\0${c.id}`, (cacheBytes.get(`${layer}\0${c.id}`) ?? 0) + e.size);
      }
    }
    return caches.reduce((s, c) => s + (cacheBytes.get(`${layer}\0${c}`) ?? 0), 0);
  };
  for (const d of diagnostics) {
    const measure = MEASURES[d.ruleId];
    if (measure === undefined) continue;
    const line = lineAt(lineOf(d));
    if (!line || !line.ships) continue;
    let bytes: number;
    if (measure === 'base') bytes = attribution.base?.bytes ?? 0;
    else if (line.layers.length === 0) continue;
    else if (measure === 'wasted') bytes = line.wastedBytes;
    else if (measure === 'run-group') {
      const at = attribution.lines.indexOf(line);
      bytes = 0;
      for (let i = at; i >= 0 && attribution.lines[i]!.keyword === 'RUN' && attribution.lines[i]!.stage === line.stage; i--) bytes += attribution.lines[i]!.wastedBytes;
    }
    else if (measure === 'layers') bytes = line.bytes;
    else bytes = line.layers.reduce((s, layer) => s + bytesOf(layer, measure.caches), 0);
    out.set(d, bytes);
  }
  return out;
}
