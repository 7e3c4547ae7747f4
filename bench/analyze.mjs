// Benchmark: `whittle analyze` of a large image (≥ 500 MB uncompressed, ≥ 20,000 files) in two forms,
// timed in one run against the physical floor and a peer:
//   - docker-archive with uncompressed layers (written by skopeo from an uncompressed OCI layout):
//     floor = sha256sum of the layer bytes, and node:crypto's raw sha256 throughput over them;
//   - OCI layout with gzip layers: floor = gzip -dc | sha256sum, two layers at a time (whittle reads
//     two layers at once on two cores);
//   - skopeo reading the same images (inspect, and copy to a dir: layout) as the peer.
// Targets (issue 2): uncompressed ≥ 50 % of node:crypto raw-hash throughput; gzip ≥ 80 % of the
// parallel gunzip floor; peak RSS ≤ 256 MB.
// Usage: npm run build && node bench/analyze.mjs [megabytes=560]
// WHITTLE_BENCH_DIR=/some/dir keeps the generated images there and reuses them on the next run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from './lib/generate.mjs';

const targetMB = Number(process.argv[2] ?? 560);
const work = process.env.WHITTLE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'whittle-bench-analyze-'));
process.on('exit', () => {
  if (!process.env.WHITTLE_BENCH_DIR) rmSync(work, { recursive: true, force: true });
});
const haveSkopeo = spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0;

function timed(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}
const sh = (script) => timed('sh', ['-c', script]);

/** nodeHash is node:crypto's raw sha256 over files, read with 1 MiB chunks: the uncompressed floor. */
async function nodeHash(files) {
  const start = process.hrtime.bigint();
  for (const f of files) {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk);
    h.digest();
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, rssMB: NaN };
}

const plainLayout = join(work, 'plain');
const gzipLayout = join(work, 'gzip');
const plain = await generate(plainLayout, targetMB, false);
const gz = await generate(gzipLayout, targetMB, true);
const archive = join(work, 'image.docker.tar');
if (!existsSync(archive)) {
  const copy = haveSkopeo
    ? spawnSync('skopeo', ['copy', '--quiet', `oci:${plainLayout}:bench`, `docker-archive:${archive}:whittle-bench/analyze:1`])
    : spawnSync(process.execPath, ['bin/whittle.js', 'squash', `oci:${plainLayout}:bench`, '--last', '1', '-o', archive]);
  if (copy.status !== 0) throw new Error(`writing ${archive} failed: ${copy.stderr}`);
}
const blobsOf = (layout, g) => g.descriptors.map((d) => join(layout, 'blobs', 'sha256', d.digest.slice(7)));
const plainBlobs = blobsOf(plainLayout, plain);
const gzipBlobs = blobsOf(gzipLayout, gz);
const bytes = plain.descriptors.reduce((n, d) => n + d.size, 0);
const gzBytes = gz.descriptors.reduce((n, d) => n + d.size, 0);
console.log(`image: ${plain.descriptors.length} layers, ${plain.fileCount} files, ${(bytes / 1e6).toFixed(0)} MB uncompressed; gzip form ${(gzBytes / 1e6).toFixed(0)} MB`);

const rows = [];
// warm the page cache so every row reads from memory
sh(`cat ${archive} ${plainBlobs.join(' ')} ${gzipBlobs.join(' ')} > /dev/null`);

const rawInProcess = await nodeHash(plainBlobs);
rows.push(['floor: node:crypto sha256 of the layer bytes, in this process', rawInProcess]);
// the same as a process of its own, as whittle runs: node's start-up is paid by both
const hashScript = `const {createHash}=require('crypto');const fs=require('fs');(async()=>{for(const f of process.argv.slice(1)){const h=createHash('sha256');for await(const c of fs.createReadStream(f,{highWaterMark:1<<20}))h.update(c);h.digest();}})()`;
const raw = timed(process.execPath, ['-e', hashScript, ...plainBlobs]);
rows.push(['floor: node:crypto sha256 of the layer bytes, as a process', raw]);
const sum = sh(`sha256sum ${plainBlobs.join(' ')} > /dev/null`);
rows.push(['floor: sha256sum of the layer bytes', sum]);
const plainRun = timed(process.execPath, ['bin/whittle.js', 'analyze', '--json', `docker-archive:${archive}`]);
rows.push(['whittle analyze docker-archive (uncompressed)', plainRun]);

const zcat = sh(`printf '%s\\n' ${gzipBlobs.join(' ')} | xargs -P 2 -n 1 sh -c 'gzip -dc "$0" | sha256sum > /dev/null'`);
rows.push(['floor: gzip -dc | sha256sum, two layers at a time', zcat]);
const gzipRun = timed(process.execPath, ['bin/whittle.js', 'analyze', '--json', `oci:${gzipLayout}:bench`]);
rows.push(['whittle analyze oci (gzip)', gzipRun]);

if (haveSkopeo) {
  rows.push(['skopeo inspect docker-archive', timed('skopeo', ['inspect', `docker-archive:${archive}`])]);
  const dir = join(work, 'skopeo-dir');
  rmSync(dir, { recursive: true, force: true });
  rows.push(['skopeo copy oci (gzip) → dir: (reads and verifies every blob)', timed('skopeo', ['copy', '--quiet', `oci:${gzipLayout}:bench`, `dir:${dir}`])]);
  rmSync(dir, { recursive: true, force: true });
}

console.log('');
console.log('what                                                          seconds   MB/s   peak RSS');
for (const [what, r] of rows) {
  console.log(`${what.padEnd(62)} ${r.seconds.toFixed(2).padStart(7)} ${(bytes / 1e6 / r.seconds).toFixed(0).padStart(6)}   ${Number.isNaN(r.rssMB) ? '' : `${r.rssMB.toFixed(0)} MB`}`);
}
console.log('(MB/s over the uncompressed layer bytes)');
console.log('');
const pct = (floor, ours) => ((floor.seconds / ours.seconds) * 100).toFixed(0);
console.log(`uncompressed: whittle runs at ${pct(raw, plainRun)}% of node:crypto raw-hash throughput as a process (target ≥ 50%), ${pct(rawInProcess, plainRun)}% of it in-process, ${pct(sum, plainRun)}% of sha256sum`);
console.log(`gzip:         whittle runs at ${pct(zcat, gzipRun)}% of parallel gzip -dc | sha256sum (target ≥ 80%)`);
console.log(`peak RSS:     ${plainRun.rssMB.toFixed(0)} MB uncompressed, ${gzipRun.rssMB.toFixed(0)} MB gzip (target ≤ 256 MB)`);
