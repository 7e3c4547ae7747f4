// Benchmark: `whittle squash` of a large gzip OCI image (≥ 500 MB uncompressed, ≥ 20,000 files,
// files deleted and overwritten in later layers), timed in one run against
//   - the floor: reading and gunzipping every layer once (gzip -dc, layer after layer, and two at once;
//     and node:zlib with both sha256 digests, what a verified read of every layer costs at least);
//   - `docker export | docker import` of a container of the same image, when an engine runs.
// Targets (issue 5): faster than export|import; within 2× of the floor. Peak RSS is reported too.
// `--real` runs the same on the real-shaped image instead (bench/lib/real-shaped.mjs, gzip layers:
// a Node app on Debian, 26,000 files of a median 2.4 KB, where the cost is per entry; issue 13 asks
// that squash and strip keep their ratios there). `whittle strip` of the image is timed beside squash.
// Usage: npm run build && node bench/squash.mjs [megabytes=560] [--real]
// WHITTLE_BENCH_DIR=/some/dir keeps the generated image there and reuses it on the next run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from './lib/generate.mjs';
import { generateRealShaped } from './lib/real-shaped.mjs';
import { timed } from './lib/timed.mjs';

const args = process.argv.slice(2);
const real = args.includes('--real');
const targetMB = Number(args.find((a) => /^\d+$/.test(a)) ?? 560);
const work = process.env.WHITTLE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), "whittle-bench-squash-"));
const layout = join(work, real ? 'real-image' : 'image');
const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const cleanups = [];
process.on('exit', () => {
  for (const fn of cleanups.reverse()) fn();
  if (!process.env.WHITTLE_BENCH_DIR) rmSync(work, { recursive: true, force: true });
});


function sh(script) {
  return timed('sh', ['-c', script]);
}

const { descriptors, fileCount } = real ? await generateRealShaped(layout, 26_000, true) : await generate(layout, targetMB);
const blobs = descriptors.map((d) => join(layout, 'blobs', 'sha256', d.digest.slice(7)));
const compressed = descriptors.reduce((n, d) => n + d.size, 0);
const uncompressed = Number(execFileSync('sh', ['-c', `cat ${blobs.join(' ')} | gzip -dc | wc -c`], { encoding: 'utf8' }).trim());
console.log(`image: ${descriptors.length} gzip layers, ${fileCount} files, ${(compressed / 1e6).toFixed(0)} MB compressed, ${(uncompressed / 1e6).toFixed(0)} MB uncompressed`);

const rows = [];
const floorSeq = sh(`for b in ${blobs.join(' ')}; do gzip -dc "$b" >/dev/null; done`);
rows.push(['floor: gunzip every layer once, in sequence', floorSeq]);
// the physical limit as whittle must do it: hash each blob, gunzip it, hash the tar (node:zlib and node:crypto)
const floorNode = timed(process.execPath, ['--input-type=module', '-e', `
  import { createReadStream } from 'node:fs';
  import { createHash } from 'node:crypto';
  import { createGunzip } from 'node:zlib';
  for (const b of ${JSON.stringify(blobs)}) {
    const blob = createHash('sha256');
    const tar = createHash('sha256');
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    gunzip.on('data', (c) => tar.update(c));
    const done = new Promise((resolve, reject) => gunzip.on('end', resolve).on('error', reject));
    for await (const c of createReadStream(b, { highWaterMark: 1 << 20 })) {
      blob.update(c);
      if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
    }
    gunzip.end();
    await done;
    blob.digest();
    tar.digest();
  }
`]);
rows.push(['floor: hash, gunzip, hash every layer once (node)', floorNode]);
const floorPar = sh(`printf '%s\\n' ${blobs.join(' ')} | xargs -P 2 -n 1 sh -c 'gzip -dc "$0" >/dev/null'`);
rows.push(['floor: gunzip every layer once, two at a time', floorPar]);

