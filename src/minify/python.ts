// The Python tracer: when the closure reaches a Python interpreter (`python3 app.py`, `python -m
// pkg`, `python -c CODE`, a `#!…python3` script or console script), it works out the interpreter's
// version and its sys.path as they will be in the image — without running anything — and follows
// the import graph from the entry module the way CPython's path finder does: packages
// (`__init__.py`), namespace packages, extension modules (`.cpython-3XY-….so`, `.abi3.so`, `.so`,
// whose ELF needs go through the closure), `.py` sources with their `__pycache__` bytecode of the
// interpreter's cache tag, sourceless `.pyc`. The interpreter's start-up modules (site, the whole
// encodings package — codecs are looked up by name at run time —, sitecustomize…) and the
// `_sysconfigdata` modules are kept, as are the `.pth` files site reads and the `*.dist-info` /
// `*.egg-info` metadata of the distributions whose modules are kept (importlib.metadata reads
// them). A setuptools console script's entry point is found in entry_points.txt. A computed
// import keeps the whole package it sits in, with a warning (outside the standard library, the
// app's own directory too: frameworks load its modules and templates by name); an entry that
// cannot be traced (no script, a compiled-only or zipped app) keeps the whole standard library and
// site-packages, with a warning. Imports are found by src/minify/python-scan.ts.
import { parentOf } from '../analyze/path-tree.js';
import type { FinalTree } from '../analyze/resolve.js';
import type { Closure, Tracer } from './closure.js';
import type { FileFacts } from './facts.js';
import { scanPython, type PyScan } from './python-scan.js';
import { collapseDots } from '../internal/paths.js';

/** BUILTIN_MODULES are compiled into common CPython builds (Debian's and python.org's): no file, no warning. */
const BUILTIN_MODULES = new Set(
  (
    '__main__ _abc _ast _bisect _blake2 _codecs _collections _csv _datetime _elementtree _functools _heapq _imp _io _locale _md5 _opcode ' +
    '_operator _pickle _posixsubprocess _random _sha1 _sha2 _sha256 _sha3 _sha512 _signal _socket _sre _stat _statistics _string _struct ' +
    '_symtable _thread _tokenize _tracemalloc _typing _warnings _weakref _frozen_importlib _frozen_importlib_external _sysconfig _suggestions ' +
    'array atexit binascii builtins cmath errno faulthandler fcntl gc grp itertools marshal math posix pwd pyexpat select spwd sys ' +
    'syslog time unicodedata xxsubtype zlib _winapi winreg msvcrt nt _overlapped _winreg'
  ).split(' '),
);

/** STARTUP are the modules CPython imports before the entry module runs (site's only without -S). */
const STARTUP = ['codecs', 'io', 'abc', 'os', 'stat', 'posixpath', 'genericpath', '_collections_abc'];
const SITE = ['site', '_sitebuiltins', 'sitecustomize', 'usercustomize'];
/** SYSTEM_DIR: directories that are never an app's own (the root is excluded by the caller). */
const SYSTEM_DIR = /^(?:bin|sbin|lib(?:32|64|x32)?|usr|usr\/src|usr\/local|etc|var|tmp|run|dev|proc|sys|root|opt|srv|home)$|^(?:bin|sbin|lib(?:32|64|x32)?|etc|var\/lib|proc|sys|dev|run)\/|^usr\/(?!src\/|local\/src\/)/;

/** scans caches each file's imports across the closure's rounds (the facts objects live as long as the run). */
const scans = new WeakMap<FileFacts, PyScan>();
/** resolved caches where paths end in each tree (symlinks followed). */
const resolved = new WeakMap<FinalTree, Map<string, string | null>>();
/** listings caches each tree's directory listing. */
const listings = new WeakMap<FinalTree, Map<string, string[]>>();

function listing(tree: FinalTree): Map<string, string[]> {
  let m = listings.get(tree);
  if (m) return m;
  m = new Map();
  for (const p of tree.keys()) {
    const d = parentOf(p);
    const list = m.get(d);
    if (list) list.push(p.slice(d === '' ? 0 : d.length + 1));
    else m.set(d, [p.slice(d === '' ? 0 : d.length + 1)]);
  }
  for (const list of m.values()) list.sort();
  listings.set(tree, m);
  return m;
}

const normalize = collapseDots;

const join = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

export interface Interpreter {
  /** e.g. "3.11". */
  version: string;
  /** the installation prefix, e.g. "usr" or "usr/local". */
  prefix: string;
  /** where the standard library is, e.g. "usr/lib/python3.11". */
  stdlib: string;
  /** the bytecode cache tag, e.g. "cpython-311". */
  tag: string;
}

