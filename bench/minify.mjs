// Benchmark: `whittle minify` against `whittle squash` of the same image, side by side in one run
// (issue 14: the static closure costs at most 1.5× a squash; memory stays under analyze's bound):
//   - the ≥ 500 MB generated image (bench/lib/generate.mjs) with a real-shaped top layer: a shell
//     script entrypoint run by the host's dash, its loader and libc, and cat, so the closure reads
//     real ELF files and a script;
//   - a Node app built by the engine on Debian's node (the shape of test/engine/minify.test.ts),
//     saved with `docker save`, when an engine runs;
//   - a Flask app on Debian's python3-flask (the shape of test/engine/minify-python.test.ts), the
//     same way.
// Each command runs ROUNDS times, alternating, and the best time of each is compared; peak RSS is
// the largest seen. Both write a docker-archive with an uncompressed layer (their default there).
// Usage: npm run build && node bench/minify.mjs [megabytes=560] [rounds=2]
// WHITTLE_BENCH_DIR=/some/dir keeps the generated image there and reuses it on the next run.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, writeLayer } from './lib/generate.mjs';
import { timed } from './lib/timed.mjs';

const targetMB = Number(process.argv[2] ?? 560);
const rounds = Number(process.argv[3] ?? 2);
const work = process.env.WHITTLE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'whittle-bench-minify-'));
const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const cleanups = [];
process.on('exit', () => {
  for (const fn of cleanups.reverse()) fn();
  if (!process.env.WHITTLE_BENCH_DIR) rmSync(work, { recursive: true, force: true });
});


const whittle = (args) => timed(process.execPath, ['bin/whittle.js', ...args]);

/** withEntrypoint writes, next to the generated layout, the same image plus a real-shaped top layer and an entrypoint (blobs hard-linked, not copied). */
async function withEntrypoint(generated, layout) {
  if (existsSync(join(layout, 'index.json'))) return;
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  for (const b of readdirSync(join(generated, 'blobs', 'sha256'))) if (!existsSync(join(blobs, b))) linkSync(join(generated, 'blobs', 'sha256', b), join(blobs, b));
  const index = JSON.parse(readFileSync(join(generated, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(blobs, index.manifests[0].digest.slice(7)), 'utf8'));
  const config = JSON.parse(readFileSync(join(blobs, manifest.config.digest.slice(7)), 'utf8'));
  const host = (p) => readFileSync(p);
  const ML = 'lib/x86_64-linux-gnu';
  const entries = [
    { type: 'dir', name: 'bin/' }, { type: 'dir', name: 'usr/' }, { type: 'dir', name: 'usr/bin/' }, { type: 'dir', name: 'lib/' }, { type: 'dir', name: `${ML}/` }, { type: 'dir', name: 'lib64/' }, { type: 'dir', name: 'etc/' }, { type: 'dir', name: 'tmp/' },
    { name: 'bin/sh', data: host('/usr/bin/dash'), mode: 0o755 },
    { name: 'usr/bin/cat', data: host('/usr/bin/cat'), mode: 0o755 },
    { name: `${ML}/libc.so.6`, data: host('/lib/x86_64-linux-gnu/libc.so.6'), mode: 0o755 },
    { name: `${ML}/ld-linux-x86-64.so.2`, data: host('/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'), mode: 0o755 },
    { type: 'symlink', name: 'lib64/ld-linux-x86-64.so.2', target: `/${ML}/ld-linux-x86-64.so.2` },
    { name: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { name: 'etc/group', data: Buffer.from('root:x:0:\n') },
    { name: 'opt/app/run.sh', data: Buffer.from('#!/bin/sh\nset -e\ncat /opt/app/d1/f1.bin > /dev/null\nexec "$@"\n'), mode: 0o755 },
  ];
  const file = join(layout, 'layer-top');
  const d = await writeLayer(file, entries, true);
  execFileSync('mv', [file, join(blobs, d.digest.slice(7))]);
  const put = (data) => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    writeFileSync(join(blobs, digest.slice(7)), data);
    return { digest, size: data.length };
  };
  const c = put(Buffer.from(JSON.stringify({
    ...config,
    config: { Entrypoint: ['/opt/app/run.sh'], Cmd: ['cat', '/etc/passwd'], Env: ['PATH=/usr/bin:/bin'], WorkingDir: '/opt/app' },
    rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, d.diffId] },
    history: [...config.history, { created: '2026-01-01T00:00:00Z', created_by: 'bench entrypoint' }],
  })));
  const m = put(Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, ...c }, layers: [...manifest.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d.digest, size: d.size }] })));
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }));
}