const whittle = (args) => timed(process.execPath, ['bin/whittle.js', ...args]);
const outTar = join(work, 'squashed.tar');
const squashNone = whittle(['squash', `oci:${layout}:bench`, '--compression', 'none', '-o', `docker-archive:${outTar}:whittle-bench/squashed:1`]);
rows.push(['whittle squash → docker-archive (uncompressed layer)', squashNone]);
const squashedSize = statSync(outTar).size;
rmSync(outTar);
const squashGzip = whittle(['squash', `oci:${layout}:bench`, '--compression', 'gzip', '-o', `oci:${join(work, 'squashed-oci')}:bench`]);
rows.push(['whittle squash → oci (gzip layer)', squashGzip]);
rmSync(join(work, 'squashed-oci'), { recursive: true, force: true });
const stripOut = join(work, 'stripped.tar');
const strip = whittle(['strip', `oci:${layout}:bench`, '-o', `docker-archive:${stripOut}:whittle-bench/stripped:1`]);
rows.push(['whittle strip → docker-archive', strip]);
rmSync(stripOut, { force: true });

let exportImport = null;
if (engine) {
  const tag = `whittle-bench/squash-src:${process.pid}`;
  const imported = `whittle-bench/squash-imported:${process.pid}`;
  whittle(['squash', `oci:${layout}:bench`, '--last', '1', '--compression', 'none', '-o', `docker-archive:${join(work, 'load.tar')}:${tag}`]);
  // load the original image itself (all layers), written by whittle as a docker-archive
  execFileSync(process.execPath, ['-e', `
    const { openImage } = await import('./dist/transports/open.js');
    const { writeImage } = await import('./dist/transports/write.js');
    await writeImage(await openImage(${JSON.stringify(`oci:${layout}:bench`)}), ${JSON.stringify(`docker-archive:${join(work, 'load.tar')}:${tag}`)});
  `, '--input-type=module']);
  execFileSync('docker', ['load', '-q', '-i', join(work, 'load.tar')]);
  rmSync(join(work, 'load.tar'));
  const container = execFileSync('docker', ['create', tag, '/bin/true'], { encoding: 'utf8' }).trim();
  cleanups.push(() => spawnSync('docker', ['rm', '-f', container], { stdio: 'ignore' }));
  cleanups.push(() => spawnSync('docker', ['rmi', '-f', tag, imported], { stdio: 'ignore' }));
  exportImport = sh(`docker export ${container} | docker import - ${imported} >/dev/null`);
  rows.push(['docker export | docker import', exportImport]);
} else {
  console.log('(no Docker engine: docker export | docker import not measured)');
}

console.log('');
console.log('what                                                     seconds   peak RSS');
for (const [what, r] of rows) console.log(`${what.padEnd(56)} ${r.seconds.toFixed(2).padStart(7)}   ${Number.isNaN(r.rssMB) ? '' : `${r.rssMB.toFixed(0)} MB`}`);
console.log('');
console.log(`squashed layer: ${(squashedSize / 1e6).toFixed(0)} MB (docker-archive)`);
const ratio = (a, b) => (a.seconds / b.seconds).toFixed(2);
console.log(`whittle squash (uncompressed) / floor in sequence:     ${ratio(squashNone, floorSeq)}×  (target ≤ 2)`);
console.log(`whittle squash (uncompressed) / floor two at a time:   ${ratio(squashNone, floorPar)}×`);
console.log(`whittle squash (uncompressed) / node hash+gunzip+hash: ${ratio(squashNone, floorNode)}×`);
console.log(`whittle squash (gzip) / floor in sequence:             ${ratio(squashGzip, floorSeq)}×`);
console.log(`whittle strip / floor in sequence:                     ${ratio(strip, floorSeq)}×`);
if (exportImport) console.log(`whittle squash (uncompressed) / docker export|import:  ${ratio(squashNone, exportImport)}×  (target < 1)`);

