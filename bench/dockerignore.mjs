// Benchmark: .dockerignore matching of hostile patterns on one deep path, before (the backtracking
// RegExp of the pattern, tested on the path and on each parent, as whittle did) and after (the
// automaton of src/context/pattern-nfa.ts, one pass), plus an ordinary .dockerignore over 20,000
// paths so the common case is seen too (after: best of 3). src/context/pattern-nfa.test.ts proves the bound by
// counting steps; this prints times.
// Usage: npm run build && node bench/dockerignore.mjs [max seconds for one "before" run, default 40]
import { performance } from 'node:perf_hooks';
import { compile, Matcher, parseDockerignore } from '../dist/context/dockerignore.js';

const limit = Number(process.argv[2] ?? 40) * 1000;

function before(re, rel) {
  if (re.test(rel)) return true;
  const parents = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parents.length; i++) if (re.test(parents.slice(0, i).join('/'))) return true;
  return false;
}

// Names full of the pattern's letters but without its last one: every split is tried, and fails.
const deepPath = (depth) => Array.from({ length: depth }, () => 'abcd'.repeat(3)).join('/') + '/' + 'abcd'.repeat(4);
const time = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(2)} ms`);

const HOSTILE = ['**/**/**/**/**/**/*a*b*c*d*e*', '**/a**a**a**a**a**a**b'];
for (const pattern of HOSTILE) {
  const source = new RegExp(compile(pattern), 'su');
  const matcher = new Matcher(parseDockerignore(pattern));
  console.log(pattern);
  for (const depth of [10, 15, 20, 25, 30]) {
    const rel = deepPath(depth);
    const after = Math.min(...[0, 1, 2].map(() => time(() => matcher.excluded(rel)))); // best of 3: the first runs compile
    let was = '(skipped: a shallower path took over the limit)';
    if (limit > 0) {
      const ms = time(() => before(source, rel));
      was = fmt(ms);
      if (ms > limit / 4) HOSTILE.limitHit = true;
    }
    console.log(`  depth ${String(depth).padStart(2)}: before ${was.padEnd(12)} after ${fmt(after)}`);
    // Each 5 levels multiply the backtracking time; stop the "before" runs before one passes the limit.
    if (HOSTILE.limitHit) break;
  }
  HOSTILE.limitHit = false;
  const rel = deepPath(1000);
  console.log(`  depth 1000: after ${fmt(Math.min(...[0, 1, 2].map(() => time(() => matcher.excluded(rel)))))}`);
}

// The common case: a typical .dockerignore, 20,000 paths.
const ordinary = '.git\nnode_modules\n**/*.log\n*.md\n!README.md\ndist/**\n**/__pycache__\n.env*\ntmp/\n';
const paths = Array.from({ length: 20_000 }, (_, i) => `src/m${i % 50}/sub${i % 7}/file${i}.${['js', 'md', 'log', 'ts'][i % 4]}`);
const patterns = parseDockerignore(ordinary);
const matcher = new Matcher(patterns);
const regexes = patterns.map((p) => new RegExp(compile(p.pattern), 'su'));
const oldExcluded = (rel) => {
  let matched = false;
  for (const [i, p] of patterns.entries()) {
    if (p.exclusion !== matched) continue;
    if (before(regexes[i], rel)) matched = !p.exclusion;
  }
  return matched;
};
const b = time(() => paths.forEach(oldExcluded));
const a = time(() => paths.forEach((p) => matcher.excluded(p)));
console.log(`ordinary .dockerignore (9 patterns), 20,000 paths: before ${fmt(b)}, after ${fmt(a)}`);
