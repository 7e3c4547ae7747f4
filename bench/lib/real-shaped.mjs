// Generator of real-shaped benchmark images: an OCI image layout whose layers look like a Node app
// on a Debian base (debian:bookworm, buildpack-deps, node, npm ci, the app), written straight to disk
// (layers are streamed, never held in memory). Real images are mostly small files, so the cost that
// matters is per entry: the sizes follow a log-normal with a median of a few KB per layer, beside a
// few large binaries and shared libraries (node, cc1, libLLVM-like .so files); entries are in the
// order a directory walk gives (each directory, then its entries by name, recursively), as Docker's
// and BuildKit's layer tars and `tar -c DIR` list them: a directory's entries come together (in a
// docker save of Debian's nodejs on bookworm, 78 % of entries share the parent of the entry before;
// the generator once listed files in random order, under 2 %); there are symlinks (usrmerge, .so versions,
// node_modules/.bin), hard links (perl, gzip), setuid files, deep node_modules paths (over 100 bytes:
// USTAR prefix or PAX), and a last layer that overwrites, deletes (.wh.) and hides (opaque) files.
// Everything comes from a seeded generator, so the same arguments give the same bytes.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { writeLayoutDocuments } from './generate.mjs';

/** GENERATOR_VERSION changes when the same arguments would give other bytes (2: entries in walk order). */
const GENERATOR_VERSION = 2;

