// Reads a failed minified container's output for the files it tried to open and could not: Node's
// `ENOENT: …, open '/path'`, the C library's `/path: No such file or directory` (cat, sh, most
// programs), Node's `Cannot find module 'name'` (MODULE_NOT_FOUND), the loader's `error while
// loading shared libraries: libx.so.1`, and the runtime's `stat /path: no such file or directory`
// and `exec: "name": executable file not found in $PATH` (a HEALTHCHECK's command), Python's
// `[Errno 2] No such file or directory: '/path'` and `No module named 'a.b'`. Each is looked up in the original image's tree, which says
// where the file is and gives the `--keep` flag that would add it (a directory: everything under
// it; a module name: its package folder; a library name: the files of that name).
import { posix } from 'node:path';
import type { FinalTree } from '../analyze/resolve.js';
import { resolve } from '../analyze/resolve.js';

export interface MissingFile {
  /** what the output named (a path, a module name, a library name). */
  named: string;
  /** how it was named: 'file', 'module', 'library'. */
  kind: 'file' | 'module' | 'library';
  /** the paths of the original image it stands for (absolute); empty when the original lacks it too. */
  paths: string[];
  /** the --keep flag that adds it, when the original has it. */
  keep: string | null;
}

const ENOENT = /ENOENT[^\n']*'([^'\n]+)'/g;
const NO_SUCH = /(?:^|[\s'"`(])((?:\/|\.\.?\/)?[^\s'"`:()]+)['"`]?: No such file or directory/gm;
const CANT_OPEN = /[Cc]an(?:'|no)t open ['"`]?([^\s'"`]+)['"`]?[^\n]*No such file/g;
const STAT = /stat ([^\s:]+): no such file or directory/g;
const NOT_IN_PATH = /exec: "([^"\n]+)": executable file not found in \$PATH/g;
const MODULE = /Cannot find module '([^'\n]+)'/g;
const LIBRARY = /error while loading shared libraries: ([^\s:]+)/g;
const PY_NO_SUCH = /No such file or directory: '([^'\n]+)'/g;
const PY_MODULE = /No module named '([\w.]+)'/g;

function quoteGlob(p: string): string {
  return /^[A-Za-z0-9_./@+-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
}

function keepFor(tree: FinalTree, path: string): string {
  const r = tree.get(path);
  return r?.type === 'dir' ? `--keep ${quoteGlob(`/${path}/**`)}` : `--keep ${quoteGlob(`/${path}`)}`;
}

/** inTree maps an absolute or WorkingDir-relative path to the tree's key when the original has it. */
function inTree(tree: FinalTree, named: string, workdir: string): string | null {
  const abs = posix.normalize(named.startsWith('/') ? named : posix.join(workdir || '/', named)).replace(/^\/+/, '').replace(/\/+$/, '');
  if (abs === '' || abs.startsWith('..')) return null;
  if (tree.has(abs)) return abs;
  const r = resolve(tree, abs);
  return r !== null && tree.has(r) ? r : null;
}

/** moduleDirs finds the package folders a bare module name can stand for (`node_modules/NAME`, Debian's `/usr/share/nodejs/NAME`). */
function moduleDirs(tree: FinalTree, name: string): string[] {
  const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
  const out: string[] = [];
  for (const [p, r] of tree) {
    if (r.type !== 'dir' && r.type !== 'symlink') continue;
    if (p.endsWith(`/node_modules/${pkg}`) || p === `usr/share/nodejs/${pkg}` || p === `usr/lib/nodejs/${pkg}`) out.push(p);
  }
  return out.sort();
}

/** pythonModulePaths finds the packages (directories) and module files a dotted Python module name can stand for. */
function pythonModulePaths(tree: FinalTree, name: string): string[] {
  const rel = name.split('.').join('/');
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const out: string[] = [];
  for (const [p, r] of tree) {
    if (p === rel || p.endsWith(`/${rel}`)) {
      if (r.type === 'dir') out.push(p);
    } else if (p.startsWith(`${rel}.`) || p.includes(`/${rel}.`)) {
      const rest = p.slice(p.lastIndexOf('/') + 1 + base.length);
      if ((rest === '.py' || rest === '.pyc' || /^\.([\w-]+\.)?so$/.test(rest)) && (r.type === 'file' || r.type === 'hardlink')) out.push(p);
    }
  }
  return out.sort();
}

/** missingFiles lists what output says could not be found, each with where the original holds it and the --keep flag that adds it. */
export function missingFiles(output: string, tree: FinalTree, workdir = '/'): MissingFile[] {
  const found = new Map<string, MissingFile>();
  const add = (m: MissingFile) => {
    const key = `${m.kind}\0${m.named}`;
    if (!found.has(key)) found.set(key, m);
  };
  const file = (named: string) => {
    const p = inTree(tree, named, workdir);
    add({ named, kind: 'file', paths: p ? [`/${p}`] : [], keep: p ? keepFor(tree, p) : null });
  };
  for (const re of [ENOENT, NO_SUCH, CANT_OPEN, STAT, PY_NO_SUCH]) for (const m of output.matchAll(re)) file(m[1]!);
  for (const m of output.matchAll(PY_MODULE)) {
    const name = m[1]!;
    const paths = pythonModulePaths(tree, name);
    add({ named: name, kind: 'module', paths: paths.map((p) => `/${p}`), keep: paths.length ? paths.map((p) => keepFor(tree, p)).join(' ') : null });
  }
  for (const m of output.matchAll(NOT_IN_PATH)) {
    const name = m[1]!;
    const paths = ['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin'].map((d) => `${d}/${name}`).filter((p) => tree.has(p));
    add({ named: name, kind: 'file', paths: paths.map((p) => `/${p}`), keep: paths[0] !== undefined ? keepFor(tree, paths[0]) : null });
  }
  for (const m of output.matchAll(MODULE)) {
    const name = m[1]!;
    if (name.startsWith('/') || name.startsWith('.')) {
      file(name);
      continue;
    }
    const dirs = moduleDirs(tree, name);
    add({ named: name, kind: 'module', paths: dirs.map((d) => `/${d}`), keep: dirs.length ? dirs.map((d) => `--keep ${quoteGlob(`/${d}/**`)}`).join(' ') : null });
  }
  for (const m of output.matchAll(LIBRARY)) {
    const name = m[1]!;
    const paths = [...tree.keys()].filter((p) => p === name || p.endsWith(`/${name}`)).sort();
    add({ named: name, kind: 'library', paths: paths.map((p) => `/${p}`), keep: paths.length ? paths.map((p) => `--keep ${quoteGlob(`/${p}`)}`).join(' ') : null });
  }
  return [...found.values()];
}
