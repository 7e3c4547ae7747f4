// Where the dynamic loader looks for a DT_NEEDED library, in glibc's order (ld.so(8)): a name with a
// slash as it is; else DT_RPATH (only without DT_RUNPATH; the executable's too), LD_LIBRARY_PATH,
// DT_RUNPATH ($ORIGIN expanded to the object's directory), /etc/ld.so.cache, then the default
// directories (multiarch first on Debian, then lib64 on 64-bit, /lib and /usr/lib). Without a cache
// the directories ld.so.conf names stand in for it (the cache is made from them). strip and minify
// both ask it; the caller checks that a candidate exists and is of the requester's class and machine.
import { parentOf } from '../analyze/path-tree.js';
import type { FinalTree } from '../analyze/resolve.js';
import { cacheMatches, type LdCacheEntry } from './ld-cache.js';
import type { ElfInfo } from './parse.js';

export interface LoaderSetup {
  /** the image's /etc/ld.so.cache entries; null when it has none (or it could not be read). */
  cache: LdCacheEntry[] | null;
  /** directories ld.so.conf and its includes list (image paths); null when they were not read. */
  confDirs: string[] | null;
  /** LD_LIBRARY_PATH from the image's environment (absolute paths). */
  libraryPath: string[];
}

export interface Candidate {
  /** image path (no leading slash). */
  path: string;
  /** where the loader found the directory: DT_RUNPATH, ld.so.cache, … */
  via: string;
}

/** TRIPLETS are Debian's multiarch directory names per (class, machine). */
const TRIPLETS: Record<string, string> = {
  '64:62': 'x86_64-linux-gnu',
  '64:183': 'aarch64-linux-gnu',
  '32:3': 'i386-linux-gnu',
  '32:40': 'arm-linux-gnueabihf',
  '64:21': 'powerpc64le-linux-gnu',
  '64:22': 's390x-linux-gnu',
  '64:243': 'riscv64-linux-gnu',
};

const rel = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');

/** defaultDirs are the loader's built-in directories for an ELF class and machine. */
export function defaultDirs(bits: 32 | 64, machine: number): string[] {
  const triplet = TRIPLETS[`${bits}:${machine}`];
  return [...(triplet ? [`lib/${triplet}`, `usr/lib/${triplet}`] : []), ...(bits === 64 ? ['lib64', 'usr/lib64'] : []), 'lib', 'usr/lib'];
}

/** expandOrigin replaces $ORIGIN (and ${ORIGIN}) with the object's directory, and drops $LIB/$PLATFORM entries it cannot know. */
function expandOrigin(dir: string, object: string): string | null {
  const out = dir.replace(/\$\{?ORIGIN\}?/g, `/${parentOf(object)}`);
  return /\$/.test(out) ? null : out;
}

/**
 * libraryCandidates lists, in the loader's order, where `name` (a DT_NEEDED entry of `object`) may
 * be; exe is the program being loaded (its DT_RPATH applies to every object), null for a dlopen
 * with no program (NSS modules are opened by libc: the cache and default directories apply).
 */
export function libraryCandidates(
  tree: FinalTree,
  name: string,
  object: { path: string; info: Pick<ElfInfo, 'bits' | 'machine' | 'searchPath' | 'runpath'> },
  exe: { path: string; info: Pick<ElfInfo, 'searchPath' | 'runpath'> } | null,
  setup: LoaderSetup,
): Candidate[] {
  if (name.includes('/')) return [{ path: rel(name), via: 'a path in DT_NEEDED' }];
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (dir: string | null, via: string) => {
    if (dir === null || !dir.startsWith('/')) return;
    const path = `${rel(dir)}/${name}`.replace(/^\//, '');
    if (seen.has(path)) return;
    seen.add(path);
    out.push({ path, via });
  };
  const isRunpath = object.info.runpath === true;
  if (!isRunpath) {
    for (const d of object.info.searchPath) add(expandOrigin(d, object.path), `DT_RPATH of /${object.path}`);
    if (exe && exe.path !== object.path && exe.info.runpath !== true) for (const d of exe.info.searchPath) add(expandOrigin(d, exe.path), `DT_RPATH of /${exe.path}`);
  }
  for (const d of setup.libraryPath) add(d, 'LD_LIBRARY_PATH');
  if (isRunpath) for (const d of object.info.searchPath) add(expandOrigin(d, object.path), `DT_RUNPATH of /${object.path}`);
  if (setup.cache) {
    for (const e of setup.cache) if (e.name === name && cacheMatches(e.flags, object.info.bits, object.info.machine)) add(e.path.slice(0, e.path.lastIndexOf('/')) || '/', 'ld.so.cache');
  } else if (setup.confDirs) {
    for (const d of setup.confDirs) add(`/${d}`, 'a directory in ld.so.conf');
  } else {
    // nothing read: the directories ld.so.conf usually names, and every multiarch directory present
    add('/usr/local/lib', 'the usual ld.so.conf directories');
    for (const d of [...tree.keys()].filter((p) => /^(usr\/)?lib\/[^/]+-linux-gnu[^/]*$/.test(p)).sort()) add(`/${d}`, 'a multiarch directory');
  }
  for (const d of defaultDirs(object.info.bits, object.info.machine)) add(`/${d}`, 'a default directory');
  return out;
}

/** parseLdSoConf reads ld.so.conf text: its directories, and the glob patterns of its `include` lines (relative to /etc). */
export function parseLdSoConf(text: string): { dirs: string[]; includes: string[] } {
  const dirs: string[] = [];
  const includes: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const inc = /^include\s+(.+)$/.exec(line);
    if (inc) includes.push(...inc[1]!.trim().split(/\s+/).map((g) => (g.startsWith('/') ? rel(g) : `etc/${g}`)));
    else if (!/^hwcap\s/.test(line)) dirs.push(...line.split(/[\s:,]+/).filter((d) => d.startsWith('/')).map(rel));
  }
  return { dirs, includes };
}
