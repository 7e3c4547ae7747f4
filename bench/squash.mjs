// Benchmark: `whittle squash` of a large gzip OCI image (≥ 500 MB uncompressed, ≥ 20,000 files,
// files deleted and overwritten in later layers), timed in one run against
//   - the floor: reading and gunzipping every layer once (gzip -dc, layer after layer, and two at once);
//   - `docker export | docker import` of a container of the same image, when an engine runs.
// Targets (issue 5): faster than export|import; within 2× of the floor. Peak RSS is reported too.
// Usage: npm run build && node bench/squash.mjs [megabytes=560]
// WHITTLE_BENCH_DIR=/some/dir keeps the generated image there and reuses it on the next run.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';

const targetMB = Number(process.argv[2] ?? 560);
const work = process.env.WHITTLE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), "whittle-bench-squash-"));
const layout = join(work, 'image');
const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const cleanups = [];
process.on('exit', () => {
  for (const fn of cleanups.reverse()) fn();
  if (!process.env.WHITTLE_BENCH_DIR) rmSync(work, { recursive: true, force: true });
});

/** content: half random (incompressible), half text-like, so gzip does real work as in real images. */
function content(size) {
  const half = Math.floor(size / 2);
  const text = Buffer.alloc(size - half, 'lorem ipsum dolor sit amet, consectetur adipiscing elit\n');
  return Buffer.concat([randomBytes(half), text]);
}

async function writeLayer(file, entries) {
  const pack = tar.pack();
  const hashTar = createHash('sha256');
  const hashBlob = createHash('sha256');
  let size = 0;
  const out = createWriteStream(file);
  const gzip = createGzip({ level: 1, chunkSize: 1 << 20 });
  gzip.on('data', (c) => {
    hashBlob.update(c);
    size += c.length;
  });
  pack.on('data', (c) => hashTar.update(c));
  const done = pipeline(pack, gzip, out);
  for (const e of entries) {
    if (e.type === 'dir') pack.entry({ name: e.name, type: 'directory', mode: 0o755, mtime: new Date(0) });
    else {
      const data = e.data ?? content(e.size);
      await new Promise((resolve, reject) => pack.entry({ name: e.name, mode: 0o644, mtime: new Date(0), size: data.length }, data, (err) => (err ? reject(err) : resolve())));
    }
  }
  pack.finalize();
  await done;
  return { digest: `sha256:${hashBlob.digest('hex')}`, size, diffId: `sha256:${hashTar.digest('hex')}` };
}

/** sizes spread like a real distribution: many small files, a few big ones. */
function sizes(count, totalBytes) {
  const weights = Array.from({ length: count }, (_, i) => (i % 97 === 0 ? 400 : i % 7 === 0 ? 20 : 1 + (i % 5)));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.max(1, Math.floor((w / sum) * totalBytes)));
}

async function generate() {
  if (existsSync(join(layout, 'index.json'))) return reuse(); // WHITTLE_BENCH_DIR keeps the image between runs
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const total = targetMB * 1e6;
  const plan = [
    { files: 11_000, bytes: total * 0.45, dir: 'usr/lib/base' },
    { files: 6_000, bytes: total * 0.25, dir: 'opt/app' },
    { files: 1_000, bytes: total * 0.1, dir: 'usr/lib/base', spread: 30, delete: 'usr/lib/base/d35' },
    { files: 3_500, bytes: total * 0.2, dir: 'srv/data' },
  ];
  const descriptors = [];
  const diffIds = [];
  let fileCount = 0;
  for (const [i, layer] of plan.entries()) {
    const entries = [];
    const dirs = new Set();
    const s = sizes(layer.files, layer.bytes);
    for (let f = 0; f < layer.files; f++) {
      const d = `${layer.dir}/d${f % (layer.spread ?? 40)}`;
      for (const p of [layer.dir, d]) {
        if (!dirs.has(p)) {
          dirs.add(p);
          entries.push({ type: 'dir', name: `${p}/` });
        }
      }
      entries.push({ name: `${d}/f${f}.bin`, size: s[f] });
    }
    if (layer.delete) {
      const parent = layer.delete.slice(0, layer.delete.lastIndexOf('/'));
      entries.push({ name: `${parent}/.wh.${layer.delete.slice(parent.length + 1)}`, data: Buffer.alloc(0) });
    }
    fileCount += layer.files;
    const file = join(layout, `layer-${i}`);
    const d = await writeLayer(file, entries);
    await rename(file, join(layout, 'blobs', 'sha256', d.digest.slice(7)));
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d.digest, size: d.size });
    diffIds.push(d.diffId);
    process.stderr.write(`generated layer ${i + 1}/${plan.length}\n`);
  }
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `bench layer ${i + 1}` })),
  }));
  const put = async (data) => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), data);
    return { digest, size: data.length };
  };
  const c = await put(config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c }, layers: descriptors,
  }));
  const m = await put(manifest);
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }],
  }));
  return { descriptors, fileCount };
}

async function reuse() {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  return { descriptors: manifest.layers, fileCount: 21_500 };
}

/** timed runs a command, returning seconds and peak RSS (MB) as /usr/bin/time -v reports them. */
function timed(cmd, args, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

function sh(script) {
  return timed('sh', ['-c', script]);
}

const { descriptors, fileCount } = await generate();
const blobs = descriptors.map((d) => join(layout, 'blobs', 'sha256', d.digest.slice(7)));
const compressed = descriptors.reduce((n, d) => n + d.size, 0);
const uncompressed = Number(execFileSync('sh', ['-c', `cat ${blobs.join(' ')} | gzip -dc | wc -c`], { encoding: 'utf8' }).trim());
console.log(`image: ${descriptors.length} gzip layers, ${fileCount} files, ${(compressed / 1e6).toFixed(0)} MB compressed, ${(uncompressed / 1e6).toFixed(0)} MB uncompressed`);

const rows = [];
const floorSeq = sh(`for b in ${blobs.join(' ')}; do gzip -dc "$b" >/dev/null; done`);
rows.push(['floor: gunzip every layer once, in sequence', floorSeq]);
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

let exportImport = null;
if (engine) {
  const tag = `whittle-bench/squash-src:${process.pid}`;
  const imported = `whittle-bench/squash-imported:${process.pid}`;
  whittle(['squash', `oci:${layout}:bench`, '--last', '1', '--compression', 'none', '-o', `docker-archive:${join(work, 'load.tar')}:${tag}`]);
  // load the original image itself (all layers), written by whittle as a docker-archive
  execFileSync(process.execPath, ['-e', `
    const { openImage } = await import('./dist/image/reference.js');
    const { writeImage } = await import('./dist/sinks/index.js');
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
console.log(`whittle squash (gzip) / floor in sequence:             ${ratio(squashGzip, floorSeq)}×`);
if (exportImport) console.log(`whittle squash (uncompressed) / docker export|import:  ${ratio(squashNone, exportImport)}×  (target < 1)`);