/** A module as the path finder finds it. */
type Found =
  | { kind: 'package'; dirs: string[]; init: string; entry: string }
  | { kind: 'namespace'; dirs: string[]; entry: string }
  | { kind: 'module'; file: string; entry: string };

/** interpreterOf finds a Python interpreter's version and prefix from its path (as CPython's getpath does, by the stdlib's landmark os.py). */
export function interpreterOf(c: Closure, program: string): Interpreter | null {
  const base = program.slice(program.lastIndexOf('/') + 1);
  const named = /^python(\d+\.\d+)$/.exec(base)?.[1];
  const ls = listing(c.tree);
  for (let d = parentOf(parentOf(program)); ; d = parentOf(d)) {
    const lib = c.resolves(join(d, 'lib'));
    const versions = named ? [named] : (ls.get(lib ?? '\0') ?? []).map((n) => /^python(3\.\d+)$/.exec(n)?.[1]).filter((v): v is string => v !== undefined);
    versions.sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]));
    for (const v of versions) {
      const stdlib = join(d, `lib/python${v}`);
      if (c.resolves(`${stdlib}/os.py`) !== null || c.resolves(`${stdlib}/os.pyc`) !== null) return { version: v, prefix: d, stdlib, tag: `cpython-${v.replace('.', '')}` };
    }
    if (d === '') return null;
  }
}

class PyTrace {
  readonly path: string[] = [];
  readonly siteDirs: string[] = [];
  private readonly found = new Map<string, Found | null>();
  private readonly tracedModules = new Set<string>();
  private readonly scanned = new Set<string>();
  private readonly wholePackages = new Set<string>();
  /** per sys.path entry: the top-level names of the modules kept from it (for the distributions' metadata). */
  private readonly tops = new Map<string, Set<string>>();
  private wholeKept = false;
  private readonly siblingsWanted = new Set<string>();
  /** the app's own directories (the entry script's, sys.path[0]), kept whole after a computed import outside the standard library. */
  readonly appDirs: string[] = [];
  private readonly appDirsKept = new Set<string>();
  /** where the first computed import outside the standard library was seen. */
  private computedAt: string | null = null;
  /** where modules of the standard library outside any package import computed names (one warning for all). */
  private readonly stdlibComputed: string[] = [];
  private readonly ext: RegExp;

  constructor(
    private readonly c: Closure,
    readonly interp: Interpreter,
    private readonly label: string,
  ) {
    this.ext = new RegExp(`^(?:${interp.tag}-[^/]+\\.so|abi3\\.so|so)$`);
  }

  /** at is where a path ends in the tree (c.resolves, remembered for the tree across the closure's rounds). */
  private at(path: string): string | null {
    let m = resolved.get(this.c.tree);
    if (!m) resolved.set(this.c.tree, (m = new Map()));
    let r = m.get(path);
    if (r === undefined) m.set(path, (r = this.c.resolves(path)));
    return r;
  }

  kind(path: string): 'file' | 'dir' | null {
    const r = this.at(path);
    const t = r === null ? undefined : this.c.tree.get(r)?.type;
    return t === 'file' || t === 'hardlink' ? 'file' : t === 'dir' ? 'dir' : null;
  }

  private children(dir: string): string[] {
    const r = dir === '' ? '' : this.at(dir);
    return r === null ? [] : (listing(this.c.tree).get(r) ?? []);
  }

  /** isApp says whether a file is the program's own (not the standard library's, not site-packages'): its unresolved imports are warnings. */
  private isApp(file: string): boolean {
    return ![this.interp.stdlib, ...this.siteDirs].some((d) => file === d || file.startsWith(`${d}/`));
  }

  /** findIn looks for one name in one directory as CPython's FileFinder does: a package, then an extension module, a source, a sourceless .pyc; a directory without __init__ is a namespace portion. */
  private findIn(dir: string, name: string, entry: string): Found | { portion: string } | null {
    const sub = join(dir, name);
    let portion: string | null = null;
    if (this.kind(sub) === 'dir') {
      for (const init of ['__init__.py', '__init__.pyc']) if (this.kind(`${sub}/${init}`) === 'file') return { kind: 'package', dirs: [sub], init: `${sub}/${init}`, entry };
      portion = sub;
    }
    const names = this.children(dir).filter((n) => n.startsWith(`${name}.`));
    const rank = (n: string) => {
      const rest = n.slice(name.length + 1);
      if (rest === 'py') return 4;
      if (rest === 'pyc') return 5;
      if (!this.ext.test(rest)) return -1;
      return rest.startsWith('cpython') ? 1 : rest === 'abi3.so' ? 2 : 3;
    };
    const best = names.filter((n) => rank(n) > 0 && this.kind(join(dir, n)) === 'file').sort((a, b) => rank(a) - rank(b))[0];
    if (best) return { kind: 'module', file: join(dir, best), entry };
    return portion ? { portion } : null;
  }