/** nodeApp builds a Node app on Debian's node from the minbase and saves it as a docker-archive; null without an engine or the base. */
function nodeApp(archive) {
  if (existsSync(archive)) return archive;
  if (!engine || spawnSync('docker', ['image', 'inspect', 'whittle-test/bookworm-minbase:1'], { stdio: 'ignore' }).status !== 0) return null;
  const dir = join(work, 'node-app');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM whittle-test/bookworm-minbase:1\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs node-ms && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . /app/\nCMD ["node", "index.js"]\n');
  writeFileSync(join(dir, 'index.js'), "const ms = require('ms');\nconst { greet } = require('./lib/greet');\nconsole.log(greet('world'), ms('2 days'));\n");
  writeFileSync(join(dir, 'lib', 'greet.js'), 'exports.greet = (n) => `hello ${n}`;\n');
  const tag = `whittle-bench/minify-node:${process.pid}`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  cleanups.push(() => spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' }));
  execFileSync('docker', ['save', '-o', archive, tag]);
  return archive;
}

/** flaskApp builds a Flask app on Debian's python3-flask from the minbase and saves it as a docker-archive; null without an engine or the base. */
function flaskApp(archive) {
  if (existsSync(archive)) return archive;
  if (!engine || spawnSync('docker', ['image', 'inspect', 'whittle-test/bookworm-minbase:1'], { stdio: 'ignore' }).status !== 0) return null;
  const dir = join(work, 'flask-app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM whittle-test/bookworm-minbase:1\nRUN apt-get update && apt-get install -y --no-install-recommends python3-flask && rm -rf /var/lib/apt/lists/*\nCOPY app.py /app/\nCMD ["python3", "/app/app.py"]\n');
  writeFileSync(join(dir, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n\n@app.route("/")\ndef index():\n    return "hello"\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=8080)\n');
  const tag = `whittle-bench/minify-flask:${process.pid}`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  cleanups.push(() => spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' }));
  execFileSync('docker', ['save', '-o', archive, tag]);
  return archive;
}

/** compare runs minify and squash of source `rounds` times, alternating, and prints their figures. */
function compare(name, source, flags = []) {
  const out = join(work, 'out.tar');
  const runs = { minify: [], squash: [] };
  let kept = '';
  for (let r = 0; r < rounds; r++) {
    const m = whittle(['minify', source, '--compression', 'none', '-o', `docker-archive:${out}:whittle-bench/minified:1`, ...flags]);
    kept = m.stdout.split('\n').find((l) => l.startsWith('kept ')) ?? '';
    runs.minify.push({ ...m, bytes: statSync(out).size });
    rmSync(out);
    const s = whittle(['squash', source, '--compression', 'none', '-o', `docker-archive:${out}:whittle-bench/squashed:1`]);
    runs.squash.push({ ...s, bytes: statSync(out).size });
    rmSync(out);
  }
  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const peak = (list) => Math.max(...list.map((x) => x.rssMB));
  const m = best(runs.minify);
  const s = best(runs.squash);
  console.log(`\n${name}`);
  console.log(`  ${kept}`);
  console.log(`  whittle minify: ${runs.minify.map((x) => x.seconds.toFixed(2)).join(', ')} s; peak RSS ${peak(runs.minify).toFixed(0)} MB; output ${(m.bytes / 1e6).toFixed(1)} MB`);
  console.log(`  whittle squash: ${runs.squash.map((x) => x.seconds.toFixed(2)).join(', ')} s; peak RSS ${peak(runs.squash).toFixed(0)} MB; output ${(s.bytes / 1e6).toFixed(1)} MB`);
  console.log(`  minify / squash (best of ${rounds} each): ${(m.seconds / s.seconds).toFixed(2)}×  (target ≤ 1.5)`);
}

const generated = join(work, 'image');
const { descriptors, fileCount } = await generate(generated, targetMB);
const layout = join(work, 'image-entrypoint');
await withEntrypoint(generated, layout);
const compressed = descriptors.reduce((n, d) => n + d.size, 0);
console.log(`generated image: ${descriptors.length} gzip layers + a top layer with a shell-script entrypoint, ${fileCount} files, ${(compressed / 1e6).toFixed(0)} MB compressed (~${targetMB} MB of content)`);
compare('generated image (oci layout, gzip layers)', `oci:${layout}:bench`);

const archive = nodeApp(join(work, 'node-app.tar'));
if (archive) compare(`Node app on Debian's node (docker save archive, ${(statSync(archive).size / 1e6).toFixed(0)} MB)`, `docker-archive:${archive}`);
else console.log('\n(no Docker engine or no whittle-test/bookworm-minbase:1: the Node app is not measured)');

const flask = flaskApp(join(work, 'flask-app.tar'));
if (flask) compare(`Flask app on Debian's python3-flask (docker save archive, ${(statSync(flask).size / 1e6).toFixed(0)} MB)`, `docker-archive:${flask}`);
else console.log('\n(no Docker engine or no whittle-test/bookworm-minbase:1: the Flask app is not measured)');
