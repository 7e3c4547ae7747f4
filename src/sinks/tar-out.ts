// Deterministic outer archives (docker-archive, oci-archive): entries in the order given, with
// normalized headers (mtime 0, uid/gid 0, mode 0644 or 0755, no user or group names), so the same
// image always gives the same bytes. Blob streams are piped through, never buffered.
import { createWriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { wrap } from '../errors.js';
import { atomically } from '../internal/atomic.js';
import { encodeFileBlock } from '../internal/tar-encode.js';

export type ArchiveItem =
  | { kind: 'dir'; name: string }
  | { kind: 'file'; name: string; data: Uint8Array }
  | { kind: 'stream'; name: string; size: number; open: () => Promise<Readable> };

/**
 * ArchiveHead is a blob already on disk with one free 512-byte block before it, on the file system of
 * the archive: the archive is built in that very file (the header goes into the free block, the other
 * entries after the blob), so a blob of gigabytes is never copied, whatever its size (8 GiB and more:
 * the size is written in base-256, which fits the block where a PAX header would not).
 */
export interface ArchiveHead {
  file: string;
  /** where the blob starts in file: 512. */
  offset: number;
  name: string;
  size: number;
}

const EPOCH = new Date(0);

/** adoptHead moves head's file to tmp, fills in its tar header and padding, and returns where the next entry goes. */
async function adoptHead(head: ArchiveHead, tmp: string): Promise<number> {
  if (head.offset !== 512) throw new Error(`an archive head needs one free block before the blob, not ${head.offset} bytes`);
  await rename(head.file, tmp);
  const fh = await open(tmp, 'r+');
  try {
    await fh.write(encodeFileBlock(head.name, head.size), 0, 512, 0);
    const end = head.offset + head.size;
    const pad = (512 - (end % 512)) % 512;
    if (pad > 0) await fh.write(Buffer.alloc(pad), 0, pad, end);
    await fh.truncate(end + pad);
    return end + pad;
  } finally {
    await fh.close();
  }
}

/**
 * writeArchive writes items as a tar at path, atomically: path appears only when it is complete.
 * With a head, the archive starts with that blob, adopted in place (its file is gone afterwards).
 */
export async function writeArchive(path: string, items: AsyncIterable<ArchiveItem> | Iterable<ArchiveItem>, head?: ArchiveHead): Promise<void> {
  await atomically(path, async (tmp) => {
    const start = head ? await adoptHead(head, tmp).catch((err) => {
      throw wrap(`writing ${path}`, err);
    }) : 0;
    const { default: tar } = await import('tar-stream'); // an OCI layout or a registry never loads it
    const pack = tar.pack();
    const out = createWriteStream(tmp, head ? { flags: 'r+', start } : { flags: 'wx' });
    const written = pipeline(pack, out);
    written.catch(() => undefined);
    try {
      for await (const item of items) {
        const header = { name: item.name, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '' };
        if (item.kind === 'dir') {
          pack.entry({ ...header, type: 'directory', mode: 0o755 });
        } else if (item.kind === 'file') {
          pack.entry({ ...header, type: 'file', mode: 0o644, size: item.data.byteLength }, Buffer.from(item.data));
        } else {
          const source = await item.open();
          const entry = pack.entry({ ...header, type: 'file', mode: 0o644, size: item.size });
          await pipeline(source, entry);
        }
      }
      pack.finalize();
      await written;
    } catch (err) {
      pack.destroy();
      out.destroy();
      await written.catch(() => undefined);
      throw err instanceof Error && err.name === 'WhittleError' ? err : wrap(`writing ${path}`, err);
    }
  });
}
