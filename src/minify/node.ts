// The Node tracer: from `node FILE` (or `npm start` / `npm run X`, resolved through package.json
// to the command npm would run) it follows the module graph the way Node resolves it: CommonJS
// `require` and ESM `import` / `import()` / `export … from` with static strings; relative files
// with Node's extensions and directory indexes; bare names through `node_modules` up the tree,
// NODE_PATH and Debian's global folders (/usr/share/nodejs …); package.json `main`, `exports` and
// `imports` with the conditions "node", "require" or "import", "default"; JSON files; `.node`
// addons, whose ELF needs are traced too. (The modules Debian's node loads from /usr/share/nodejs
// by paths written in libnode are kept from the ELF side: facts.ts.) A `require` of a computed name keeps the whole package it
// sits in (and what its package.json depends on), with a warning naming the file and line.
// Specifiers are found with a scanner of the source text, not a JavaScript parser: strings and
// comments are skipped, so a `require` in a comment is not followed, at the cost of templates with
// expressions being treated as computed.
import { parentOf } from '../analyze/path-tree.js';
import type { FinalTree } from '../analyze/resolve.js';
import type { Closure, Tracer } from './closure.js';
import type { FileFacts } from './facts.js';
import { collapseDots } from '../internal/paths.js';

const BUILTINS = new Set(
  (
    'assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns domain events fs http http2 https ' +
    'inspector module net os path perf_hooks process punycode querystring readline repl stream string_decoder sys timers tls trace_events tty ' +
    'url util v8 vm wasi worker_threads zlib test sqlite sea'
  ).split(' '),
);
const EXTENSIONS = ['.js', '.json', '.node', '.mjs', '.cjs'];

/** GLOBAL_FOLDERS are where a Debian-packaged node also looks for bare names (its externalized modules). */
const GLOBAL_FOLDERS = ['usr/local/lib/node_modules', 'usr/share/nodejs', 'usr/lib/nodejs', 'usr/lib/x86_64-linux-gnu/nodejs', 'usr/lib/aarch64-linux-gnu/nodejs'];

type Kind = 'require' | 'import';

export interface Specifier {
  text: string;
  kind: Kind;
  line: number;
}

