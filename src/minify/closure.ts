// The static closure of what an image's config runs: the entrypoint (resolved inside the image's
// own tree), its dynamic loader and libraries (src/elf), the interpreter of a `#!` script and the
// commands a shell script calls (src/shell), and what every container needs whatever it runs
// (always.ts). Pure and synchronous over what is known of file contents: a path whose facts are not
// known yet (and cannot be read at once, `read`: a spooled module) goes into `wanted`, and the
// caller reads those and runs the closure again, until nothing is wanted. Every kept path carries its reasons. Language tracers plug in through `tracers`: each
// is asked about a program the closure reaches and may keep files and ask for more. The paths
// --probe saw the original touch (probe.ts) are kept like --keep's, with their own reason.
import { parentOf } from '../analyze/path-tree.js';
import { resolveIn, type FinalTree } from '../analyze/resolve.js';
import { WhittleError } from '../errors.js';
import { libraryCandidates, parseLdSoConf, type LoaderSetup } from '../elf/search.js';
import type { ElfInfo } from '../elf/parse.js';
import type { ImageConfig } from '../image/spec.js';
import { pathGlob } from '../knowledge/paths.js';
import type { ShellScript } from '../shell/commands.js';
import { keepAlways } from './always.js';
import type { FileFacts } from './facts.js';
import { traceShell } from './shell.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ClosureOptions {
  /** globs (`**` any depth) of paths always kept, with what they need. */
  keep?: readonly string[];
  /** parses a shell script (src/shell's analyzeShell once its parser is ready). */
  shell: (text: string) => ShellScript | null;
  /** language tracers, asked in order about each program the closure reaches. */
  tracers?: readonly Tracer[];
  /** what --probe saw the original touch: absolute paths, the calls that succeeded on each, whether one followed a symlink in the last component. */
  probe?: ReadonlyMap<string, { calls: ReadonlySet<string>; follow: boolean }>;
  /**
   * read gives a file's facts at once when they can be had without a pass over a layer (a module the
   * scan spooled), and adds them to `facts`; undefined when they cannot: the path is then wanted.
   */
  read?: (path: string) => FileFacts | undefined;
}

/** probeReason is the reason of a path --probe saw touched: `touched by the probe (openat)`. */
export const probeReason = (calls: Iterable<string>) => `touched by the probe (${[...calls].sort().join(', ')})`;

/** A Tracer follows one language's imports from a program run with arguments; it keeps what it finds through the context. */
export interface Tracer {
  name: string;
  /**
   * trace is called for every program reached with arguments (the entrypoint, a script's commands);
   * true when it handled the program. program is the file the path ends at (symlinks resolved),
   * invoked the path as it was named (a virtual environment's `bin/python` symlink).
   */
  trace(ctx: Closure, program: string, args: readonly string[], reason: string, invoked?: string): boolean;
}

export interface ClosureResult {
  /** kept paths of the tree (and synthetic directories), each with its reasons, sorted by path. */
  kept: Map<string, string[]>;
  /** directories the image lacks that the output creates (path → mode): /tmp, WorkingDir, VOLUME targets. */
  created: Map<string, number>;
  warnings: string[];
  /** paths whose facts the closure needs and does not have: read them and run it again. */
  wanted: Set<string>;
}

/** Closure is the state of one run; tracers use its methods. */
export class Closure {
  readonly kept = new Map<string, Set<string>>();
  readonly created = new Map<string, number>();
  readonly warnings: string[] = [];
  readonly wanted = new Set<string>();
  private readonly traced = new Set<string>();
  readonly env: Map<string, string>;
  readonly workdir: string;
  /** the dynamic loader's setup, once ld.so.cache / ld.so.conf are known. */
  private setupMemo: LoaderSetup | null | undefined;

