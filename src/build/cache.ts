// The build cache: what a warm build reuses instead of doing again. Two kinds of entries, each a
// pure function of its key, so a hit gives the same bytes a miss would have written:
// - base facts (node's path, C library, versions), keyed by the base's config digest, which names
//   its layers' diff_ids;
// - the dependency layer, keyed by the lock file, package.json's dependency fields, the contents of
//   local `file:` dependencies, .npmrc, the platform (host and base), owner, date and gzip level.
// Entries are written atomically and never changed; deleting the directory is always safe.
// Where: WHITTLE_CACHE_DIR, else $XDG_CACHE_HOME/whittle, else ~/.cache/whittle.
import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, opendir, readFile, readlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { atomically, writeFileAtomic } from '../internal/atomic.js';
import type { WrittenLayer } from '../rewrite/layer-writer.js';

/** cacheDir is where build entries live for env. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.WHITTLE_CACHE_DIR) return path.join(env.WHITTLE_CACHE_DIR, 'build');
  const xdg = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(xdg, 'whittle', 'build');
}

/** readJson reads a cache entry, or null when there is none or it does not parse. */
export async function readEntry<T>(dir: string, name: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
  } catch {
    return null;
  }
}

/** writeEntry stores a JSON entry; a cache that cannot be written is not an error (the build has its result). */
export async function writeEntry(dir: string, name: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true })
    .then(() => writeFileAtomic(path.join(dir, name), JSON.stringify(value)))
    .catch(() => undefined);
}

/** storeLayer copies a written layer's blob into the cache; it returns the cached copy, or the original when the cache cannot be written. */
export async function storeLayer(dir: string, name: string, layer: WrittenLayer): Promise<WrittenLayer> {
  const target = path.join(dir, `${name}.blob`);
  try {
    await mkdir(dir, { recursive: true });
    await atomically(target, (tmp) => copyFile(layer.file, tmp));
    return { ...layer, file: target };
  } catch {
    return layer;
  }
}

/** hashTree feeds a directory's (or file's) paths, link targets and file contents into hash, in sorted order, skipping node_modules and .git. */
export async function hashTree(hash: ReturnType<typeof createHash>, abs: string, rel = ''): Promise<void> {
  const st = await lstat(abs).catch(() => null);
  if (!st) {
    hash.update(`missing ${rel}\0`);
    return;
  }
  if (st.isSymbolicLink()) hash.update(`link ${rel} ${await readlink(abs)}\0`);
  else if (st.isFile()) {
    hash.update(`file ${rel} ${st.mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(await readFile(abs));
  } else if (st.isDirectory()) {
    hash.update(`dir ${rel}\0`);
    const names: string[] = [];
    for await (const d of await opendir(abs)) if (d.name !== 'node_modules' && d.name !== '.git') names.push(d.name);
    for (const n of names.sort()) await hashTree(hash, path.join(abs, n), `${rel}/${n}`);
  }
}