/** scanSpecifiers lists the static module specifiers of a JavaScript source and the lines of computed requires. */
export function scanSpecifiers(src: string): { specifiers: Specifier[]; computed: number[] } {
  const specifiers: Specifier[] = [];
  const computed: number[] = [];
  // the code with comments blanked and each string literal replaced by S and spaces (offsets and
  // lines kept), built from slices: the stretches between comments and strings are copied whole
  const parts: string[] = [];
  const strings = new Map<number, { text: string | null; end: number }>();
  const special = /[/"'`]/g;
  let copied = 0;
  for (let i = 0; i < src.length; ) {
    special.lastIndex = i;
    const m = special.exec(src);
    if (m === null) break;
    i = m.index;
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && (next === '/' || next === '*')) {
      const close = next === '/' ? src.indexOf('\n', i) : src.indexOf('*/', i + 2);
      const stop = close < 0 ? src.length : next === '/' ? close : close + 2;
      parts.push(src.slice(copied, i), src.slice(i, stop).replace(/[^\n]/g, ' '));
      i = copied = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let text = '';
      let from = j;
      let expression = false;
      while (j < src.length) {
        const d = src[j];
        if (d === c || (d === '\n' && c !== '`')) break;
        if (d === '\\') {
          text += src.slice(from, j) + (src[j + 1] ?? '');
          j += 2;
          from = j;
          continue;
        }
        if (c === '`' && d === '$' && src[j + 1] === '{') expression = true;
        j++;
      }
      text += src.slice(from, Math.min(j, src.length));
      const stop = Math.min(j + 1, src.length);
      strings.set(i, { text: expression ? null : text, end: stop });
      parts.push(src.slice(copied, i), `S${src.slice(i + 1, stop).replace(/[^\n]/g, ' ')}`);
      i = copied = stop;
    } else i++;
  }
  parts.push(src.slice(copied));
  const code = parts.join('');
  // the offsets of the newlines, for the line of an offset
  const newlines: number[] = [];
  for (let at = src.indexOf('\n'); at >= 0; at = src.indexOf('\n', at + 1)) newlines.push(at);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  /** literal is the string starting at `at` when it is the whole argument (followed by `)` or, for import(), `,`). */
  const literal = (at: number): string | null => {
    const s = strings.get(at);
    if (!s || s.text === null) return null;
    return /^\s*[),]/.test(code.slice(s.end, s.end + 20)) ? s.text : null;
  };
  for (const m of code.matchAll(/(?<![\w$.])require\s*\(\s*/g)) {
    const at = m.index + m[0].length;
    if (code[at] === ')') continue;
    const text = literal(at);
    if (text !== null) specifiers.push({ text, kind: 'require', line: lineOf(m.index) });
    else computed.push(lineOf(m.index));
  }
  for (const m of code.matchAll(/(?<![\w$.])import\s*\(\s*/g)) {
    const text = literal(m.index + m[0].length);
    if (text !== null) specifiers.push({ text, kind: 'import', line: lineOf(m.index) });
  }
  for (const m of code.matchAll(/(?<![\w$.])(?:import\s*|(?:import|export)\b[\w$*{}\s,]*?\bfrom\s*)(?=S)/g)) {
    const s = strings.get(m.index + m[0].length);
    if (s?.text) specifiers.push({ text: s.text, kind: 'import', line: lineOf(m.index) });
  }
  specifiers.sort((a, b) => a.line - b.line);
  return { specifiers, computed };
}

function conditionsFor(kind: Kind): string[] {
  return ['node', kind, 'default', 'node-addons'];
}

/** resolveTarget picks an exports/imports target for the conditions (strings, arrays, nested condition objects). */
function resolveTarget(target: unknown, conditions: string[], star: string | null): string | null {
  if (typeof target === 'string') return star === null ? target : target.split('*').join(star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = resolveTarget(t, conditions, star);
      if (r !== null) return r;
    }
    return null;
  }
  if (target && typeof target === 'object') {
    for (const [key, value] of Object.entries(target as Record<string, unknown>)) {
      if (!conditions.includes(key)) continue;
      const r = resolveTarget(value, conditions, star);
      if (r !== null) return r;
    }
  }
  return null;
}