  constructor(
    readonly tree: FinalTree,
    readonly config: ImageConfig,
    readonly facts: ReadonlyMap<string, FileFacts>,
    readonly opts: ClosureOptions,
  ) {
    this.env = new Map();
    for (const e of config.config?.Env ?? []) {
      const i = e.indexOf('=');
      if (i > 0) this.env.set(e.slice(0, i), e.slice(i + 1));
    }
    this.workdir = (config.config?.WorkingDir ?? '/').replace(/^\/+/, '').replace(/\/+$/, '');
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** keep records a path of the tree (or one to create) with a reason. */
  keep(path: string, reason: string): void {
    let set = this.kept.get(path);
    if (!set) this.kept.set(path, (set = new Set()));
    set.add(reason);
  }

  /** factsOf is what is known of a file's content (read at once when opts.read can); undefined (and wanted) when it has not been read yet. */
  factsOf(path: string): FileFacts | undefined {
    const f = this.facts.get(path) ?? this.opts.read?.(path);
    if (f === undefined) this.wanted.add(path);
    return f;
  }

  /**
   * hint asks for a file to be read in this round in case the closure needs it in the next (a
   * sibling of a module being read): nothing is kept, and nothing is asked when opts.read reads
   * files at once.
   */
  hint(path: string): void {
    if (this.opts.read === undefined && !this.facts.has(path)) this.wanted.add(path);
  }

  /**
   * keepResolved keeps a path, every symlink passed on the way and the file it ends at; it returns
   * that file's path, or null when the tree does not hold it. A symlink loop is an error when
   * required, else a warning.
   */
  keepResolved(path: string, reason: string, required = false): string | null {
    const via: string[] = [];
    const r = resolveIn(this.tree, path, via);
    if ('loop' in r) {
      const message = `/${path.replace(/^\/+/, '')} (${reason}): symlink loop at /${r.loop}`;
      if (required) throw new WhittleError('bad-archive', message);
      this.warn(message);
      return null;
    }
    if (!this.tree.has(r.path)) return null;
    for (const v of via) this.keep(v, `symlink on the way to /${r.path}`);
    this.keep(r.path, reason);
    return r.path;
  }

  /** resolves says where a path ends inside the tree (null: missing or a loop), keeping nothing. */
  resolves(path: string): string | null {
    const r = resolveIn(this.tree, path);
    return 'path' in r && this.tree.has(r.path) ? r.path : null;
  }

  pathDirs(): string[] {
    return (this.env.get('PATH') ?? DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
  }

  /** lookPath finds a command as execvp does: a name with a slash as it is (relative to WorkingDir), else the first executable file on PATH. */
  lookPath(name: string): string | null {
    if (name.includes('/')) return name.startsWith('/') ? name.slice(1) : `${this.workdir ? `${this.workdir}/` : ''}${name}`;
    for (const dir of this.pathDirs()) {
      const candidate = `${dir.replace(/^\/+/, '').replace(/\/+$/, '')}/${name}`.replace(/^\//, '');
      const end = resolveIn(this.tree, candidate);
      if ('loop' in end) return candidate; // the caller reports the loop
      const r = end.path;
      const rec = this.tree.get(r);
      if (rec && (rec.type === 'file' || rec.type === 'hardlink') && (rec.mode & 0o111) !== 0) return candidate;
    }
    return null;
  }

  loaderSetup(): LoaderSetup | null {
    if (this.setupMemo !== undefined) return this.setupMemo;
    const libraryPath = (this.env.get('LD_LIBRARY_PATH') ?? '').split(':').filter((d) => d.startsWith('/'));
    const cachePath = this.resolves('etc/ld.so.cache');
    if (cachePath) {
      const f = this.factsOf(cachePath);
      if (!f) return null;
      if (f.cache) return (this.setupMemo = { cache: f.cache, confDirs: null, libraryPath });
      this.warn('/etc/ld.so.cache is not a cache whittle reads: libraries are looked for in the directories ld.so.conf names');
    }
    const confDirs: string[] = [];
    const pending = ['etc/ld.so.conf'];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const p = pending.shift()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const r = this.resolves(p);
      if (!r) continue;
      const f = this.factsOf(r);
      if (!f) return null;
      const conf = parseLdSoConf(f.text ?? '');
      confDirs.push(...conf.dirs);
      for (const glob of conf.includes) {
        const re = pathGlob(glob);
        pending.push(...[...this.tree.keys()].filter((k) => re.test(k)).sort());
      }
    }
    return (this.setupMemo = { cache: null, confDirs, libraryPath });
  }

  /**
   * traceProgram keeps a program and what it needs to start: for ELF its loader and libraries, for a
   * `#!` script its interpreter (and, for a shell, the commands it calls). args are its arguments.
   * exe is the program an ELF library is loaded for (its DT_RPATH applies).
   */
  traceProgram(path: string, reason: string, args: readonly string[] = [], required = false, exe: { path: string; info: ElfInfo } | null = null): void {
    const at = this.keepResolved(path, reason, required);
    if (at === null) {
      if (required) throw new WhittleError('not-found', `/${path} (${reason}) is not in the image`);
      return;
    }
    const key = `${at}\0${args.join('\0')}`;
    if (this.traced.has(key)) return;
    const rec = this.tree.get(at)!;
    if (rec.type !== 'file' && rec.type !== 'hardlink') {
      if (required) throw new WhittleError('not-found', `/${at} (${reason}) is not a file`);
      return;
    }
    const facts = this.factsOf(at);
    if (!facts) return;
    this.traced.add(key);
    if (facts.elf) {
      if ('malformed' in facts.elf) throw new WhittleError('truncated', `/${at} (${reason}): ${facts.elf.malformed}`);
      this.traceElf(at, facts.elf.info, exe ?? { path: at, info: facts.elf.info });
      for (const p of facts.embedded ?? []) if (this.resolves(p) !== null) this.keepResolved(p, `named in /${at}, which loads it at start-up`);
    } else if (facts.text?.startsWith('#!')) {
      this.traceScript(at, facts.text, args, reason);
    }
    for (const t of this.opts.tracers ?? []) if (t.trace(this, at, args, reason, path.replace(/^\/+/, ''))) break;
  }

  private traceElf(path: string, info: ElfInfo, exe: { path: string; info: ElfInfo }): void {
    if (info.interpreter) this.traceProgram(info.interpreter.replace(/^\/+/, ''), `dynamic loader (PT_INTERP) of /${path}`, [], true);
    if (info.needed.length === 0) return;
    const setup = this.loaderSetup();
    if (!setup) return; // the cache is being read
    for (const lib of info.needed) {
      let pending = false;
      let found = false;
      for (const c of libraryCandidates(this.tree, lib, { path, info }, exe, setup)) {
        const r = this.resolves(c.path);
        const rec = r === null ? undefined : this.tree.get(r);
        if (!r || !rec || (rec.type !== 'file' && rec.type !== 'hardlink')) continue;
        const f = this.factsOf(r);
        if (!f) {
          pending = true;
          break;
        }
        if (f.elf && 'info' in f.elf && (f.elf.info.bits !== info.bits || f.elf.info.machine !== info.machine)) continue; // the loader skips another ABI's library
        this.traceProgram(c.path, `DT_NEEDED of /${path} (found through ${c.via})`, [], true, exe);
        found = true;
        break;
      }
      if (!found && !pending) this.warn(`${lib}, DT_NEEDED of /${path}, is not in the image (the original cannot load it either)`);
    }
  }

  private traceScript(path: string, text: string, args: readonly string[], reason: string): void {
    const line = text.slice(2, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).trim();
    const [interp, ...rest] = line.split(/\s+/);
    if (!interp) {
      this.warn(`/${path}: a #! line without an interpreter`);
      return;
    }
    const from = `interpreter (#!) of /${path}`;
    let program = interp;
    let programArgs = [...rest, `/${path}`, ...args];
    if (/(^|\/)env$/.test(interp)) {
      this.traceProgram(interp.replace(/^\/+/, ''), from, [], true);
      const words = rest.filter((w) => w !== '-S' && !/^-/.test(w) && !w.includes('='));
      const name = words[0];
      if (!name) return;
      const found = this.lookPath(name);
      if (!found) throw new WhittleError('not-found', `/${path} (${reason}) runs ${name} through env, and the image has no ${name} on PATH`);
      program = found;
      programArgs = [...words.slice(1), `/${path}`, ...args];
    }
    this.traceProgram(program.replace(/^\/+/, ''), from, programArgs, true);
    if (/(^|\/)(ba|da|a|z|k|mk)?sh$/.test(program)) traceShell(this, text, `/${path}`, args);
  }

  /** traceCommand keeps what an argv runs: its program through PATH and, for `sh -c` and `sh FILE`, the script. */
  traceCommand(argv: readonly string[], reason: string, required: boolean): void {
    const name = argv[0];
    if (name === undefined) return;
    const found = this.lookPath(name);
    const end = found === null ? null : resolveIn(this.tree, found);
    if (end !== null && 'loop' in end) {
      const message = `/${found} (${reason}): symlink loop at /${end.loop}`;
      if (required) throw new WhittleError('bad-archive', message);
      this.warn(message);
      return;
    }
    if (found === null || end === null || !this.tree.has(end.path)) {
      if (required) {
        throw new WhittleError('not-found', `${reason}: ${name} is not in the image${name.includes('/') ? '' : ` (PATH ${this.pathDirs().join(':')})`}`);
      }
      this.warn(`${reason}: ${name} is not in the image${name.includes('/') ? '' : ' (not on PATH)'}`);
      return;
    }
    const args = argv.slice(1);
    this.traceProgram(found, reason, args, required);
    const base = found.slice(found.lastIndexOf('/') + 1);
    if (!/^(ba|da|a|z|k|mk)?sh$/.test(base)) return;
    const c = args.indexOf('-c');
    if (c >= 0 && args.slice(0, c).every((a) => a.startsWith('-'))) {
      const script = args[c + 1];
      if (script !== undefined) traceShell(this, script, `${reason} (${base} -c)`, args.slice(c + 3));
      return;
    }
    const file = args.find((a) => !a.startsWith('-'));
    if (file !== undefined) {
      const at = this.keepResolved(this.relative(file), `script run by ${base} (${reason})`, required);
      if (at === null) {
        if (required) throw new WhittleError('not-found', `${reason}: the script ${file} is not in the image`);
        return;
      }
      const f = this.factsOf(at);
      if (f?.text !== undefined) traceShell(this, f.text, `/${at}`, args.slice(args.indexOf(file) + 1));
    }
  }

  /** relative makes a path named in a command an image path (relative to WorkingDir). */
  relative(p: string): string {
    return p.startsWith('/') ? p.replace(/^\/+/, '') : `${this.workdir ? `${this.workdir}/` : ''}${p.replace(/^\.\//, '')}`;
  }

  /** keepDir keeps a directory of the tree, or records it to be created with mode. */
  keepDir(path: string, reason: string, mode: number): void {
    const p = path.replace(/^\/+/, '').replace(/\/+$/, '');
    if (p === '') return;
    const at = this.keepResolved(p, reason);
    if (at !== null) return;
    this.created.set(p, mode);
    this.keep(p, reason);
  }

  result(): ClosureResult {
    // every directory on the way to a kept path, with its own metadata
    for (const path of [...this.kept.keys()]) {
      for (let d = parentOf(path); d !== ''; d = parentOf(d)) {
        if (this.kept.has(d)) break;
        if (!this.tree.has(d)) this.created.set(d, 0o755);
        this.keep(d, 'directory on the way to a kept path');
      }
    }
    const kept = new Map([...this.kept].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([p, r]) => [p, [...r]]));
    return { kept, created: this.created, warnings: this.warnings, wanted: this.wanted };
  }
}

/** entrypointArgv is what the container runs: Entrypoint then Cmd (the shell form is already `/bin/sh -c …` in the config). */
export function entrypointArgv(config: ImageConfig): string[] {
  const entry = config.config?.Entrypoint ?? [];
  return [...entry, ...(config.config?.Cmd ?? [])];
}

/** healthcheckOf returns the config's HEALTHCHECK test as a command, or null when the image has none (or `NONE`). */
export function healthcheckOf(config: { config?: { Healthcheck?: unknown } }): string[] | null {
  const test = (config.config?.Healthcheck as { Test?: unknown } | undefined)?.Test;
  if (!Array.isArray(test) || test.length < 2 || !test.every((t) => typeof t === 'string')) return null;
  const [kind, ...rest] = test as string[];
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  return null;
}

/**
 * keepProbed keeps a path the probe saw touched, when the image holds it: through its symlinks
 * when a call followed them (a program or shared library with what it needs, as --keep does), else
 * (lstat, readlink, unlink…) the path itself, its directory resolved.
 */
function keepProbed(c: Closure, path: string, follow: boolean, reason: string): void {
  if (path === '') return;
  if (follow) {
    const at = c.resolves(path);
    const rec = at === null ? undefined : c.tree.get(at);
    if (!rec) return;
    if ((rec.type === 'file' || rec.type === 'hardlink') && ((rec.mode & 0o111) !== 0 || /\.so(\.[\d.]+)?$/.test(at!))) c.traceProgram(path, reason);
    else c.keepResolved(path, reason);
    return;
  }
  const dir = parentOf(path);
  const name = path.slice(dir === '' ? 0 : dir.length + 1);
  const at = dir === '' ? '' : c.resolves(dir);
  if (at === null) return;
  const p = at === '' ? name : `${at}/${name}`;
  if (!c.tree.has(p)) return;
  if (dir !== '') c.keepResolved(dir, 'directory on the way to a kept path');
  c.keep(p, reason);
}

/** computeClosure runs the closure once over what is known. */
export function computeClosure(tree: FinalTree, config: ImageConfig, facts: ReadonlyMap<string, FileFacts>, opts: ClosureOptions): ClosureResult {
  const c = new Closure(tree, config, facts, opts);
  const argv = entrypointArgv(config);
  if (argv.length === 0) throw new WhittleError('not-found', 'the image has no Entrypoint or Cmd: there is nothing to trace from');
  c.traceCommand(argv, 'the entrypoint', true);
  // the engine runs the HEALTHCHECK's command in the container too
  const health = healthcheckOf(config);
  if (health) c.traceCommand(health, 'the HEALTHCHECK', false);
  // the entrypoint's arguments that name files of the image
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || arg.length > 4096 || /\s/.test(arg)) continue;
    const p = c.relative(arg);
    const r = c.resolves(p);
    const rec = r === null ? undefined : tree.get(r);
    if (rec && rec.type !== 'dir') c.keepResolved(p, 'named in the entrypoint\'s arguments');
  }
  keepAlways(c);
  for (const glob of opts.keep ?? []) {
    const re = pathGlob(glob.replace(/^\/+/, ''));
    let matched = 0;
    for (const [p, rec] of tree) {
      if (!re.test(p)) continue;
      matched++;
      if ((rec.type === 'file' || rec.type === 'hardlink') && ((rec.mode & 0o111) !== 0 || /\.so(\.[\d.]+)?$/.test(p))) c.traceProgram(p, `--keep ${glob}`);
      else c.keepResolved(p, `--keep ${glob}`);
    }
    if (matched === 0) c.warn(`--keep ${glob} matches nothing in the image`);
  }
  for (const [abs, touched] of opts.probe ?? []) keepProbed(c, abs.replace(/^\/+/, ''), touched.follow, probeReason(touched.calls));
  return c.result();
}
