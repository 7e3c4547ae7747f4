// Benchmark: the in-memory analysis of 100k layer entries (what src/analyze/merge.test.ts and
// index.test.ts check for correctness, timed here instead of asserted there). Prints milliseconds
// for mergeLayers and analyze, best of 5.
// Usage: npm run build && node bench/merge.mjs
import { performance } from 'node:perf_hooks';
import { analyze } from '../dist/analyze/index.js';
import { mergeLayers } from '../dist/analyze/merge.js';

const file = (path, size) => ({ path, type: 'file', size, mode: 0o644, uid: 0, gid: 0, mtime: 0 });
const whiteout = (path) => ({ path, type: 'file', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0, whiteout: 'file' });
const best = (fn) => {
  let min = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    fn();
    min = Math.min(min, performance.now() - start);
  }
  return min;
};

const layer0 = Array.from({ length: 60_000 }, (_, i) => file(`usr/lib/d${i % 300}/f${i}`, 100));
const layer1 = [whiteout('usr/lib/d1'), ...Array.from({ length: 40_000 }, (_, i) => file(`usr/lib/d${i % 300}/f${i}`, 50))];
console.log(`mergeLayers, 100k entries: ${best(() => mergeLayers([layer0, layer1])).toFixed(0)} ms`);

const base = Array.from({ length: 70_000 }, (_, i) => file(`usr/share/p${i % 500}/f${i}`, 1000));
const top = [whiteout('usr/share/p7'), ...Array.from({ length: 30_000 }, (_, i) => file(`usr/share/p${i % 500}/f${i}`, 10))];
const input = {
  reference: 'bench:latest',
  configDigest: 'sha256:' + 'c'.repeat(64),
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
  layers: [base, top].map((entries, i) => {
    const tar = entries.reduce((s, e) => s + 512 + e.size, 1024);
    return {
      entries,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      stats: { digest: `sha256:${String(i).repeat(64)}`, size: Math.floor(tar / 2), diffId: `sha256:${'d'.repeat(64)}`, uncompressedSize: tar, compression: 'gzip' },
    };
  }),
};
console.log(`analyze, 100k entries: ${best(() => analyze(input)).toFixed(0)} ms`);
