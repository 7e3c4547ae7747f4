// Benchmark: generate 1,000 varied Dockerfiles, then lint them all with the built library (dist/),
// reading each from disk like the CLI does. Target: < 2 s total on a developer machine.
// Usage: npm run build && node bench/lint.mjs [count]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintTextSync } from '../dist/lint/engine.js';
import { readDockerfileInput } from '../dist/lint/input.js';
import { initShellParser } from '../dist/shell/parser.js';
import { dockerfile } from './lib/dockerfiles.mjs';

const count = Number(process.argv[2] ?? 1000);
const out = fileURLToPath(new URL('./out/lint/', import.meta.url));

await rm(out, { recursive: true, force: true });
const files = [];
for (let i = 0; i < count; i++) {
  const d = join(out, String(i));
  await mkdir(d, { recursive: true });
  const f = join(d, 'Dockerfile');
  await writeFile(f, dockerfile(i));
  files.push(f);
}

const t0 = performance.now();
await initShellParser();
const t1 = performance.now();
// Reads run concurrently (as the CLI does), linting is synchronous CPU work.
const inputs = await Promise.all(files.map((f) => readDockerfileInput(f)));
const tRead = performance.now();
let findings = 0;
for (const input of inputs) {
  findings += lintTextSync(input.text, { file: input.file, dockerignore: input.dockerignore ?? null }).diagnostics.length;
}
const t2 = performance.now();
const total = t2 - t0;
console.log(`linted ${count} Dockerfiles, ${findings} findings`);
console.log(`grammar load ${(t1 - t0).toFixed(0)} ms, read ${(tRead - t1).toFixed(0)} ms, lint ${(t2 - tRead).toFixed(0)} ms, total ${total.toFixed(0)} ms`);
console.log(`${((count / (t2 - t1)) * 1000).toFixed(0)} files/s (target: ${count} in < 2000 ms total: ${total < 2000 ? 'met' : 'MISSED'})`);
await rm(out, { recursive: true, force: true });