  /** addPath appends a directory to sys.path (a .pth file's, a program's argument's); names not found before are looked up again. */
  addPath(dir: string): void {
    if (this.path.includes(dir)) return;
    this.path.push(dir);
    for (const [name, f] of this.found) if (f === null) this.found.delete(name);
  }

  /** find resolves a dotted module name on sys.path (a submodule in its package's __path__), or null. */
  find(name: string): Found | null {
    if (this.found.has(name)) return this.found.get(name)!;
    this.found.set(name, null); // a cycle finds nothing
    const dot = name.lastIndexOf('.');
    let dirs: { dir: string; entry: string }[];
    if (dot < 0) dirs = this.path.map((d) => ({ dir: d, entry: d }));
    else {
      const parent = this.find(name.slice(0, dot));
      dirs = parent && parent.kind !== 'module' ? parent.dirs.map((d) => ({ dir: d, entry: parent.entry })) : [];
    }
    const last = name.slice(dot + 1);
    const portions: string[] = [];
    let result: Found | null = null;
    for (const { dir, entry } of dirs) {
      const f = this.findIn(dir, last, entry);
      if (f === null) continue;
      if ('portion' in f) portions.push(f.portion);
      else {
        result = f;
        break;
      }
    }
    if (!result && portions.length > 0) result = { kind: 'namespace', dirs: portions, entry: dirs.find((d) => portions[0]!.startsWith(join(d.dir, '')))?.entry ?? '' };
    this.found.set(name, result);
    return result;
  }

  /** keepSource keeps a .py file and its bytecode of the interpreter's cache tag; returns the resolved file. */
  private keepSource(file: string, reason: string): string | null {
    const at = this.c.keepResolved(file, reason);
    if (at !== null && file.endsWith('.py')) {
      const slash = file.lastIndexOf('/');
      const pyc = `${file.slice(0, slash + 1)}__pycache__/${file.slice(slash + 1, -3)}.${this.interp.tag}.pyc`;
      if (this.kind(pyc) === 'file') this.c.keepResolved(pyc, `bytecode of /${file} (cache tag ${this.interp.tag})`);
    }
    return at;
  }

  /** traceModule keeps a module (its packages first, as importing it runs them) and what it imports. */
  traceModule(name: string, reason: string, from: string | null = null): boolean {
    const f = this.find(name);
    if (!f) {
      if (from !== null && this.isApp(from.replace(/:\d+$/, '')) && !BUILTIN_MODULES.has(name.split('.')[0]!)) {
        this.c.warn(`/${from}: cannot find module ${JSON.stringify(name)} on ${this.label}'s sys.path (add --keep for it if it loads at run time)`);
      }
      return false;
    }
    const dot = name.lastIndexOf('.');
    // importing a.b runs a first (a reason for a only when it was not imported yet)
    if (dot > 0 && !this.tracedModules.has(name.slice(0, dot))) this.traceModule(name.slice(0, dot), reason);
    if (this.tracedModules.has(name)) {
      // every importer is a reason
      if (f.kind === 'package') this.c.keepResolved(f.init, reason);
      else if (f.kind === 'module') this.c.keepResolved(f.file, f.file.endsWith('.so') ? `extension module ${name} (${reason})` : reason);
      return true;
    }
    this.tracedModules.add(name);
    let top = this.tops.get(f.entry);
    if (!top) this.tops.set(f.entry, (top = new Set()));
    top.add(name.split('.')[0]!);
    if (f.kind === 'namespace') {
      for (const d of f.dirs) this.c.keepResolved(d, `namespace package ${name} (${reason})`);
      return true;
    }
    const file = f.kind === 'package' ? f.init : f.file;
    this.traceFile(file, reason, name, f.kind === 'package');
    return true;
  }

