// Benchmark: peak memory of `whittle analyze` on images with many entries: 200,000 files in one
// layer, and 10,000 layers of one file each (OCI layouts written straight to disk, uncompressed).
// Prints peak RSS and bytes per entry above a small image's baseline. See docs/security.md.
// Usage: npm run build && node bench/memory.mjs [files] [layers]
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const files = Number(process.argv[2] ?? 200_000);
const layerCount = Number(process.argv[3] ?? 10_000);
const out = fileURLToPath(new URL('./out/memory/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/whittle.js', import.meta.url));

/** header encodes a ustar header for a regular file or directory. */
function header(name, size, dir = false) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write(`${(dir ? 0o755 : 0o644).toString(8).padStart(7, '0')}\0`, 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.fill(0x20, 148, 156);
  h.write(dir ? '5' : '0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** writeLayer streams entries ([name, size, dir?]) into a blob of layout; returns its digest and size. */
async function writeLayer(layout, entries) {
  const tmp = join(layout, 'blobs', 'sha256', 'tmp');
  const ws = createWriteStream(tmp);
  const hash = createHash('sha256');
  let size = 0;
  const put = async (b) => {
    hash.update(b);
    size += b.length;
    if (!ws.write(b)) await new Promise((r) => ws.once('drain', r));
  };
  for (const [name, bytes, dir] of entries) {
    await put(header(name, bytes, dir));
    if (bytes > 0) await put(Buffer.alloc(Math.ceil(bytes / 512) * 512, 0x61));
  }
  await put(Buffer.alloc(1024));
  await new Promise((r) => ws.end(r));
  const digest = hash.digest('hex');
  await rename(tmp, join(layout, 'blobs', 'sha256', digest));
  return { digest: `sha256:${digest}`, size };
}

async function blob(layout, data) {
  const digest = createHash('sha256').update(data).digest('hex');
  await writeFile(join(layout, 'blobs', 'sha256', digest), data);
  return { digest: `sha256:${digest}`, size: data.length };
}

async function layoutOf(name, layers) {
  const layout = join(out, name);
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const descs = [];
  for (const entries of layers()) descs.push(await writeLayer(layout, entries));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: descs.map((d) => d.digest) },
    history: descs.map((_, i) => ({ created_by: `/bin/sh -c step ${i}` })),
  }));
  const cfg = await blob(layout, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: descs.map((d) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...d })),
  }));
  const m = await blob(layout, manifest);
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'x' } }] }));
  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return layout;
}

function measure(label, layout, entries) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, bin, 'analyze', `oci:${layout}:x`, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { label, entries, wall, rss: rssKb * 1024 };
}

await rm(out, { recursive: true, force: true });
const small = await layoutOf('small', function* () {
  yield [['etc/', 0, true], ['etc/hello', 10]];
});
const wide = await layoutOf('wide', function* () {
  const entries = [];
  for (let d = 0; d < 1000; d++) entries.push([`usr/share/d${d}/`, 0, true]);
  for (let i = 0; i < files; i++) entries.push([`usr/share/d${i % 1000}/file-${i}.txt`, i % 7 === 0 ? 100 : 0]);
  yield entries;
});
const tall = await layoutOf('tall', function* () {
  for (let i = 0; i < layerCount; i++) yield [[`layer-${i}.txt`, 10]];
});

const base = measure('2 entries, 1 layer', small, 2);
console.log(`baseline (${base.label}): ${(base.rss / 2 ** 20).toFixed(0)} MB peak RSS`);
for (const m of [measure(`${files.toLocaleString('en-US')} files in one layer`, wide, files + 1000), measure(`${layerCount.toLocaleString('en-US')} layers of one file`, tall, layerCount)]) {
  const per = (m.rss - base.rss) / m.entries;
  console.log(`whittle analyze, ${m.label}: ${m.wall.toFixed(1)} s, ${(m.rss / 2 ** 20).toFixed(0)} MB peak RSS, ${per.toFixed(0)} bytes per entry above the baseline`);
}
await rm(out, { recursive: true, force: true });
