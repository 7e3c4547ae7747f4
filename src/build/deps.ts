// The files of an installed node_modules tree as layer items under /app/node_modules, in sorted
// order. Links inside the tree (.bin entries, pnpm's store links) stay links; a link that leaves the
// tree (a `file:` directory dependency npm linked) is replaced by what it points to, so the image
// never holds a link to a path that exists only on the build machine.
import { lstat, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import { readLink, type TreeItem } from './layer.js';

export interface DepsTree {
  items: TreeItem[];
  /** the `.node` files: where they are on disk and their path in the image. */
  addons: { abs: string; rel: string }[];
}

async function sortedNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const d of await opendir(dir)) names.push(d.name);
  } catch (err) {
    throw wrap(`reading ${dir}`, err);
  }
  return names.sort();
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

/** collectTree lists root (a node_modules directory) as items whose paths start with `into`. */
export async function collectTree(root: string, into: string): Promise<DepsTree> {
  const out: DepsTree = { items: [], addons: [] };
  const realRoot = path.resolve(root);
  const visit = async (dir: string, at: string, depth: number): Promise<void> => {
    if (depth > 64) throw new WhittleError('unsupported', `${dir}: links nest more than 64 levels deep`);
    for (const name of await sortedNames(dir)) {
      const abs = path.join(dir, name);
      const rel = `${at}/${name}`;
      const st = await lstat(abs).catch((err) => {
        throw wrap(`reading ${abs}`, err);
      });
      if (st.isSymbolicLink()) {
        const target = await readLink(abs);
        const resolved = path.resolve(path.dirname(abs), target);
        if (inside(realRoot, resolved) && !path.isAbsolute(target)) {
          out.items.push({ path: rel, type: 'symlink', source: target });
          continue;
        }
        const tst = await stat(abs).catch(() => null);
        if (!tst) throw new WhittleError('not-found', `${abs} links to ${target}, which does not exist`);
        if (tst.isDirectory()) await visit(resolved, rel, depth + 1);
        else if (tst.isFile()) addFile(resolved, rel);
      } else if (st.isDirectory()) await visit(abs, rel, depth);
      else if (st.isFile()) addFile(abs, rel);
    }
  };
  const addFile = (abs: string, rel: string) => {
    out.items.push({ path: rel, type: 'file', source: abs });
    if (rel.endsWith('.node')) out.addons.push({ abs, rel });
  };
  if (await stat(realRoot).then((s) => s.isDirectory(), () => false)) await visit(realRoot, into, 0);
  return out;
}