/** mulberry32: a small seeded PRNG, so every run generates the same image. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** logNormal draws a size with the given median and spread (sigma of the natural log). */
function logNormal(rand, median, sigma) {
  const u = Math.max(rand(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  return Math.max(0, Math.round(median * Math.exp(sigma * z)));
}

// Content pools: file bytes are slices of these (random for binaries, text for sources), so writing
// hundreds of thousands of files costs no per-file random generation. Slices start at random
// offsets, so gzip (32 KiB window) finds no repeats across files of the random pool.
const POOL = 1 << 26;
let randomPool = null;
let textPool = null;
function pools() {
  if (!randomPool) {
    randomPool = randomBytes(POOL);
    const line = 'function lorem(ipsum) { return dolor.sit(amet, consectetur, adipiscing) } // elit\n';
    textPool = Buffer.alloc(POOL, line);
  }
  return { randomPool, textPool };
}

const BIG_FILES = [
  // [layer, path, MB] — the large binaries of a node:20-bookworm image
  [0, 'usr/lib/x86_64-linux-gnu/libc.so.6', 1.9],
  [0, 'usr/lib/x86_64-linux-gnu/libcrypto.so.3', 4.5],
  [0, 'usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30', 2.2],
  [0, 'usr/bin/bash', 1.3],
  [0, 'usr/lib/x86_64-linux-gnu/libsystemd.so.0.35.0', 0.9],
  [1, 'usr/lib/x86_64-linux-gnu/libgnutls.so.30.34.3', 2.0],
  [1, 'usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0', 0.7],
  [2, 'usr/bin/git', 4.0],
  [2, 'usr/lib/git-core/git-remote-http', 1.9],
  [2, 'usr/lib/x86_64-linux-gnu/libsvn_subr-1.so.1.0.0', 1.4],
  [3, 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', 33],
  [3, 'usr/lib/gcc/x86_64-linux-gnu/12/cc1plus', 36],
  [3, 'usr/lib/gcc/x86_64-linux-gnu/12/lto1', 32],
  [3, 'usr/lib/x86_64-linux-gnu/libLLVM-14.so.1', 12],
  [3, 'usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', 7.2],
  [3, 'usr/bin/python3.11', 6.8],
  [3, 'usr/lib/x86_64-linux-gnu/libperl.so.5.36.0', 3.9],
  [3, 'usr/lib/x86_64-linux-gnu/libmagickcore-6.q16.so.6.0.0', 3.6],
  [3, 'usr/lib/x86_64-linux-gnu/libicudata.so.72.1', 31],
  [3, 'usr/lib/x86_64-linux-gnu/libicui18n.so.72.1', 3.4],
  [3, 'usr/lib/x86_64-linux-gnu/libx265.so.199', 6],
  [3, 'usr/lib/x86_64-linux-gnu/libgdal.so.32.3.6.2', 9],
  [3, 'usr/lib/x86_64-linux-gnu/libmysqlclient.so.21.2.33', 7.5],
  [3, 'usr/lib/x86_64-linux-gnu/libdb-5.3.so', 1.8],
  [3, 'usr/bin/x86_64-linux-gnu-ld.gold', 2.7],
  [3, 'usr/lib/x86_64-linux-gnu/libasan.so.8.0.0', 8.6],
  [3, 'usr/lib/x86_64-linux-gnu/libgfortran.so.5.0.0', 3.1],
  [4, 'usr/local/bin/node', 96],
  [6, 'app/node_modules/@esbuild/linux-x64/bin/esbuild', 9.6],
  [6, 'app/node_modules/@swc/core-linux-x64-gnu/swc.linux-x64-gnu.node', 18],
  [6, 'app/node_modules/typescript/lib/typescript.js', 8.7],
  [6, 'app/node_modules/typescript/lib/tsserver.js', 8.6],
];

const words = ['core', 'util', 'lib', 'common', 'types', 'helpers', 'plugin', 'runtime', 'parser', 'compat', 'internal', 'shared', 'dist', 'esm', 'cjs', 'src', 'modules', 'data', 'locale', 'config'];
const pkgNames = ['babel', 'webpack', 'eslint', 'lodash', 'react', 'rxjs', 'yargs', 'chalk', 'semver', 'debug', 'glob', 'minimatch', 'acorn', 'ajv', 'postcss', 'jest', 'typescript-estree', 'core-js', 'regenerator', 'esquery'];
const exts = ['.js', '.js', '.js', '.d.ts', '.js.map', '.json', '.md', '.mjs', '.cjs', '.ts'];

/**
 * The layers of the image: how many files (the share of `files`, the image's total), their median
 * size and spread, and how their paths look. Shares are those of a node:20-bookworm app image (26,000 files make
 * 40,762 entries, near the 42,000 of the measured real image); past 45,000 files only the
 * node_modules layer grows, as in a large monorepo's image.
 */
function plan(files) {
  const base = Math.min(files, 45_000);
  const extra = files - base; // beyond a real image's count: a bigger node_modules
  return [
    { name: 'debian bookworm', files: Math.round(base * 0.19), median: 2_600, sigma: 1.3, shape: 'debian', roots: ['usr/share/doc', 'usr/share/locale', 'usr/share/zoneinfo', 'usr/lib/x86_64-linux-gnu', 'usr/share/perl5', 'usr/bin', 'etc', 'var/lib/dpkg/info'] },
    { name: 'buildpack-deps curl', files: Math.round(base * 0.02), median: 3_000, sigma: 1.3, shape: 'debian', roots: ['usr/share/doc', 'usr/lib/x86_64-linux-gnu', 'etc/ssl/certs', 'usr/share/ca-certificates/mozilla', 'var/lib/dpkg/info'] },
    { name: 'buildpack-deps scm', files: Math.round(base * 0.05), median: 3_500, sigma: 1.3, shape: 'debian', roots: ['usr/share/doc', 'usr/lib/git-core', 'usr/share/git-core/templates', 'usr/share/perl5/Git', 'usr/lib/python3/dist-packages/mercurial', 'var/lib/dpkg/info'] },
    { name: 'buildpack-deps', files: Math.round(base * 0.42), median: 3_200, sigma: 1.3, shape: 'debian', roots: ['usr/include', 'usr/include/x86_64-linux-gnu/bits', 'usr/share/doc', 'usr/lib/x86_64-linux-gnu', 'usr/lib/python3.11', 'usr/share/perl/5.36.0', 'usr/share/man/man3', 'usr/lib/gcc/x86_64-linux-gnu/12/include', 'usr/share/icons/hicolor', 'var/lib/dpkg/info'] },
    { name: 'node', files: Math.round(base * 0.06), median: 2_000, sigma: 1.3, shape: 'npm', roots: ['usr/local/lib/node_modules/npm/node_modules', 'usr/local/include/node'] },
    { name: 'yarn', files: Math.round(base * 0.01), median: 2_500, sigma: 1.3, shape: 'npm', roots: ['opt/yarn-v1.22.19/lib', 'opt/yarn-v1.22.19/bin'] },
    { name: 'npm ci', files: Math.round(base * 0.24) + extra, median: 1_300, sigma: 1.3, shape: 'npm', roots: ['app/node_modules'] },
    { name: 'COPY . .', files: Math.max(1, Math.round(base * 0.01)), median: 2_200, sigma: 1.4, shape: 'app', roots: ['app/src', 'app/dist', 'app/public'], last: true },
  ];
}

/** pathFor makes a file path of the layer's shape: dpkg-like, npm-like (deep), or app sources. */
function pathFor(rand, layer, i) {
  const root = layer.roots[Math.floor(rand() * layer.roots.length)];
  const w = () => words[Math.floor(rand() * words.length)];
  if (layer.shape === 'npm') {
    // a package (one of files/25, each with the same few folders), nested 0–2 deep: node_modules/a/node_modules/@scope/b/lib/x.js
    const pkg = Math.floor(rand() * Math.max(1, layer.files / 25));
    const r = rng(pkg * 7919 + layer.files);
    const parts = [root];
    const nests = Math.floor(r() * 3);
    for (let n = 0; n <= nests; n++) {
      const p = pkgNames[Math.floor(r() * pkgNames.length)];
      parts.push(r() < 0.25 ? `@${p}/${words[Math.floor(r() * words.length)]}-${pkg}` : `${p}-${pkg}`);
      if (n < nests) parts.push('node_modules');
    }
    const sub = ['', '', 'lib', 'dist', 'dist/esm', 'dist/cjs/internal', 'src/util', 'types'][Math.floor(rand() * 8)];
    if (sub) parts.push(sub);
    parts.push(`${w()}-${i}${exts[Math.floor(rand() * exts.length)]}`);
    return parts.join('/');
  }
  if (layer.shape === 'app') return `${root}/${w()}/${w()}-${i}.js`;
  return `${root}/${w()}${Math.floor(rand() * Math.max(1, layer.files / 400))}/${w()}-${i}${rand() < 0.5 ? '.gz' : rand() < 0.5 ? '.h' : ''}`;
}

/**
 * entriesOf lists one layer's entries in tar order (each directory before its first child), with
 * symlinks, hard links and the big files of the layer. Sizes and paths are drawn from rand.
 */
function entriesOf(rand, layer, index, previous) {
  const files = [];
  for (let i = 0; i < layer.files; i++) {
    const size = logNormal(rand, layer.median, layer.sigma);
    files.push({ type: 'file', name: pathFor(rand, layer, i), size: Math.min(size, 2 << 20), text: layer.shape !== 'debian' || rand() < 0.5, mode: rand() < 0.1 ? 0o755 : 0o644 });
  }
  for (const [l, path, mb] of BIG_FILES) if (l === index) files.push({ type: 'file', name: path, size: Math.round(mb * 1e6), text: false, mode: 0o755 });
  const links = [];
  if (index === 0) {
    for (const top of ['bin', 'sbin', 'lib', 'lib64']) links.push({ type: 'symlink', name: top, linkname: `usr/${top}` });
    files.push({ type: 'file', name: 'usr/bin/passwd', size: 68_000, text: false, mode: 0o4755 });
    files.push({ type: 'file', name: 'usr/bin/perl', size: 3_900_000, text: false, mode: 0o755 });
    links.push({ type: 'link', name: 'usr/bin/perl5.36.0', linkname: 'usr/bin/perl' });
    files.push({ type: 'file', name: 'usr/bin/gzip', size: 98_000, text: false, mode: 0o755 });
    for (const l of ['usr/bin/uncompress', 'usr/bin/gunzip']) links.push({ type: 'link', name: l, linkname: 'usr/bin/gzip' });
    files.push({ type: 'file', name: 'var/cache/debconf/templates.dat', size: 1_200_000, text: true, mode: 0o644 });
    files.push({ type: 'file', name: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', size: 9_400_000, text: false, mode: 0o644 });
  }
  if (layer.shape === 'debian') {
    // every apt layer writes dpkg's status (bigger each time) and opens its lock files for writing,
    // so overlayfs copies them up: the same empty files in each of these layers
    files.push({ type: 'file', name: 'var/lib/dpkg/status', size: 400_000 + index * 150_000, text: true, mode: 0o644 });
    for (const lock of ['var/lib/dpkg/lock', 'var/lib/dpkg/lock-frontend', 'var/lib/dpkg/triggers/Lock', 'var/cache/apt/archives/lock', 'var/lib/apt/lists/lock']) {
      files.push({ type: 'file', name: lock, size: 0, text: true, mode: 0o640 });
    }
  }
  // a tenth of the files of each dpkg-like layer get a version symlink (libfoo.so.1 -> libfoo.so.1.2.3, alternatives)
  // and npm layers link .bin entries to packages
  const step = layer.shape === 'debian' ? 10 : 40;
  for (let i = 0; i < files.length; i += step) {
    const f = files[i];
    const dir = f.name.slice(0, f.name.lastIndexOf('/'));
    const base = f.name.slice(dir.length + 1);
    if (layer.shape === 'npm') links.push({ type: 'symlink', name: `${layer.roots[0]}/.bin/${base.replace(/\..*$/, '')}-${i}`, linkname: `../${f.name.slice(layer.roots[0].length + 1)}` });
    else links.push({ type: 'symlink', name: `${dir}/${base}.so.${i % 7}`, linkname: base });
  }
  if (layer.last) {
    // the app layer rewrites, deletes and hides lower files, as a real COPY . . and RUN cleanups do
    // (same-size rewrites only of the app's own files: a chown -R of node_modules, say)
    for (let i = 0; i < previous.length; i += Math.max(1, Math.floor(previous.length / 300))) {
      const f = previous[i];
      if (i % 3 === 0 && f.layer === index - 1) files.push({ type: 'file', name: f.name, size: f.size, text: true, mode: 0o644 }); // rewritten (same size)
      else if (i % 3 !== 2) files.push({ type: 'file', name: f.name, size: f.size + 100, text: true, mode: 0o644 }); // new content
      else links.push({ type: 'whiteout', name: f.name });
    }
    links.push({ type: 'whiteout', name: 'var/lib/apt/lists' });
    links.push({ type: 'opaque', name: 'usr/share/doc' });
  }
  // directories first, each once, before their children (as docker save writes them)
  const out = [];
  const dirs = new Set();
  const addDirs = (name) => {
    const parts = name.split('/');
    for (let k = 1; k < parts.length; k++) {
      const d = parts.slice(0, k).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        out.push({ type: 'directory', name: `${d}/` });
      }
    }
  };
  const seen = new Set();
  for (const e of [...files, ...links]) {
    const name = e.type === 'whiteout' ? e.name.replace(/([^/]+)$/, '.wh.$1') : e.type === 'opaque' ? `${e.name}/.wh..wh..opq` : e.name;
    if (seen.has(name)) continue; // the random paths can repeat; a real tar has each name once
    seen.add(name);
    addDirs(name);
    out.push({ ...e, name });
  }
  return { entries: walkOrder(out), files: files.filter((f) => f.type === 'file') };
}

/**
 * walkOrder sorts entries as a directory walk lists them: name by name, component by component (so
 * a directory comes right before its own entries), byte order within a directory, as Go's
 * filepath.Walk (Docker's archive package) does. Hard links go last, after whatever they name.
 */
function walkOrder(entries) {
  const key = (e) => e.name.replace(/\/$/, '').split('/');
  const compare = (a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length - b.length;
  };
  const keyed = entries.filter((e) => e.type !== 'link').map((e) => ({ e, k: key(e) }));
  keyed.sort((a, b) => compare(a.k, b.k));
  return [...keyed.map((x) => x.e), ...entries.filter((e) => e.type === 'link')];
}

async function writeLayer(file, entries, gzip) {
  const { randomPool, textPool } = pools();
  const pack = tar.pack();
  const hashTar = createHash('sha256');
  const hashBlob = createHash('sha256');
  let size = 0;
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const counter = new PassThrough({ highWaterMark: 1 << 20 });
  counter.on('data', (c) => {
    hashBlob.update(c);
    size += c.length;
  });
  pack.on('data', (c) => hashTar.update(c));
  const done = gzip ? pipeline(pack, createGzip({ level: 1, chunkSize: 1 << 20 }), counter, out) : pipeline(pack, counter, out);
  let offset = 0;
  const mtime = new Date(1_700_000_000_000);
  const header = (e) => ({ name: e.name, mode: e.mode ?? 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime });
  const slice = (pool, n) => {
    if (offset + n > POOL) offset = 0;
    const s = pool.subarray(offset, offset + n);
    offset += n + 1 + (n % 4093);
    return s;
  };
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ ...header(e), type: 'directory' });
    else if (e.type === 'symlink' || e.type === 'link') pack.entry({ ...header(e), mode: 0o777, type: e.type, linkname: e.linkname });
    else if (e.type === 'whiteout' || e.type === 'opaque') pack.entry({ ...header(e), mode: 0o644, size: 0 }, Buffer.alloc(0));
    else {
      const pool = e.text ? textPool : randomPool;
      await new Promise((resolve, reject) => {
        const w = pack.entry({ ...header(e), size: e.size }, (err) => (err ? reject(err) : resolve()));
        let left = e.size;
        const pump = () => {
          while (left > 0) {
            const n = Math.min(left, 1 << 20);
            left -= n;
            if (!w.write(slice(pool, n))) return w.once('drain', pump);
          }
          w.end();
        };
        pump();
      });
    }
  }
  pack.finalize();
  await done;
  return { digest: `sha256:${hashBlob.digest('hex')}`, size, diffId: `sha256:${hashTar.digest('hex')}` };
}

/**
 * generateRealShaped writes an OCI image layout at layout with about `files` regular files (26,000
 * is a node:20-bookworm app image; past 45,000 only its node_modules layer grows), uncompressed or gzip (level 1)
 * layers. An existing layout is reused (WHITTLE_BENCH_DIR keeps it between runs). Returns the layer
 * descriptors and counts of entries and files.
 */
export async function generateRealShaped(layout, files = 26_000, gzip = false) {
  const summary = join(layout, 'bench-summary.json');
  // a layout from an older generator (another entry order: version 1 listed files at random) is made again
  if (existsSync(join(layout, 'index.json')) && existsSync(summary)) {
    const kept = JSON.parse(readFileSync(summary, 'utf8'));
    if (kept.generator === GENERATOR_VERSION) return kept;
    await rm(layout, { recursive: true, force: true });
  }
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const rand = rng(0x5eed + files);
  const descriptors = [];
  const diffIds = [];
  let entryCount = 0;
  let fileCount = 0;
  const sizes = [];
  let previous = [];
  const layers = plan(files);
  for (const [i, layer] of layers.entries()) {
    const { entries, files: layerFiles } = entriesOf(rand, layer, i, previous);
    previous = previous.concat(layerFiles.filter((f) => f.size > 0 && f.size < 1 << 20).slice(0, 2_000).map((f) => ({ ...f, layer: i })));
    entryCount += entries.length;
    for (const e of entries) if (e.type === 'file') (fileCount++, sizes.push(e.size));
    const file = join(layout, `layer-${i}`);
    const d = await writeLayer(file, entries, gzip);
    await rename(file, join(layout, 'blobs', 'sha256', d.digest.slice(7)));
    descriptors.push({ mediaType: gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar', digest: d.digest, size: d.size });
    diffIds.push(d.diffId);
    process.stderr.write(`generated layer ${i + 1}/${layers.length} (${layer.name}: ${entries.length} entries)\n`);
  }
  sizes.sort((a, b) => a - b);
  await writeLayoutDocuments(layout, {
    architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['node', 'dist/server.js'], WorkingDir: '/app', User: 'node' },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map((l) => ({ created: '2026-01-01T00:00:00Z', created_by: l.name === 'COPY . .' ? 'COPY . . # buildkit' : l.name === 'npm ci' ? 'RUN /bin/sh -c npm ci # buildkit' : `/bin/sh -c #(nop) ${l.name}` })),
  }, descriptors);
  const result = { generator: GENERATOR_VERSION, descriptors, entryCount, fileCount, medianFileSize: sizes[sizes.length >> 1] ?? 0 };
  await writeFile(summary, JSON.stringify(result));
  return result;
}