  /** traceFile keeps a module's file and follows its imports (an extension module's through the ELF closure). */
  traceFile(file: string, reason: string, name: string, isPackage: boolean): void {
    if (file.endsWith('.so')) {
      this.c.traceProgram(file, `extension module ${name} (${reason})`);
      return;
    }
    const at = this.keepSource(file, reason);
    if (at === null || this.scanned.has(at)) return;
    if (file.endsWith('.pyc')) {
      this.scanned.add(at);
      this.c.warn(`/${file}: compiled-only module ${name}: its imports cannot be traced`);
      this.keepWhole(`${name} is compiled only (/${file})`);
      return;
    }
    const facts = this.c.factsOf(at);
    this.wantSiblings(at, name, isPackage);
    if (!facts) return;
    this.scanned.add(at);
    let scan = scans.get(facts);
    if (!scan) scans.set(facts, (scan = scanPython(facts.text ?? '')));
    this.traceScan(scan, file, name, isPackage);
    if (scan.loadsEntryPoint) this.entryPoints(facts.text ?? '', file);
  }

  /**
   * entryPoints follows `load_entry_point('Dist==1.0', 'console_scripts', 'name')` (the console
   * scripts setuptools writes): the module the distribution's entry_points.txt names is traced.
   */
  private entryPoints(text: string, file: string): void {
    const call = /load_entry_point\(\s*(['"])([^'"=<>!~ ]+)[^'"]*\1\s*,\s*(['"])([^'"]+)\3\s*,\s*(['"])([^'"]+)\5\s*\)/g;
    for (const m of text.matchAll(call)) {
      const [dist, group, name] = [m[2]!, m[4]!, m[6]!];
      const line = text.slice(0, m.index).split('\n').length;
      const meta = this.siteDirs.flatMap((d) => this.children(d).filter((n) => normName(/^(.+?)(?:-[^-]*)?\.(?:dist|egg)-info$/.exec(n)?.[1] ?? '') === normName(dist)).map((n) => `${d}/${n}`))[0];
      const at = meta === undefined ? null : this.c.resolves(`${meta}/entry_points.txt`);
      if (at === null) {
        this.c.warn(`/${file}:${line}: the entry point ${group}/${name} of ${dist} is not in the metadata on ${this.label}'s sys.path`);
        continue;
      }
      const facts = this.c.factsOf(at);
      if (!facts) continue;
      this.c.keepResolved(`${meta}/entry_points.txt`, `entry points of ${dist}, read by /${file}:${line}`);
      const target = entryPointOf(facts.text ?? '', group, name);
      if (target === null) this.c.warn(`/${file}:${line}: /${meta}/entry_points.txt has no ${name} in [${group}]`);
      else this.traceModule(target, `entry point ${group}/${name} of ${dist}, loaded by /${file}:${line}`, `${file}:${line}`);
    }
  }

  /** traceArgument follows a program's argument that names a Python file (`flask --app app.py`) or a `module:attribute` (gunicorn, uvicorn); the program imports it by name. */
  traceArgument(arg: string, reason: string): void {
    const value = arg.startsWith('--') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
    const colon = /^([A-Za-z_][\w.]*):[\w.()]+$/.exec(value);
    if (/\.py$/.test(value)) {
      const path = this.c.relative(value);
      const at = this.c.resolves(path);
      if (at === null || this.kind(at) !== 'file') return;
      // the program puts the file's directory on sys.path to import it
      this.addPath(parentOf(at));
      if (!this.appDirs.includes(parentOf(at))) {
        this.appDirs.push(parentOf(at));
        if (this.computedAt !== null) this.keepAppDirs(this.computedAt);
      }
      const base = at.slice(at.lastIndexOf('/') + 1, -3);
      this.traceFile(path, reason, /^\w+$/.test(base) ? base : '__main__', false);
    } else if (colon) {
      this.addPath(this.c.workdir);
      if (this.find(colon[1]!)) this.traceModule(colon[1]!, reason);
    }
  }

  /**
   * wantSiblings asks for the sources beside a module of a package (not on a sys.path entry's top
   * level): a package's modules mostly import each other, and reading them in the same round saves
   * a round per link of the chain. Nothing is kept by it.
   */
  private wantSiblings(file: string, name: string, isPackage: boolean): void {
    if (!isPackage && !name.includes('.')) return;
    const d = parentOf(file);
    if (this.siblingsWanted.has(d)) return;
    this.siblingsWanted.add(d);
    for (const n of this.children(d)) if (n.endsWith('.py')) this.c.hint(`${d}/${n}`);
  }

  /** traceScan follows the imports of one source (a file, a -c command, a .pth line). */
  traceScan(scan: PyScan, file: string, name: string, isPackage: boolean): void {
    const pkg = isPackage ? name : name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
    for (const imp of scan.imports) {
      if (imp.mainOnly && name !== '__main__') continue; // under `if __name__ == '__main__':` of an imported module
      const at = `${file}:${imp.line}`;
      const why = `imported by /${at}`;
      let base = imp.module;
      if (imp.level > 0) {
        const parts = pkg === '' ? [] : pkg.split('.');
        if (imp.level - 1 > parts.length - 1 || parts.length === 0) {
          if (this.isApp(file)) this.c.warn(`/${at}: a relative import beyond the top-level package`);
          continue;
        }
        base = [...parts.slice(0, parts.length - (imp.level - 1)), ...(imp.module ? [imp.module] : [])].join('.');
      }
      if (!this.traceModule(base, why, at)) continue;
      const f = this.find(base);
      if (!f || f.kind === 'module') continue;
      for (const n of imp.names) {
        if (n === '*') continue;
        // `from pkg import name`: name may be a submodule
        if (this.find(`${base}.${n}`)) this.traceModule(`${base}.${n}`, why);
      }
    }
    if (scan.computed.length > 0) this.keepPackageOf(file, name, scan.computed);
  }

  /** keepPackageOf keeps the whole top-level package a file with a computed import sits in. */
  private keepPackageOf(file: string, name: string, lines: number[]): void {
    const where = `/${file}:${lines.join(',')}`;
    const top = name.split('.')[0]!;
    const f = name.includes('.') || file.endsWith('__init__.py') ? this.find(top) : null;
    const outsideStdlib = !file.startsWith(`${this.interp.stdlib}/`);
    if (outsideStdlib) {
      this.computedAt ??= where;
      this.keepAppDirs(where);
    }
    if (!f || f.kind === 'module') {
      // the standard library's own (pickle, pkgutil, doctest…) are one warning, given by finish()
      if (outsideStdlib) this.c.warn(`${where}: import of a computed name: what it imports at run time is not known (add --keep for it)`);
      else if (!this.stdlibComputed.includes(where)) this.stdlibComputed.push(where);
      return;
    }
    this.c.warn(`${where}: import of a computed name: the whole package ${f.dirs.map((d) => `/${d}`).join(', ')} is kept`);
    if (this.wholePackages.has(top)) return;
    this.wholePackages.add(top);
    for (const d of f.dirs) this.keepTree(d, top, `in the package of /${file}, which imports a computed name (line ${lines[0]})`);
  }

  /**
   * keepAppDirs keeps the app's own directories whole (the entry script's, sys.path[0]) once a
   * computed import outside the standard library is seen: frameworks load the app's modules by
   * name (Django's settings, gunicorn's `app:app`, Flask's app factory) and its templates and data
   * by path. A system directory, a virtual environment (and a directory in one) and .git are left out.
   */
  private keepAppDirs(where: string): void {
    for (const d of this.appDirs) {
      if (this.appDirsKept.has(d) || d === '' || SYSTEM_DIR.test(d) || !this.isApp(`${d}/x`) || this.inVenv(d)) continue;
      this.appDirsKept.add(d);
      this.c.warn(`${where}: import of a computed name outside the standard library: the app's directory /${d} is kept whole`);
      this.keepTree(d, '', `in the app's directory (sys.path[0]), kept whole: ${where} imports a computed name`, (sub) => sub.endsWith('/.git') || this.kind(`${sub}/pyvenv.cfg`) === 'file');
    }
  }

  /** inVenv says whether a directory is a virtual environment or inside one (its bin holds console scripts, not the app). */
  private inVenv(dir: string): boolean {
    for (let d = dir; d !== ''; d = parentOf(d)) if (this.kind(`${d}/pyvenv.cfg`) === 'file') return true;
    return false;
  }

  /** keepTree keeps every file under a directory; sources are traced as modules of `name`'s package, extension modules through the ELF closure. */
  private keepTree(dir: string, name: string | null, reason: string, skip: (dir: string) => boolean = () => false): void {
    const ls = listing(this.c.tree);
    const sub = (mod: string | null, n: string) => (mod === null || !/^\w+$/.test(n) ? null : mod === '' ? n : `${mod}.${n}`);
    const walk = (d: string, mod: string | null) => {
      const real = this.c.resolves(d);
      if (real === null) return;
      for (const n of ls.get(real) ?? []) {
        const p = `${d}/${n}`;
        const t = this.c.tree.get(join(real, n))?.type;
        if (t === 'dir') {
          if (n === '__pycache__') {
            for (const pyc of ls.get(join(real, n)) ?? []) if (pyc.includes(`.${this.interp.tag}.`)) this.c.keepResolved(`${p}/${pyc}`, reason);
            continue;
          }
          if (!skip(p)) walk(p, sub(mod, n));
        } else if (mod !== null && n.endsWith('.py')) {
          const base = n.slice(0, -3);
          if (base === '__init__' && mod !== '') this.traceFile(p, reason, mod, true);
          else if (sub(mod, base) !== null) this.traceFile(p, reason, sub(mod, base)!, false);
          else this.c.keepResolved(p, reason);
        } else if (/\.so(\.[\d.]+)?$/.test(n) && (t === 'file' || t === 'hardlink')) this.c.traceProgram(p, reason);
        else this.c.keepResolved(p, reason);
      }
    };
    walk(dir, name);
  }

  /** keepWhole keeps the whole standard library and site-packages, once, when the program's imports cannot be followed. */
  keepWhole(why: string): void {
    if (this.wholeKept) return;
    this.wholeKept = true;
    this.c.warn(`${this.label}: ${why}: the whole standard library and site-packages are kept`);
    for (const d of [this.interp.stdlib, ...this.siteDirs]) this.keepTree(d, null, `Python's standard library or site-packages, kept whole (${why})`);
  }

  /** startUp keeps what the interpreter imports before the entry module: the start-up modules, the encodings package, _sysconfigdata, the .pth files site reads. */
  startUp(site: boolean): void {
    const reason = `Python start-up module (${this.label})`;
    for (const m of STARTUP) this.traceModule(m, reason);
    const encodings = this.find('encodings');
    if (encodings && encodings.kind === 'package') {
      this.traceModule('encodings', reason);
      for (const d of encodings.dirs) this.keepTree(d, 'encodings', `${reason}; codecs are looked up by name at run time`);
    } else this.c.warn(`${this.label}: the standard library has no encodings package (the interpreter cannot start without it)`);
    for (const n of this.children(this.interp.stdlib)) {
      if (/^_sysconfigdata_.*\.py$/.test(n)) this.traceFile(`${this.interp.stdlib}/${n}`, `the interpreter's build configuration, read by sysconfig (${this.label})`, n.slice(0, -3), false);
    }
    this.c.keepDir(`${this.interp.stdlib}/lib-dynload`, `the landmark of Python's exec prefix (${this.label})`, 0o755);
    if (!site) return;
    for (const m of SITE) this.traceModule(m, reason);
  }

  /** readPth keeps a site directory's .pth files, adds the directories they name to sys.path and follows their `import` lines. */
  readPth(siteDir: string): void {
    for (const n of this.children(siteDir)) {
      if (!n.endsWith('.pth')) continue;
      const file = `${siteDir}/${n}`;
      const at = this.c.keepResolved(file, `.pth file read by site at start-up (${this.label})`);
      const facts = at === null ? undefined : this.c.factsOf(at);
      if (!facts) continue;
      const lines = (facts.text ?? '').split('\n');
      lines.forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        if (/^import[ \t]/.test(line)) {
          const scan = scanPython(line);
          this.traceScan({ imports: scan.imports.map((imp) => ({ ...imp, line: i + 1 })), computed: scan.computed.map(() => i + 1) }, file, '__main__', false);
          return;
        }
        const dir = normalize(line.startsWith('/') ? line : `${siteDir}/${line}`);
        if (this.kind(dir) === 'dir' && !this.path.includes(dir)) {
          this.addPath(dir);
          this.c.keepResolved(dir, `named in /${file}`);
        }
      });
    }
  }

  /** finish keeps the metadata of the distributions kept and gives the warnings collected on the way. */
  finish(): void {
    this.keepMetadata();
    const n = this.stdlibComputed.length;
    if (n > 0) {
      const shown = this.stdlibComputed.slice(0, 3).join(', ');
      this.c.warn(`${this.label}: ${n} module${n > 1 ? 's' : ''} of the standard library import${n > 1 ? '' : 's'} computed names (${shown}${n > 3 ? ', …' : ''}): what they import at run time is not known (add --keep for it)`);
    }
  }

  /** keepMetadata keeps the dist-info / egg-info of the distributions whose top-level modules are kept. */
  private keepMetadata(): void {
    for (const dir of this.siteDirs) {
      const tops = new Set([...(this.tops.get(dir) ?? [])].map(normName));
      if (tops.size === 0) continue;
      for (const n of this.children(dir)) {
        const m = /^(.+?)(?:-[^-]*)?\.(dist-info|egg-info)$/.exec(n);
        if (!m) continue;
        const meta = `${dir}/${n}`;
        let provides = [normName(m[1]!)];
        if (!tops.has(provides[0]!)) {
          const listed = this.listedTops(meta);
          if (listed === undefined) continue;
          provides = listed;
        }
        const hit = provides.find((p) => tops.has(p));
        if (hit === undefined) continue;
        const reason = `metadata of the distribution of ${hit}, read by importlib.metadata (${this.label})`;
        if (this.kind(meta) === 'dir') this.keepTree(meta, null, reason);
        else this.c.keepResolved(meta, reason);
      }
    }
  }

  /** listedTops reads a distribution's top-level names from top_level.txt or RECORD; undefined while they are being read. */
  private listedTops(meta: string): string[] | undefined {
    for (const [name, pick] of [
      ['top_level.txt', (l: string) => l.trim()],
      ['RECORD', (l: string) => l.split(',')[0]!.split('/')[0]!.replace(/\.(py|pyc|so|pth)$/, '').replace(/\..*$/, '')],
    ] as const) {
      const at = this.c.resolves(`${meta}/${name}`);
      if (at === null) continue;
      const facts = this.c.factsOf(at);
      if (!facts) return undefined;
      return (facts.text ?? '').split('\n').map(pick).filter((t) => t !== '' && !t.endsWith('-info')).map(normName);
    }
    return [];
  }
}

/** entryPointOf finds `name = module:attr` in [group] of an entry_points.txt; the module, or null. */
export function entryPointOf(ini: string, group: string, name: string): string | null {
  let section = '';
  for (const raw of ini.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!.trim();
    else if (section === group) {
      const m = /^([^=]+?)\s*=\s*([\w.]+)/.exec(line);
      if (m && m[1] === name) return m[2]!;
    }
  }
  return null;
}

function normName(n: string): string {
  return n.toLowerCase().replace(/[-_.]+/g, '_');
}

/** OPTIONS_WITH_VALUE are the interpreter's one-letter options whose value follows (in the same word or the next). */
const OPTIONS_WITH_VALUE = new Set(['c', 'm', 'W', 'X']);

interface Invocation {
  flags: Set<string>;
  /** the arguments after the script, -m module or -c command. */
  rest?: string[];
  command?: string;
  module?: string;
  script?: string;
}

/** parseArgs reads a python command line up to the program it runs (-c, -m or a script). */
export function parsePythonArgs(args: readonly string[]): Invocation {
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || !a.startsWith('-')) return a === '-' ? { flags } : { flags, script: a, rest: args.slice(i + 1) };
    if (a.startsWith('--')) {
      if (a === '--check-hash-based-pycs') i++;
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const o = a[k]!;
      if (!OPTIONS_WITH_VALUE.has(o)) {
        flags.add(o);
        continue;
      }
      const value = k + 1 < a.length ? a.slice(k + 1) : args[++i];
      if (o === 'c') return { flags, ...(value !== undefined ? { command: value } : {}), rest: args.slice(i + 1) };
      if (o === 'm') return { flags, ...(value !== undefined ? { module: value } : {}), rest: args.slice(i + 1) };
      break;
    }
  }
  return { flags };
}

