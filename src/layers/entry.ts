// LayerEntry: one tar entry of a layer after normalization — the unit every analyzer works on.
import type { Digest } from '../image/digest.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/**
 * LayerEntry is a normalized layer tar entry. Paths are relative to the image root with no leading
 * `/` or `./` and no trailing `/` (the root directory itself is `""` and is never reported).
 * Whiteouts are decoded: `.wh.name` becomes an entry for `name` with whiteout 'file';
 * `dir/.wh..wh..opq` becomes an entry for `dir` with whiteout 'opaque'. AUFS metadata
 * (`.wh..wh.plnk`, `.wh..wh.aufs`, …) is skipped.
 */
export interface LayerEntry {
  path: string;
  type: EntryType;
  /** content bytes carried by this entry (regular files only; 0 for hard links and whiteouts). */
  size: number;
  /** permission bits plus setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** modification time in seconds since the epoch. */
  mtime: number;
  /** symlink target as written, or the normalized path a hard link points to. */
  linkTarget?: string;
  /** set on whiteout entries: the entry deletes `path` ('file'), or hides what lower layers have below `path` ('opaque'). */
  whiteout?: 'file' | 'opaque';
  /** sha256 of the content of regular files (when the scan was asked to hash contents). */
  contentDigest?: Digest;
  /** extended attributes from PAX SCHILY.xattr.* records, values base64-free as raw strings. */
  xattrs?: Record<string, string>;
  /**
   * the index of the image layer the entry was read from (0 = base), when the reader was told it
   * (scanLayer's `layer` option). The analysis keeps such an entry itself as the merged filesystem's
   * record of its path instead of a copy: one object per path fewer.
   */
  layer?: number;
}
