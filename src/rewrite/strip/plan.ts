// planStrip decides what `whittle strip` removes from an image's final file system, and what it
// must keep however the categories and patterns read: what ENTRYPOINT/CMD run (resolved through
// PATH and symlinks), /etc/passwd and /etc/group, CA certificates, and the dynamic loader and every
// shared library the ELF programs on PATH and the entrypoint need, transitively.
import type { ImageConfig } from '../../image/spec.js';
import { parentOf } from '../../analyze/path-tree.js';
import { CATEGORIES, globToRegExp, rootOf, type Category } from './categories.js';
import type { ElfInfo } from '../../elf/parse.js';
import { libraryCandidates } from '../../elf/search.js';
import { resolve, type FinalTree } from '../../analyze/resolve.js';

export interface StripOptions {
  /** categories to apply (default: those marked byDefault). */
  categories?: string[];
  /** extra patterns to remove and to keep (globs; keep wins over everything). */
  remove?: string[];
  keep?: string[];
}

export interface Removal {
  path: string;
  /** content bytes (regular files; 0 for links). */
  bytes: number;
  /** a category id, or `remove` for --remove patterns. */
  category: string;
}

export interface Protection {
  path: string;
  reason: string;
}

export interface StripPlan {
  /** non-directories removed. */
  removed: Removal[];
  /** paths to white out: removed files, or a directory whose whole subtree goes. */
  whiteouts: string[];
  /** paths a category or pattern named that were kept, and why. */
  protected: Protection[];
  bytes: number;
  byCategory: Record<string, { count: number; bytes: number }>;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const LIB_DIRS = ['lib', 'lib64', 'usr/lib', 'usr/lib64', 'usr/local/lib'];
const ALWAYS_KEEP: [string, string][] = [
  ['etc/passwd', 'user database'],
  ['etc/group', 'group database'],
  ['etc/shadow', 'user database'],
  ['etc/ssl/certs/**', 'CA certificates'],
  ['usr/share/ca-certificates/**', 'CA certificates'],
  ['etc/pki/**', 'CA certificates'],
  ['etc/ca-certificates/**', 'CA certificates'],
];

function envOf(config: ImageConfig, name: string): string | undefined {
  const prefix = `${name}=`;
  return (config.config?.Env ?? []).filter((e) => e.startsWith(prefix)).pop()?.slice(prefix.length);
}

function pathDirs(config: ImageConfig): string[] {
  return (envOf(config, 'PATH') ?? DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
}

/** entrypointPrograms are the paths ENTRYPOINT (or CMD without one) runs, and the shell for shell forms. */
export function entrypointPrograms(tree: FinalTree, config: ImageConfig): string[] {
  const argv = [...(config.config?.Entrypoint ?? []), ...(config.config?.Entrypoint?.length ? [] : config.config?.Cmd ?? [])];
  const programs: string[] = [];
  const first = argv[0];
  if (first === undefined) return programs;
  if (first.includes('/')) programs.push(first.replace(/^\/+/, ''));
  else {
    for (const dir of pathDirs(config)) {
      const p = `${dir.replace(/^\/+/, '')}/${first}`;
      const r = resolve(tree, p);
      if (r !== null && tree.has(r)) {
        programs.push(p);
        break;
      }
    }
  }
  // `sh -c …` and friends: the script's first word runs too
  if (/(^|\/)(ba|da|a)?sh$/.test(first) && argv[1] === '-c' && argv[2]) {
    const word = argv[2].trim().split(/\s+/)[0];
    if (word && !word.includes('=')) programs.push(...entrypointPrograms(tree, { ...config, config: { ...config.config, Entrypoint: [word], Cmd: [] } }));
  }
  return programs;
}

/** elfCandidates are the files whose ELF headers strip reads: programs on PATH, the entrypoint, and shared libraries. */
export function elfCandidates(tree: FinalTree, config: ImageConfig): Set<string> {
  const out = new Set<string>();
  const dirs = pathDirs(config).map((d) => resolve(tree, d)).filter((d): d is string => d !== null);
  const libDirs = LIB_DIRS.map((d) => resolve(tree, d)).filter((d): d is string => d !== null);
  for (const [path, r] of tree) {
    if (r.type !== 'file' || r.size < 64) continue;
    const dir = parentOf(path);
    if (dirs.includes(dir) && (r.mode & 0o111) !== 0) out.add(path);
    else if (/\.so(\.\d+)*$/.test(path) && libDirs.some((l) => dir === l || dir.startsWith(`${l}/`))) out.add(path);
  }
  for (const p of entrypointPrograms(tree, config)) {
    const r = resolve(tree, p);
    if (r !== null) out.add(r);
  }
  return out;
}

/** neededClosure protects programs' loaders and libraries, transitively (the loader's search: src/elf/search.ts). */
function neededClosure(tree: FinalTree, config: ImageConfig, elf: ReadonlyMap<string, ElfInfo>, keep: (path: string, reason: string) => void): void {
  const pathSet = new Set(pathDirs(config).map((d) => resolve(tree, d)));
  const roots = [...elf.keys()].filter((p) => pathSet.has(parentOf(p)));
  for (const p of entrypointPrograms(tree, config)) {
    const r = resolve(tree, p);
    if (r !== null) roots.push(r);
  }
  const libraryPath = (envOf(config, 'LD_LIBRARY_PATH') ?? '').split(':').filter((d) => d.startsWith('/'));
  const seen = new Set<string>();
  const queue = [...roots];
  const protectResolved = (path: string, reason: string): string | null => {
    const via: string[] = [];
    const r = resolve(tree, path, via);
    if (r === null || !tree.has(r)) return null;
    for (const v of via) keep(v, reason);
    keep(r, reason);
    return r;
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = elf.get(file);
    if (!info) continue;
    if (info.interpreter) {
      const r = protectResolved(info.interpreter, `dynamic loader of /${file}`);
      if (r) queue.push(r);
    }
    for (const lib of info.needed) {
      for (const c of libraryCandidates(tree, lib, { path: file, info }, null, { cache: null, confDirs: null, libraryPath })) {
        const found = resolve(tree, c.path);
        const other = found === null ? undefined : elf.get(found);
        if (found === null || !tree.has(found) || (other && (other.bits !== info.bits || other.machine !== info.machine))) continue;
        const r = protectResolved(c.path, `needed by /${file}`);
        if (r) {
          queue.push(r);
          break;
        }
      }
    }
  }
}

function languages(config: ImageConfig): string[] {
  const names = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'].flatMap((n) => (envOf(config, n) ?? '').split(':'));
  const out = new Set<string>();
  for (const n of names) {
    const m = /^([a-z]{2,3})(_[A-Z]{2})?/.exec(n);
    if (!m) continue;
    out.add(m[1]!);
    if (m[2]) out.add(`${m[1]}${m[2]}`);
  }
  return [...out];
}

/** planStrip decides removals over the final tree; elf holds the parsed ELF files (see elfCandidates). */
export function planStrip(tree: FinalTree, config: ImageConfig, elf: ReadonlyMap<string, ElfInfo>, opts: StripOptions = {}): StripPlan {
  const chosen = new Set(opts.categories ?? CATEGORIES.filter((c) => c.byDefault).map((c) => c.id));
  const categories: (Category & { match: RegExp[]; skip: RegExp[] })[] = CATEGORIES.filter((c) => chosen.has(c.id)).map((c) => ({
    ...c,
    match: c.patterns.map(globToRegExp),
    skip: (c.except ?? []).map(globToRegExp),
  }));
  const userRemove = (opts.remove ?? []).map(globToRegExp);
  const userKeep = (opts.keep ?? []).map(globToRegExp);

  const reasons = new Map<string, string>();
  const keep = (path: string, reason: string) => {
    if (!reasons.has(path)) reasons.set(path, reason);
  };
  const always = ALWAYS_KEEP.map(([g, why]) => [globToRegExp(g), why] as const);
  for (const p of entrypointPrograms(tree, config)) {
    const via: string[] = [];
    const r = resolve(tree, p, via);
    for (const v of via) keep(v, 'the entrypoint');
    if (r !== null) keep(r, 'the entrypoint');
  }
  neededClosure(tree, config, elf, keep);
  const langs = languages(config);
  const localeKept = (path: string) => {
    const m = /^usr\/(?:share\/locale|lib\/locale|share\/i18n\/locales)\/([^/]+)/.exec(path);
    if (!m) return false;
    const name = m[1]!;
    if (/^(C|POSIX|C\.utf8|C\.UTF-8|locale-archive|locale\.alias)$/.test(name)) return true;
    return langs.some((l) => name === l || name.startsWith(`${l}_`) || name.startsWith(`${l}.`) || (l.includes('_') && name.startsWith(l)));
  };

  const plan: StripPlan = { removed: [], whiteouts: [], protected: [], bytes: 0, byCategory: {} };
  const removedSet = new Set<string>();
  for (const [path, r] of tree) {
    if (r.type === 'dir') continue;
    let category: string | undefined;
    if (userRemove.some((re) => re.test(path))) category = 'remove';
    else {
      for (const c of categories) {
        if (c.match.some((re) => re.test(path)) && !c.skip.some((re) => re.test(path))) {
          if (c.id === 'locales' && localeKept(path)) continue;
          category = c.id;
          break;
        }
      }
    }
    if (category === undefined) continue;
    const always1 = always.find(([re]) => re.test(path));
    const why = userKeep.some((re) => re.test(path)) ? 'matches --keep' : always1 ? always1[1] : reasons.get(path);
    if (why) {
      plan.protected.push({ path, reason: why });
      continue;
    }
    const bytes = r.type === 'file' ? r.size : 0;
    plan.removed.push({ path, bytes, category });
    removedSet.add(path);
    plan.bytes += bytes;
    const c = (plan.byCategory[category] ??= { count: 0, bytes: 0 });
    c.count++;
    c.bytes += bytes;
  }
  plan.whiteouts = collapse(tree, removedSet, [...categories.flatMap((c) => c.patterns.map(rootOf)), ...(opts.remove ?? []).map(rootOf)]);
  return plan;
}

/** collapse replaces the removed files of a directory whose whole subtree goes (strictly below a category root) by the directory. */
function collapse(tree: FinalTree, removed: Set<string>, roots: string[]): string[] {
  const rootSet = new Set(roots);
  // a directory is whole when every non-directory below it is removed; count per directory
  const total = new Map<string, number>();
  const gone = new Map<string, number>();
  for (const [path, r] of tree) {
    if (r.type === 'dir') continue;
    for (let d = parentOf(path); d !== ''; d = parentOf(d)) {
      total.set(d, (total.get(d) ?? 0) + 1);
      if (removed.has(path)) gone.set(d, (gone.get(d) ?? 0) + 1);
    }
  }
  const underRoot = (d: string) => roots.some((root) => root !== '' && d.startsWith(`${root}/`)) || (roots.includes('') && d.includes('__pycache__'));
  const wholeDir = (d: string) => !rootSet.has(d) && underRoot(d) && (total.get(d) ?? 0) > 0 && total.get(d) === gone.get(d);
  const out: string[] = [];
  for (const path of [...removed].sort()) {
    let top: string | null = null;
    for (let d = parentOf(path); d !== ''; d = parentOf(d)) if (wholeDir(d)) top = d;
    out.push(top ?? path);
  }
  return [...new Set(out)].sort();
}
