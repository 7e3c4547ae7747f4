// Phases of a warm `whittle build`, timed in one process at the library's seams: loading the
// modules, opening the base, build() (reading the project, the lock-file key, the cache lookup,
// the app layer's tar+gzip, composing the config), and writing to the sink. Several checkouts
// (a before and an after) are run in interleaved rounds and the medians printed, so a change's
// effect on each phase is seen on a shared machine.
// Usage: npm run build && node bench/build-phases.mjs APP BASE OUT [rounds=5] [CHECKOUT…]
//   APP: a project whose dependency layer is cached (build it once first); CHECKOUT: a directory
//   with a built dist/ (default: this one). Uses WHITTLE_CACHE_DIR and SOURCE_DATE_EPOCH as given.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [app, base, out, roundsArg, ...checkouts] = process.argv.slice(2);
if (process.env.WHITTLE_PHASES_CHILD) {
  // one timed build, in a fresh process so module loading counts
  const root = process.env.WHITTLE_PHASES_CHILD;
  const t0 = performance.now();
  const marks = [];
  const mark = (n) => marks.push([n, performance.now()]);
  const { openImage } = await import(join(root, 'dist/transports/open.js'));
  const { build } = await import(join(root, 'dist/build/index.js'));
  const { writeImage } = await import(join(root, 'dist/transports/write.js'));
  const { cacheDir } = await import(join(root, 'dist/build/cache.js'));
  mark('load modules');
  const image = await openImage(base, { cacheDir: cacheDir(process.env) });
  mark('open base');
  const r = await build({ dir: app, base: image, baseName: base });
  mark('build()');
  await writeImage(r.image, out, { fallbackTag: 'latest' });
  mark('write');
  await r.dispose();
  const cpu = process.cpuUsage();
  const phases = marks.map(([n, t], i) => [n, t - (i === 0 ? t0 : marks[i - 1][1])]);
  console.log(JSON.stringify({ phases, cpu: (cpu.user + cpu.system) / 1000, cached: r.cached }));
} else {
  const rounds = Number(roundsArg ?? 5);
  const roots = checkouts.length ? checkouts : [fileURLToPath(new URL('..', import.meta.url))];
  const self = fileURLToPath(import.meta.url);
  const results = new Map(roots.map((r) => [r, []]));
  for (let i = 0; i < rounds; i++) {
    for (const root of roots) {
      appendFileSync(join(app, 'server.js'), `// phases ${process.pid} ${i}\n`);
      const line = execFileSync(process.execPath, [self, app, base, out], { env: { ...process.env, WHITTLE_PHASES_CHILD: root }, encoding: 'utf8' });
      results.get(root).push(JSON.parse(line));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const root of roots) {
    const runs = results.get(root);
    const names = runs[0].phases.map(([n]) => n);
    const meds = names.map((n, k) => [n, median(runs.map((r) => r.phases[k][1]))]);
    const total = meds.reduce((s, [, ms]) => s + ms, 0);
    console.log(`${root}  ${base} → ${out}  (median of ${rounds}; cached: ${JSON.stringify(runs[0].cached)})`);
    for (const [n, ms] of meds) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)} %  ${n}`);
    console.log(`  ${total.toFixed(0).padStart(6)} ms  total wall in the process, ${median(runs.map((r) => r.cpu)).toFixed(0)} ms CPU`);
  }
}
