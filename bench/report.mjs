// Benchmark: whittle report. Targets (issue 17): generating the report adds under 10 % to
// `whittle analyze --json` of the same image; the HTML of the ≥ 500 MB generated image is under
// 5 MB; a 100,000-file image's page paints (its treemap drawn, body[data-ready]) in under 2 s in
// headless Chromium on this machine. Prints the figures and ratios; asserts nothing.
// Usage: npm run build && node bench/report.mjs [megabytes=560] [files=100000]
// WHITTLE_BENCH_DIR=/some/dir keeps the generated images there and reuses them on the next run.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, generateFiles } from './lib/generate.mjs';
import { timed as timedCommand } from './lib/timed.mjs';

const targetMB = Number(process.argv[2] ?? 560);
const fileCount = Number(process.argv[3] ?? 100_000);
const work = process.env.WHITTLE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'whittle-bench-report-'));
process.on('exit', () => {
  if (!process.env.WHITTLE_BENCH_DIR) rmSync(work, { recursive: true, force: true });
});

const timed = (args) => timedCommand(process.execPath, ['bin/whittle.js', ...args]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

async function firstPaint(html) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return null;
  }
  if (!existsSync('/usr/bin/chromium')) return null;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const times = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const start = Date.now();
    await page.goto(`file://${html}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    times.push((Date.now() - start) / 1000);
    await page.close();
  }
  await browser.close();
  return median(times);
}

const big = join(work, 'big');
await generate(big, targetMB, true);
const out = join(work, 'big.html');
const analyzeRuns = [];
const reportRuns = [];
for (let i = 0; i < 3; i++) {
  analyzeRuns.push(timed(['analyze', `oci:${big}:bench`, '--json']));
  reportRuns.push(timed(['report', `oci:${big}:bench`, '-o', out]));
}
const a = median(analyzeRuns.map((r) => r.seconds));
const r = median(reportRuns.map((x) => x.seconds));
console.log(`${targetMB} MB generated image (gzip, 21,500 files):`);
console.log(`  analyze --json ${a.toFixed(2)} s (peak ${median(analyzeRuns.map((x) => x.rssMB)).toFixed(0)} MB) · report ${r.toFixed(2)} s (peak ${median(reportRuns.map((x) => x.rssMB)).toFixed(0)} MB) · report/analyze ${(r / a).toFixed(3)}× (target < 1.10×)`);
console.log(`  HTML ${mb(statSync(out).size)} (target < 5 MB)`);

const many = join(work, 'many');
await generateFiles(many, fileCount);
const manyOut = join(work, 'many.html');
const m = timed(['report', `oci:${many}:bench`, '-o', manyOut]);
const paint = await firstPaint(manyOut);
console.log(`${fileCount.toLocaleString('en')}-file image:`);
console.log(`  report ${m.seconds.toFixed(2)} s (peak ${m.rssMB.toFixed(0)} MB) · HTML ${mb(statSync(manyOut).size)}`);
console.log(paint === null ? '  first paint: skipped (no playwright-core or /usr/bin/chromium)' : `  first paint in headless Chromium ${paint.toFixed(2)} s (median of 3; target < 2 s)`);
