// writeTreeLayer writes files from the local disk as one deterministic layer: entries in sorted
// order, every parent directory present, owner uid:gid with no user or group names, modes 0755 for
// directories and executables and 0644 for other files, one mtime for all, no extended attributes.
// The bytes depend only on the paths, the contents, the executable bits and those three numbers.
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { WhittleError, wrap } from '../errors.js';
import { LayerWriter, type WrittenLayer } from '../rewrite/layer-writer.js';

export interface TreeItem {
  /** path in the image, without a leading slash (`app/server.js`). */
  path: string;
  type: 'file' | 'symlink';
  /** where the content is read from (file) or, for a symlink, its target as written. */
  source: string;
}

export interface TreeLayerOptions {
  mtime: number;
  uid: number;
  gid: number;
  /** gzip level (the build pins one, see docs/build.md). */
  level: number;
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** withParents adds every parent directory of items, sorted with them. */
export function withParents(items: readonly TreeItem[]): { path: string; type: 'dir' | TreeItem['type']; source?: string }[] {
  const dirs = new Set<string>();
  for (const it of items) {
    const parts = it.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const all: { path: string; type: 'dir' | TreeItem['type']; source?: string }[] = [...dirs].map((d) => ({ path: d, type: 'dir' as const }));
  all.push(...items);
  return all.sort(byPath);
}

/** writeTreeLayer writes items (and their parent directories) into a new blob file. */
export async function writeTreeLayer(file: string, items: readonly TreeItem[], opts: TreeLayerOptions): Promise<WrittenLayer> {
  const writer = new LayerWriter(file, { compression: 'gzip', level: opts.level });
  const common = { uid: opts.uid, gid: opts.gid, mtime: opts.mtime };
  try {
    for (const it of withParents(items)) {
      if (it.type === 'dir') writer.header({ name: `${it.path}/`, type: 'dir', mode: 0o755, size: 0, ...common });
      else if (it.type === 'symlink') writer.header({ name: it.path, type: 'symlink', mode: 0o777, size: 0, linkname: it.source!, ...common });
      else {
        const st = await lstat(it.source!).catch((err) => {
          throw wrap(`reading ${it.source}`, err);
        });
        if (!st.isFile()) throw new WhittleError('io', `${it.source} is no longer a regular file`);
        writer.header({ name: it.path, type: 'file', mode: st.mode & 0o111 ? 0o755 : 0o644, size: st.size, ...common });
        let got = 0;
        for await (const chunk of createReadStream(it.source!, { highWaterMark: 1 << 20, end: st.size > 0 ? st.size - 1 : 0, start: 0 })) {
          const c = chunk as Buffer;
          const take = c.subarray(0, Math.min(c.length, st.size - got));
          got += take.length;
          if (take.length > 0) writer.data(take);
          const r = writer.ready();
          if (r) await r;
        }
        if (got !== st.size) throw new WhittleError('io', `${it.source} changed while it was read`);
      }
      const r = writer.ready();
      if (r) await r;
    }
    return await writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/** readLink reads a symlink's target for a TreeItem. */
export async function readLink(abs: string): Promise<string> {
  return readlink(abs).catch((err) => {
    throw wrap(`reading ${abs}`, err);
  });
}