/** matchMap resolves a subpath (`.`, `./x`, `#x`) against an exports or imports map. */
export function matchMap(map: unknown, subpath: string, conditions: string[]): string | null {
  let entries: Record<string, unknown>;
  if (typeof map === 'string' || Array.isArray(map) || (map && typeof map === 'object' && !Object.keys(map).some((k) => k.startsWith('.') || k.startsWith('#')))) {
    entries = { '.': map };
  } else if (map && typeof map === 'object') entries = map as Record<string, unknown>;
  else return null;
  if (Object.hasOwn(entries, subpath) && !subpath.includes('*')) return resolveTarget(entries[subpath], conditions, null);
  let best: { key: string; star: string } | null = null;
  for (const key of Object.keys(entries)) {
    const i = key.indexOf('*');
    if (i < 0) continue;
    const prefix = key.slice(0, i);
    const suffix = key.slice(i + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      if (!best || prefix.length > best.key.indexOf('*')) best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best ? resolveTarget(entries[best.key], conditions, best.star) : null;
}

/** scans caches each file's specifiers across the closure's rounds (the facts objects live as long as the run). */
const scans = new WeakMap<FileFacts, ReturnType<typeof scanSpecifiers>>();
/** manifests caches each package.json parsed (null: not an object), across the closure's rounds; read only. */
const manifests = new WeakMap<FileFacts, Record<string, unknown> | null | 'invalid'>();
/** sortedPaths caches each tree's paths, sorted (a package kept whole is looked for in them). */
const sortedPaths = new WeakMap<FinalTree, string[]>();

function pathsOf(tree: FinalTree): string[] {
  let list = sortedPaths.get(tree);
  if (!list) sortedPaths.set(tree, (list = [...tree.keys()].sort()));
  return list;
}

class NodeTrace {
  private readonly done = new Set<string>();
  private readonly wholePackages = new Set<string>();

  constructor(private readonly c: Closure) {}

  private isFile(path: string): string | null {
    const r = this.c.resolves(path);
    const t = r === null ? undefined : this.c.tree.get(r)?.type;
    return t === 'file' || t === 'hardlink' ? path : null;
  }

  private isDir(path: string): boolean {
    const r = this.c.resolves(path);
    return r !== null && this.c.tree.get(r)?.type === 'dir';
  }

  /** packageJson reads a package.json (kept), or undefined while it is being read, or null when absent or invalid. */
  private packageJson(dir: string): Record<string, unknown> | null | undefined {
    const path = dir === '' ? 'package.json' : `${dir}/package.json`;
    const at = this.c.resolves(path);
    if (at === null || !this.isFile(path)) return null;
    const facts = this.c.factsOf(at);
    if (!facts) return undefined;
    this.c.keepResolved(path, 'package.json of a module Node loads');
    let parsed = manifests.get(facts);
    if (parsed === undefined) {
      try {
        const j = JSON.parse(facts.text ?? '') as unknown;
        parsed = j && typeof j === 'object' ? (j as Record<string, unknown>) : null;
      } catch {
        parsed = 'invalid';
      }
      manifests.set(facts, parsed);
    }
    if (parsed === 'invalid') {
      this.c.warn(`/${path}: not valid JSON`);
      return null;
    }
    return parsed;
  }

  private loadFile(path: string, exact: boolean): string | null {
    if (this.isFile(path)) return path;
    if (exact) return null;
    for (const ext of EXTENSIONS) if (this.isFile(`${path}${ext}`)) return `${path}${ext}`;
    return null;
  }

  private loadDir(dir: string): string | null {
    const pkg = this.packageJson(dir);
    if (pkg && typeof pkg.main === 'string') {
      const main = `${dir}/${pkg.main}`.replace(/\/\.\//g, '/').replace(/\/$/, '');
      const r = this.loadFile(main, false) ?? this.loadIndex(main);
      if (r) return r;
    }
    return this.loadIndex(dir);
  }

  private loadIndex(dir: string): string | null {
    for (const ext of ['.js', '.json', '.node']) if (this.isFile(`${dir}/index${ext}`)) return `${dir}/index${ext}`;
    return null;
  }

  private normalize(path: string): string {
    return collapseDots(path);
  }

  /** packageRoot is the directory of the nearest package.json above a file. */
  private packageRoot(file: string): string | null {
    for (let d = parentOf(file); ; d = parentOf(d)) {
      if (this.isFile(d === '' ? 'package.json' : `${d}/package.json`)) return d;
      if (d === '') return null;
    }
  }

  resolve(spec: string, from: string, kind: Kind): string | null | 'builtin' {
    if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]!)) return 'builtin';
    const dir = parentOf(from);
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/')) {
      const target = this.normalize(spec.startsWith('/') ? spec : `${dir}/${spec}`);
      return this.loadFile(target, false) ?? (this.isDir(target) ? this.loadDir(target) : null);
    }
    if (spec.startsWith('#')) {
      const root = this.packageRoot(from);
      const pkg = root === null ? null : this.packageJson(root);
      const target = pkg ? matchMap(pkg.imports, spec, conditionsFor(kind)) : null;
      if (target === null || root === null) return null;
      return target.startsWith('./') ? this.loadFile(this.normalize(`${root}/${target}`), true) : this.resolve(target, from, kind);
    }
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const subpath = spec.slice(name.length);
    const dirs: string[] = [];
    for (let d = dir; ; d = parentOf(d)) {
      if (!d.endsWith('node_modules')) dirs.push(d === '' ? 'node_modules' : `${d}/node_modules`);
      if (d === '') break;
    }
    if (kind === 'require') {
      // ESM resolution has no global folders; CommonJS looks in NODE_PATH and the global folders last
      for (const p of (this.c.env.get('NODE_PATH') ?? '').split(':')) if (p.startsWith('/')) dirs.push(p.slice(1));
      dirs.push(...GLOBAL_FOLDERS);
    }
    for (const nm of dirs) {
      const pkgDir = `${nm}/${name}`;
      if (!this.isDir(pkgDir)) continue;
      const pkg = this.packageJson(pkgDir);
      if (pkg && pkg.exports !== undefined) {
        const target = matchMap(pkg.exports, `.${subpath}`, conditionsFor(kind));
        if (target === null) return null;
        return this.loadFile(this.normalize(`${pkgDir}/${target}`), true);
      }
      if (subpath === '') return this.loadDir(pkgDir);
      const target = this.normalize(`${pkgDir}${subpath}`);
      return this.loadFile(target, false) ?? (this.isDir(target) ? this.loadDir(target) : null);
    }
    return null;
  }

  /** traceFile keeps a module and what it imports. */
  traceFile(file: string, reason: string): void {
    const at = this.c.keepResolved(file, reason);
    if (at === null || this.done.has(at)) return;
    if (at.endsWith('.node')) {
      this.done.add(at);
      this.c.traceProgram(at, reason);
      return;
    }
    if (at.endsWith('.json')) {
      this.done.add(at);
      return;
    }
    const facts = this.c.factsOf(at);
    if (!facts) return;
    this.done.add(at);
    const root = this.packageRoot(at);
    if (root !== null) this.packageJson(root); // Node reads its "type"
    let scan = scans.get(facts);
    if (!scan) scans.set(facts, (scan = scanSpecifiers(facts.text ?? '')));
    const { specifiers, computed } = scan;
    for (const s of specifiers) {
      const r = this.resolve(s.text, at, s.kind);
      if (r === 'builtin') continue;
      if (r === null) {
        this.c.warn(`/${at}:${s.line}: cannot resolve ${JSON.stringify(s.text)} (add --keep for it if it loads at run time)`);
        continue;
      }
      this.traceFile(r, `${s.kind === 'require' ? 'required' : 'imported'} by /${at}:${s.line}`);
    }
    if (computed.length > 0) this.keepPackage(at, computed);
  }

  /** keepPackage keeps the whole package a file with a computed require sits in, and its dependencies. */
  private keepPackage(file: string, lines: number[]): void {
    const root = this.packageRoot(file) ?? parentOf(file);
    this.c.warn(`/${file}:${lines.join(',')}: require of a computed name: the whole package /${root} is kept`);
    if (this.wholePackages.has(root)) return;
    this.wholePackages.add(root);
    const reason = `in the package of /${file}, which requires a computed name (line ${lines[0]})`;
    const prefix = root === '' ? '' : `${root}/`;
    const nested = `${prefix}node_modules/`;
    // the paths under the package are one run of the sorted list
    const paths = pathsOf(this.c.tree);
    let lo = 0;
    for (let hi = paths.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (paths[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < paths.length && paths[i]!.startsWith(prefix); i++) {
      const p = paths[i]!;
      if (p.startsWith(nested)) continue;
      if (/\.(c|m)?js$/.test(p)) this.traceFile(p, reason);
      else if (this.c.tree.get(p)?.type !== 'dir') this.c.keepResolved(p, reason);
    }
    const pkg = this.packageJson(root);
    const deps = pkg && typeof pkg.dependencies === 'object' && pkg.dependencies ? Object.keys(pkg.dependencies) : [];
    for (const d of deps) {
      const r = this.resolve(d, `${prefix}package.json`, 'require');
      if (typeof r === 'string') this.traceFile(r, `dependency of /${prefix}package.json (whole package kept)`);
    }
  }
}

/** NODE_OPTIONS_WITH_VALUE are node flags whose value is the next word. */
const OPTIONS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--title', '--env-file', '--input-type']);
const PRELOADS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);

