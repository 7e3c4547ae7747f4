// Writes examples/wasteful.tar: a small docker-archive that makes the mistakes the articles warn
// about — apt lists left behind, a file deleted in a later layer, a chmod copy, a compiler and
// headers, a .env and a .git directory copied in, no USER. No Docker engine and no network needed.
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tar from 'tar-stream';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'wasteful.tar');

/** seeded bytes, so the example is the same every time */
function bytes(size, seed) {
  const b = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

async function pack(entries) {
  const p = tar.pack();
  for (const e of entries) {
    const header = { name: e.name, mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), mtime: new Date(0), uid: 0, gid: 0, type: e.type ?? 'file', linkname: e.linkname };
    p.entry(header, e.type && e.type !== 'file' ? undefined : e.data ?? Buffer.alloc(0));
  }
  p.finalize();
  const chunks = [];
  for await (const c of p) chunks.push(c);
  return Buffer.concat(chunks);
}

const f = (name, size, seed, mode) => ({ name, data: bytes(size, seed), mode });
const d = (name) => ({ name, type: 'directory' });
const layers = [
  ['#(nop) ADD file:4b1ea3c6e3b2 in / ', [
    d('bin'), d('etc'), d('usr'), d('usr/bin'), d('var'), d('var/lib'), d('var/lib/dpkg'),
    { name: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/bash\n') },
    f('bin/bash', 1_200_000, 1, 0o755), f('bin/sh', 120_000, 2, 0o755),
    f('usr/bin/apt-get', 50_000, 3, 0o755), f('usr/bin/dpkg', 300_000, 4, 0o755),
    f('usr/bin/passwd', 60_000, 5, 0o4755), f('var/lib/dpkg/status', 400_000, 6),
  ]],
  ['apt-get update && apt-get install -y gcc', [
    d('var/lib/apt'), d('var/lib/apt/lists'), d('var/cache'), d('var/cache/apt'), d('var/cache/apt/archives'), d('usr/include'),
    f('var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages', 1_500_000, 7),
    f('var/cache/apt/archives/gcc-12_12.2.0-14_amd64.deb', 800_000, 8),
    f('usr/bin/gcc-12', 1_000_000, 9, 0o755), { name: 'usr/bin/gcc', type: 'symlink', linkname: 'gcc-12' },
    f('usr/include/stdio.h', 30_000, 10),
  ]],
  ['curl -o /tmp/data.tgz https://example.com/data.tgz', [d('tmp'), f('tmp/data.tgz', 2_000_000, 11)]],
  ['rm /tmp/data.tgz', [{ name: 'tmp/.wh.data.tgz', data: Buffer.alloc(0) }]],
  ['#(nop) COPY dir:9f3c2a1b in /app ', [
    d('app'), f('app/server.js', 4_000, 12), { name: 'app/.env', data: Buffer.from('DB_PASSWORD=hunter2\n') },
    d('app/.git'), f('app/.git/packfile', 300_000, 13),
  ]],
  ['chmod 755 /var/lib/dpkg/status', [f('var/lib/dpkg/status', 400_000, 6, 0o755)]],
];

const tars = await Promise.all(layers.map(([, entries]) => pack(entries)));
const sha = (b) => createHash('sha256').update(b).digest('hex');
const history = [];
layers.forEach(([createdBy], i) => {
  history.push({ created: '2026-01-01T00:00:00Z', created_by: `/bin/sh -c ${createdBy}` });
  if (i === 0) history.push({ created: '2026-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true });
});
history.push({ created: '2026-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop)  CMD ["node","/app/server.js"]', empty_layer: true });
const config = Buffer.from(JSON.stringify({
  architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
  config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['node', '/app/server.js'], WorkingDir: '/app' },
  rootfs: { type: 'layers', diff_ids: tars.map((t) => `sha256:${sha(t)}`) },
  history,
}));
const archive = [
  { name: `${sha(config)}.json`, data: config },
  ...tars.map((t) => ({ name: `${sha(t)}/layer.tar`, data: t })),
  { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['whittle-example/wasteful:latest'], Layers: tars.map((t) => `${sha(t)}/layer.tar`) }])) },
];
const tmp = `${out}.tmp`;
try {
  writeFileSync(tmp, await pack(archive));
  renameSync(tmp, out);
} catch (err) {
  rmSync(tmp, { force: true });
  throw err;
}
console.error(`wrote ${out}`);
