// Generator of large benchmark images: an OCI image layout written straight to disk (layers are
// streamed, never held in memory), with the file count and size mix of a real distribution image.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

/** content: half random (incompressible), half text-like, so gzip does real work as in real images. */
function content(size) {
  const half = Math.floor(size / 2);
  const text = Buffer.alloc(size - half, 'lorem ipsum dolor sit amet, consectetur adipiscing elit\n');
  return Buffer.concat([randomBytes(half), text]);
}

export async function writeLayer(file, entries, gzip) {
  const pack = tar.pack();
  const hashTar = createHash('sha256');
  const hashBlob = createHash('sha256');
  let size = 0;
  const out = createWriteStream(file);
  const counter = new PassThrough();
  counter.on('data', (c) => {
    hashBlob.update(c);
    size += c.length;
  });
  pack.on('data', (c) => hashTar.update(c));
  const done = gzip ? pipeline(pack, createGzip({ level: 1, chunkSize: 1 << 20 }), counter, out) : pipeline(pack, counter, out);
  for (const e of entries) {
    if (e.type === 'dir') pack.entry({ name: e.name, type: 'directory', mode: 0o755, mtime: new Date(0) });
    else if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.target, mode: 0o777, mtime: new Date(0) });
    else {
      const data = e.data ?? content(e.size);
      await new Promise((resolve, reject) => pack.entry({ name: e.name, mode: e.mode ?? 0o644, mtime: new Date(0), size: data.length }, data, (err) => (err ? reject(err) : resolve())));
    }
  }
  pack.finalize();
  await done;
  return { digest: `sha256:${hashBlob.digest('hex')}`, size, diffId: `sha256:${hashTar.digest('hex')}` };
}

/**
 * writeLayoutDocuments finishes an OCI image layout whose layer blobs are in place: the config, the
 * manifest, oci-layout and index.json naming the image `ref`. The one writer of the benches' layouts.
 */
export async function writeLayoutDocuments(layout, config, layers, ref = 'bench') {
  const put = async (data) => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), data);
    return { digest, size: data.length };
  };
  const c = await put(Buffer.from(JSON.stringify(config)));
  const m = await put(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c }, layers,
  })));
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': ref } }],
  }));
}

/** sizes spread like a real distribution: many small files, a few big ones. */
function sizes(count, totalBytes) {
  const weights = Array.from({ length: count }, (_, i) => (i % 97 === 0 ? 400 : i % 7 === 0 ? 20 : 1 + (i % 5)));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.max(1, Math.floor((w / sum) * totalBytes)));
}

/**
 * generate writes an OCI image layout at layout: 4 layers, ~21,500 files, targetMB of content, a
 * directory deleted and 1,000 files overwritten in layer 3; gzip (level 1) or uncompressed layers.
 * An existing layout is reused (WHITTLE_BENCH_DIR keeps it between runs).
 */
export async function generate(layout, targetMB, gzip = true) {
  if (existsSync(join(layout, 'index.json'))) return reuse(layout);
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
    const d = await writeLayer(file, entries, gzip);
    await rename(file, join(layout, 'blobs', 'sha256', d.digest.slice(7)));
    descriptors.push({ mediaType: gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar', digest: d.digest, size: d.size });
    diffIds.push(d.diffId);
    process.stderr.write(`generated layer ${i + 1}/${plan.length}\n`);
  }
  await writeLayoutDocuments(layout, {
    architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `bench layer ${i + 1}` })),
  }, descriptors);
  return { descriptors, fileCount, diffIds };
}

/**
 * generateFiles writes an OCI image layout of one gzip layer holding count small files (median a
 * few hundred bytes, spread over count/100 directories): the shape that costs per entry.
 */
export async function generateFiles(layout, count) {
  if (existsSync(join(layout, 'index.json'))) return;
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const entries = [];
  const dirs = Math.max(1, Math.floor(count / 100));
  for (let d = 0; d < dirs; d++) entries.push({ type: 'dir', name: `srv/files/d${d}/` });
  for (let f = 0; f < count; f++) entries.push({ name: `srv/files/d${f % dirs}/file-${f}.txt`, size: 100 + ((f * 7919) % 900) });
  const file = join(layout, 'layer');
  const d = await writeLayer(file, entries, true);
  await rename(file, join(layout, 'blobs', 'sha256', d.digest.slice(7)));
  await writeLayoutDocuments(
    layout,
    { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [d.diffId] }, history: [{ created_by: 'bench files' }] },
    [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d.digest, size: d.size }],
  );
}

async function reuse(layout) {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  return { descriptors: manifest.layers, fileCount: 21_500, diffIds: JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', manifest.config.digest.slice(7)), 'utf8')).rootfs.diff_ids };
}