export const nodeTracer: Tracer = {
  name: 'node',
  trace(c, program, args, reason) {
    const base = program.slice(program.lastIndexOf('/') + 1);
    if (!/^node(js)?(\d+)?$/.test(base)) return false;
    const t = new NodeTrace(c);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
        c.warn(`${reason}: node ${a} runs code given on the command line: its modules were not traced`);
        return true;
      }
      if (OPTIONS_WITH_VALUE.has(a)) {
        const v = args[++i];
        if (v !== undefined && PRELOADS.has(a)) {
          const r = t.resolve(v, `${c.workdir ? `${c.workdir}/` : ''}[eval]`, a === '--import' ? 'import' : 'require');
          if (typeof r === 'string') t.traceFile(r, `preloaded by node ${a} (${reason})`);
        }
        continue;
      }
      if (a.startsWith('-')) continue;
      const entry = t.resolve(a.startsWith('/') || a.startsWith('.') ? a : `./${a}`, `${c.workdir ? `${c.workdir}/` : ''}[entry]`, 'require');
      if (typeof entry === 'string') t.traceFile(entry, `entry module of node (${reason})`);
      else c.warn(`${reason}: node's entry module ${a} is not in the image`);
      return true;
    }
    return true;
  },
};

/** npmScript is the command `npm start` / `npm run X` runs, from the package.json in WorkingDir; null when it cannot be known. */
export function npmCommand(c: Closure, args: readonly string[]): { script: string; name: string } | null | undefined {
  const verb = args[0];
  const name = verb === 'start' ? 'start' : (verb === 'run' || verb === 'run-script') && args[1] ? args[1] : verb === 'test' || verb === 't' ? 'test' : null;
  if (name === null) return null;
  const path = `${c.workdir ? `${c.workdir}/` : ''}package.json`;
  const at = c.resolves(path);
  if (at === null) return null;
  const facts = c.factsOf(at);
  if (!facts) return undefined;
  c.keepResolved(path, `package.json npm reads for npm ${args.join(' ')}`);
  let pkg: { scripts?: Record<string, unknown> } = {};
  try {
    pkg = JSON.parse(facts.text ?? '{}') as typeof pkg;
  } catch {
    return null;
  }
  const script = pkg.scripts?.[name];
  if (typeof script === 'string') return { script, name };
  if (name === 'start' && c.resolves(`${c.workdir ? `${c.workdir}/` : ''}server.js`) !== null) return { script: 'node server.js', name };
  return null;
}

/** npmTracer: `npm start` / `npm run X` also traces the command the script runs (npm itself is traced as the node program it is). */
export const npmTracer: Tracer = {
  name: 'npm',
  trace(c, program, args, reason) {
    const base = program.slice(program.lastIndexOf('/') + 1);
    if (base !== 'npm' && base !== 'npm-cli.js') return false;
    const cmd = npmCommand(c, args);
    if (cmd === undefined) return true;
    if (cmd === null) {
      c.warn(`${reason}: npm ${args.join(' ')}: the script it runs could not be read from package.json`);
      return false;
    }
    c.warn(`${reason}: npm runs as the container's main process (it does not forward signals such as SIGTERM; run \`${cmd.script}\` directly)`);
    c.traceCommand(['sh', '-c', cmd.script], `npm run ${cmd.name} (${reason})`, false);
    return false; // npm itself still runs: let the #! interpreter trace it
  },
};
