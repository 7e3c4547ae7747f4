// Shares of a CPU profile: reads a .cpuprofile written by `node --cpu-prof` and sums self time per
// function and per area (whittle's modules grouped by job, node internals, hashing, GC), so a
// per-entry cost can be compared before and after a change on a loaded machine, where wall-clock
// times are noise but shares of one process's samples are not.
// Usage: node --cpu-prof --cpu-prof-dir=DIR bin/whittle.js analyze --json IMAGE > /dev/null
//        node bench/profile-shares.mjs DIR/*.cpuprofile [--top=30]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
/** --callers=NAME also prints who calls the functions named NAME, by their self time. */
const callersOf = args.find((a) => a.startsWith('--callers='))?.slice(10);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node bench/profile-shares.mjs FILE.cpuprofile… [--top=30]');
  process.exit(2);
}

/** AREAS maps a script path (first match wins) to the cost the issue names. */
const AREAS = [
  [/internal\/tar-(parser|header)/, 'tar header parsing'],
  [/layers\/scan/, 'LayerEntry allocation (scan)'],
  [/internal\/paths/, 'path normalization'],
  [/analyze\/(merge|path-tree)|layers\/parents/, 'merge and path tree'],
  [/analyze\/findings\//, 'findings'],
  [/analyze\/dive/, 'dive figures'],
  [/analyze\/run/, 'scan orchestration (run.ts)'],
  [/analyze\//, 'analyze (other)'],
  [/image\/partial\/verified-read/, 'verified read (stream plumbing)'],
  [/\/dist\//, 'whittle (other)'],
  [/^node:internal\/streams|node:stream/, 'node streams'],
  [/^node:internal\/fs|node:fs/, 'node fs'],
  [/^node:internal\/crypto|node:crypto/, 'node crypto (JS side)'],
  [/^node:/, 'node (other JS)'],
];

function areaOf(node) {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  if (url === '') {
    // native functions: crypto's update is the hash itself
    if (/^(update|digest)$/.test(functionName)) return 'hashing (native)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  for (const [re, area] of AREAS) if (re.test(url)) return area;
  return 'other JS';
}

const selfByCaller = new Map();
const selfByArea = new Map();
const selfByFunction = new Map();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const self = new Map();
  // time deltas belong to the sample they precede (as Chrome DevTools reads them)
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const area = areaOf(node);
    if (area === 'idle') continue;
    total += us;
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(dist|src)\//, '').replace(/^node:/, 'node:')}:${lineNumber + 1}` : '(native)';
    const key = `${functionName || '(anonymous)'} ${where}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + us);
    if (callersOf !== undefined && functionName === callersOf) {
      const chain = [];
      for (let p = parent.get(id); p && chain.length < 4; p = parent.get(p.id)) chain.push(`${p.callFrame.functionName || '(anonymous)'} ${p.callFrame.url.replace(/^.*\/(dist|src)\//, '')}:${p.callFrame.lineNumber + 1}`);
      const k = chain.join(' < ');
      selfByCaller.set(k, (selfByCaller.get(k) ?? 0) + us);
    }
  }
}

const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`busy time (idle excluded): ${(total / 1000).toFixed(0)} ms over ${files.length} profile(s)\n`);
console.log('self time by area');
for (const [area, us] of [...selfByArea].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)} ${ms(us)}  ${area}`);
console.log(`\ntop ${top} functions by self time`);
for (const [fn, us] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${ms(us)}  ${fn}`);
if (callersOf !== undefined) {
  console.log(`\ncallers of ${callersOf} (up to 4 frames)`);
  for (const [chain, us] of [...selfByCaller].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${ms(us)}  ${chain}`);
}