/** venvOf finds the virtual environment an interpreter path belongs to (pyvenv.cfg next to it or one directory up). */
function venvOf(c: Closure, invoked: string): { dir: string; cfg: string } | null {
  for (const d of [parentOf(invoked), parentOf(parentOf(invoked))]) {
    const cfg = join(d, 'pyvenv.cfg');
    if (c.resolves(cfg) !== null) return { dir: d, cfg };
  }
  return null;
}

/** traces remembers one PyTrace per closure and interpreter, so the entrypoint and a HEALTHCHECK share what was found. */
const traces = new WeakMap<Closure, Map<string, PyTrace>>();

export const pythonTracer: Tracer = {
  name: 'python',
  trace(c, program, args, reason, invoked = program) {
    const base = program.slice(program.lastIndexOf('/') + 1);
    if (!/^python(\d+(\.\d+)?)?$/.test(base)) return false;
    const interp = interpreterOf(c, program);
    if (!interp) {
      c.warn(`${reason}: /${program}: no Python standard library (lib/python3.X/os.py) found above it: its modules were not traced`);
      return true;
    }
    const inv = parsePythonArgs(args);
    const isolated = inv.flags.has('I');
    const label = `/${program}`;
    const venv = venvOf(c, invoked);
    let perClosure = traces.get(c);
    if (!perClosure) traces.set(c, (perClosure = new Map()));
    // sys.path[0]: the script's directory (symlinks resolved), else the working directory
    let entryDir = c.workdir;
    let scriptAt: string | null = null;
    if (inv.script !== undefined) {
      scriptAt = c.resolves(c.relative(inv.script));
      if (scriptAt !== null) entryDir = c.tree.get(scriptAt)?.type === 'dir' ? scriptAt : parentOf(scriptAt);
    }
    const key = `${program}\0${venv?.dir ?? ''}\0${isolated ? '' : entryDir}\0${[...inv.flags].sort().join('')}`;
    let t = perClosure.get(key);
    if (!t) {
      t = new PyTrace(c, interp, label);
      perClosure.set(key, t);
      if (!isolated) t.path.push(entryDir);
      t.appDirs.push(entryDir);
      if (!isolated && !inv.flags.has('E')) for (const p of (c.env.get('PYTHONPATH') ?? '').split(':')) if (p !== '') t.path.push(c.relative(p));
      t.path.push(interp.stdlib, `${interp.stdlib}/lib-dynload`);
      const v = interp.version;
      let system = true;
      if (venv) {
        c.keepResolved(venv.cfg, `pyvenv.cfg of the virtual environment ${label} starts in`);
        const cfg = c.factsOf(c.resolves(venv.cfg)!);
        system = /^\s*include-system-site-packages\s*=\s*true\s*$/im.test(cfg?.text ?? '');
        for (const lib of ['lib', 'lib64']) {
          const d = `${venv.dir}/${lib}/python${v}/site-packages`;
          const r = c.resolves(d);
          if (r !== null && !t.siteDirs.some((s) => c.resolves(s) === r)) t.siteDirs.push(d);
        }
      }
      if (system && !inv.flags.has('S')) {
        const candidates = [`usr/local/lib/python${v}/dist-packages`, 'usr/lib/python3/dist-packages', `usr/lib/python${v}/dist-packages`, `${interp.prefix}/lib/python${v}/site-packages`];
        for (const d of candidates) if (t.kind(d) === 'dir' && !t.siteDirs.includes(d)) t.siteDirs.push(d);
      }
      t.path.push(...t.siteDirs);
      if (!inv.flags.has('S')) for (const d of [...t.siteDirs]) t.readPth(d);
      t.startUp(!inv.flags.has('S'));
    }
    const entry = `the entry of ${label} (${reason})`;
    if (inv.command !== undefined) {
      t.traceScan(scanPython(inv.command), `${program} -c`, '__main__', false);
    } else if (inv.module !== undefined) {
      t.traceModule('runpy', `runs -m ${inv.module} (${label})`);
      const f = t.find(inv.module);
      if (!f) c.warn(`${reason}: ${label} -m ${inv.module}: no such module on its sys.path`);
      else {
        t.traceModule(inv.module, entry);
        if (f.kind !== 'module') {
          if (!t.traceModule(`${inv.module}.__main__`, entry)) c.warn(`${reason}: ${label} -m ${inv.module}: the package has no __main__ module`);
        }
      }
    } else if (inv.script === undefined) {
      t.keepWhole(`${reason} runs the interpreter without a script (it reads its program from standard input)`);
    } else if (scriptAt === null) {
      c.warn(`${reason}: ${label}'s script ${inv.script} is not in the image`);
    } else if (c.tree.get(scriptAt)?.type === 'dir') {
      const main = `${scriptAt}/__main__.py`;
      if (t.kind(main) === 'file') t.traceFile(main, entry, '__main__', false);
      else t.keepWhole(`the directory ${inv.script} it runs has no __main__.py`);
    } else {
      const at = c.keepResolved(c.relative(inv.script), entry);
      const facts = at === null ? undefined : c.factsOf(at);
      if (at !== null && facts) {
        const text = facts.text ?? '';
        if (facts.elf || text.startsWith('PK\u0003\u0004') || at.endsWith('.pyc') || /[\0]/.test(text.slice(0, 4096))) {
          t.keepWhole(`its script /${at} is compiled or zipped, not Python source`);
        } else t.traceFile(c.relative(inv.script), entry, '__main__', false);
      }
    }
    for (const a of inv.rest ?? []) t.traceArgument(a, `named in the arguments of ${label} (${reason})`);
    t.finish();
    return true;
  },
};
