// Benchmark: `whittle analyze` of a large image (≥ 500 MB uncompressed, ≥ 20,000 files) in two forms,
// timed in one run against the physical floor and a peer:
//   - docker-archive with uncompressed layers (written by skopeo from an uncompressed OCI layout):
//     floor = sha256sum of the layer bytes, and node:crypto's raw sha256 throughput over them;
//   - OCI layout with gzip layers: floor = gzip -dc | sha256sum, two layers at a time (whittle reads
//     two layers at once on two cores);
//   - skopeo reading the same images (inspect, and copy to a dir: layout) as the peer.
// Targets (issue 2): uncompressed ≥ 50 % of node:crypto raw-hash throughput; gzip ≥ 80 % of the
// parallel gunzip floor; peak RSS ≤ 256 MB.
// Then two real-shaped images (bench/lib/real-shaped.mjs: a Node app on Debian, 26,000 files of a
// median 2.4 KB, 40,762 entries; and 200,000 files, 295,648 entries), uncompressed OCI layouts, where the cost
// is per entry. Each round runs, interleaved: node:crypto hashing the layer blobs as a process (the
// floor), Python's tarfile listing every member of every layer without hashing (the peer; streamed
// `r|`, which reads every byte, and seeking `r:`, which skips contents), and `whittle analyze --json`;
// medians over the rounds. Targets (issue 13): whittle ≤ 2.0× the hash and faster than the faster
// Python listing; peak RSS ≤ 256 MB.
// Usage: npm run build && node bench/analyze.mjs [megabytes=560] [--real-only] [--rounds=3]
// WHITTLE_BENCH_DIR=/some/dir keeps the generated images there and reuses them on the next run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from './lib/generate.mjs';
import { generateRealShaped } from './lib/real-shaped.mjs';
import { timed } from './lib/timed.mjs';

const args = process.argv.slice(2);
const realOnly = args.includes('--real-only');
const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const targetMB = Number(args.find((a) => /^\d+$/.test(a)) ?? 560);
const work = process.env.WHITTLE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'whittle-bench-analyze-'));
process.on('exit', () => {
  if (!process.env.WHITTLE_BENCH_DIR) rmSync(work, { recursive: true, force: true });
});
const haveSkopeo = spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0;

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

async function bigFileImage() {
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
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pythonList = (mode) => `import sys, tarfile
n = 0
for f in sys.argv[1:]:
    with tarfile.open(f, '${mode}') as t:
        for m in t: n += 1
print(n)`;

/** realShapedImage times whittle against the hash floor and the Python listing peer on one real-shaped image. */
async function realShapedImage(files) {
  const layout = join(work, `real-${files}`);
  const g = await generateRealShaped(layout, files, false);
  const blobs = blobsOf(layout, g);
  const bytes = g.descriptors.reduce((n, d) => n + d.size, 0);
  console.log(`\nreal-shaped image: ${g.descriptors.length} layers, ${g.entryCount} entries, ${g.fileCount} files (median ${g.medianFileSize} bytes), ${(bytes / 1e6).toFixed(0)} MB uncompressed`);
  sh(`cat ${blobs.join(' ')} > /dev/null`);
  const runs = { hash: [], stream: [], seek: [], whittle: [] };
  const cpu = { hash: [], stream: [], seek: [], whittle: [] };
  let rss = 0;
  let pyEntries = '';
  const run = (k, cmd, args) => {
    const t = timed(cmd, args);
    runs[k].push(t.seconds);
    cpu[k].push(t.cpu);
    return t;
  };
  for (let r = 0; r < rounds; r++) {
    run('hash', process.execPath, ['-e', hashScript, ...blobs]);
    pyEntries = run('stream', 'python3', ['-c', pythonList('r|'), ...blobs]).stdout.trim();
    run('seek', 'python3', ['-c', pythonList('r:'), ...blobs]);
    rss = Math.max(rss, run('whittle', process.execPath, ['bin/whittle.js', 'analyze', '--json', `oci:${layout}:bench`]).rssMB);
  }
  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
  console.log('what                                                          seconds   MB/s   CPU s');
  const row = (what, k) => console.log(`${what.padEnd(62)} ${m[k].toFixed(2).padStart(7)} ${(bytes / 1e6 / m[k]).toFixed(0).padStart(6)} ${c[k].toFixed(2).padStart(7)}`);
  row('floor: node:crypto sha256 of the layer bytes, as a process', 'hash');
  row(`peer: python3 tarfile listing, streamed (r|; ${pyEntries} members)`, 'stream');
  row('peer: python3 tarfile listing, seeking (r:)', 'seek');
  row('whittle analyze --json (oci, uncompressed)', 'whittle');
  const ratios = (t) => `${(t.whittle / t.hash).toFixed(2)}× the hash (target ≤ 2.0×), ${(t.whittle / t.stream).toFixed(2)}× the streamed and ${(t.whittle / t.seek).toFixed(2)}× the seeking Python listing (target < 1 against the faster: ${(t.whittle / Math.min(t.stream, t.seek)).toFixed(2)}×)`;
  console.log(`  wall: whittle takes ${ratios(m)}`);
  console.log(`  CPU:  whittle takes ${ratios(c)}`);
  console.log(`  whittle per entry: ${(((c.whittle - c.hash) / g.entryCount) * 1e6).toFixed(1)} µs of CPU above the floor; peak RSS ${rss.toFixed(0)} MB (target ≤ 256 MB); medians of ${rounds} interleaved rounds`);
}

const blobsOf = (layout, g) => g.descriptors.map((d) => join(layout, 'blobs', 'sha256', d.digest.slice(7)));
const hashScript = `const {createHash}=require('crypto');const fs=require('fs');(async()=>{for(const f of process.argv.slice(1)){const h=createHash('sha256');for await(const c of fs.createReadStream(f,{highWaterMark:1<<20}))h.update(c);h.digest();}})()`;
console.log(`load average at start: ${loadavg()} (${cpus().length} CPUs)`);
if (!realOnly) await bigFileImage();
await realShapedImage(26_000);
await realShapedImage(200_000);
console.log(`\nload average at end: ${loadavg()}`);
