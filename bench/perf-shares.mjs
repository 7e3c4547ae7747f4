// CPU-time shares from `perf record -e cpu-clock` (a software clock: it samples only while a thread
// runs, so other processes' load does not move the shares, unlike --cpu-prof's wall-clock
// samples), grouped by the areas bench/profile-shares.mjs uses. JS functions are named through
// node's --perf-basic-prof map; GC, hashing and the kernel's copies are native symbols.
// Usage: perf record -e cpu-clock -F 1999 -o OUT.data -- node --perf-basic-prof bin/whittle.js analyze --json IMAGE > /dev/null
//        perf report -i OUT.data --no-children --sort symbol --stdio 2>/dev/null | node bench/perf-shares.mjs [--top=25]
import { readFileSync } from 'node:fs';

const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
const AREAS = [
  [/^\[k\]/, 'kernel (file reads, page faults, scheduling)'],
  [/sha256|SHA256/, 'hashing (sha256)'],
  [/internal\/tar-(parser|header)/, 'tar header parsing'],
  [/layers\/scan/, 'LayerEntry allocation (scan)'],
  [/internal\/paths/, 'path normalization'],
  [/analyze\/(merge|path-tree)/, 'merge and path tree'],
  [/analyze\/findings\//, 'findings'],
  [/analyze\/dive/, 'dive figures'],
  [/analyze\/run/, 'scan orchestration (run.ts)'],
  [/dist\//, 'whittle (other JS)'],
  [/Scaveng|MarkCompact|Marking|Sweep|Heap::|HeapObject|GCTracer|Evacuat|MemoryAllocator|PagedSpace|LargeObject|MemoryChunk|RememberedSet|SlotSet|BodyDescriptor|::Page::|Worklist/, 'GC'],
  [/OrderedHash|MapPrototype|SetPrototype|SmallOrderedHash|FindOrderedHash/, 'Map and Set (V8 builtins)'],
  [/String|Utf8|utf8|StringHasher|Intern|RegExp/, 'strings and RegExps (V8)'],
  [/compiler::|Turbofan|Maglev|Parser|Scanner|Compile/, 'V8 compiling (JIT, parsing)'],
  [/malloc|free|memmove|memcpy|memset|pthread/, 'libc (malloc, memcpy, locks)'],
  [/node:|JS:|Builtin|Bytecode|Interpreter|LazyCompile|Function:/, 'other JS and builtins (node, V8)'],
];

const text = readFileSync(0, 'utf8');
const byArea = new Map();
const rows = [];
let total = 0;
for (const line of text.split('\n')) {
  const m = /^\s*([\d.]+)%\s+(.*\S)\s*$/.exec(line);
  if (!m) continue;
  const share = Number(m[1]);
  const sym = m[2].replace(/\s+-\s+-\s*$/, '').trim();
  total += share;
  const area = AREAS.find(([re]) => re.test(sym))?.[1] ?? 'other native';
  byArea.set(area, (byArea.get(area) ?? 0) + share);
  rows.push([share, sym]);
}
console.log(`CPU samples by area (of ${total.toFixed(1)} % listed)`);
for (const [area, share] of [...byArea].sort((a, b) => b[1] - a[1])) console.log(`${share.toFixed(1).padStart(5)} %  ${area}`);
console.log(`\ntop ${top} symbols`);
for (const [share, sym] of rows.slice(0, top)) console.log(`${share.toFixed(2).padStart(6)} %  ${sym.replace(/file:\/\/\S*?\/dist\//, '').slice(0, 120)}`);
