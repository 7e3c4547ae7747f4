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
const bin = process.env.WHITTLE_BENCH_BIN ?? fileURLToPath(new URL('../bin/whittle.js', import.meta.url));
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

// One large Dockerfile: 6,000 apt RUNs and 1,200 ENVs (693 kB). Rules that compare each RUN with every
// other RUN make lint and fix quadratic; the cost per instruction here should stay near the cost per
// instruction of the small files above (lint 190 s and fix 329 s before that was fixed).
{
  await mkdir(out, { recursive: true });
  const lines = ['FROM debian:bookworm'];
  for (let i = 0; i < 6000; i++) {
    lines.push(`RUN apt-get update && apt-get install -y pkg${i} curl && echo ${'x'.repeat(40)} > /f${i}`);
    if (i % 5 === 0) lines.push(`ENV V${i}=value${i}`);
  }
  const big = join(out, 'Dockerfile.large');
  await writeFile(big, lines.join('\n') + '\n');
  for (const command of ['lint', 'fix']) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %M', process.execPath, bin, command, big, ...(command === 'lint' ? ['--format', 'json', '--fail-level', 'none'] : ['--json'])], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const [wall, user, rss] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    console.log(`whittle ${command}, one Dockerfile of ${lines.length} instructions (693 kB): ${wall.toFixed(2)} s wall, ${user.toFixed(2)} s user, ${(rss / 1024).toFixed(0)} MB peak RSS, ${((wall / lines.length) * 1000).toFixed(2)} ms per instruction`);
  }
  await rm(out, { recursive: true, force: true });
}
