// The header whittle writes for an entry it copies from a source layer into a rewritten one: the
// source's metadata under a (possibly new) path, type and link target.
import type { TarHeader } from '../internal/tar-header.js';
import type { OutHeader, OutType } from '../internal/tar-encode.js';
import type { LayerEntry } from '../layers/entry.js';

export const OUT_TYPES: Partial<Record<TarHeader['kind'], OutType>> = {
  file: 'file', dir: 'dir', symlink: 'symlink', hardlink: 'hardlink', char: 'char', block: 'block', fifo: 'fifo',
};

export function outHeader(h: TarHeader, path: string, type: OutType, linkname?: string): OutHeader {
  const out: OutHeader = {
    name: type === 'dir' ? `${path}/` : path,
    type,
    mode: h.mode & 0o7777,
    uid: h.uid,
    gid: h.gid,
    size: type === 'file' ? h.size : 0,
    mtime: h.mtime,
  };
  if (linkname !== undefined) out.linkname = linkname;
  if (h.uname) out.uname = h.uname;
  if (h.gname) out.gname = h.gname;
  if (h.devmajor !== undefined) out.devmajor = h.devmajor;
  if (h.devminor !== undefined) out.devminor = h.devminor;
  if (h.xattrs) out.xattrs = h.xattrs;
  return out;
}

/** dirHeader is the entry for a directory whittle writes without a source header: one a source layer implies without having one (src/layers/parents.ts), or the parent of a whiteout strip writes. */
export function dirHeader(dir: LayerEntry): OutHeader {
  return { name: `${dir.path}/`, type: 'dir', mode: dir.mode, uid: dir.uid, gid: dir.gid, size: 0, mtime: dir.mtime };
}
