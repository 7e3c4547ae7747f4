// Benchmark: `whittle lint` (the built CLI, one process) on 1,000 and 10,000 generated Dockerfiles
// named on one command line, with wall time, user CPU time and peak RSS, to check that lint's cost
// is linear in the number of files. Targets: 1,000 files < 2 s, 10,000 files < 20 s.
// Usage: npm run build && node bench/lint-cli.mjs [count...]
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerfile } from './lib/dockerfiles.mjs';

const counts = process.argv.slice(2).map(Number);
const out = fileURLToPath(new URL('./out/lint-cli/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/whittle.js', import.meta.url));
const targets = { 1000: 2, 10000: 20 };

for (const count of counts.length ? counts : [1000, 10000]) {
  await rm(out, { recursive: true, force: true });
  const names = [];
  for (let i = 0; i < count; i++) {
    await mkdir(join(out, String(i)), { recursive: true });
    await writeFile(join(out, String(i), 'Dockerfile'), dockerfile(i));
    names.push(String(i)); // a directory: lint reads its Dockerfile (short names keep the command line small)
  }
  // /usr/bin/time reports the child's peak RSS and CPU time
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %M', process.execPath, bin, 'lint', '--format', 'json', '--fail-level', 'none', ...names], { cwd: out, encoding: 'utf8', maxBuffer: 1 << 30 });
  const [wall, user, rss] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const findings = JSON.parse(r.stdout).files.reduce((n, f) => n + f.diagnostics.length, 0);
  const target = targets[count];
  console.log(`whittle lint, ${count} files: ${wall.toFixed(2)} s wall, ${user.toFixed(2)} s user, ${(rss / 1024).toFixed(0)} MB peak RSS, ${findings} findings, ${((wall / count) * 1000).toFixed(2)} ms per file${target ? ` (target < ${target} s: ${wall < target ? 'met' : 'MISSED'})` : ''}`);
}
await rm(out, { recursive: true, force: true });
