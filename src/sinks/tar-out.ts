// Deterministic outer archives (docker-archive, oci-archive): entries in the order given, with
// normalized headers (mtime 0, uid/gid 0, mode 0644 or 0755, no user or group names), so the same
// image always gives the same bytes. Blob streams are piped through, never buffered.
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { wrap } from '../errors.js';
import { atomically } from '../internal/atomic.js';

export type ArchiveItem =
  | { kind: 'dir'; name: string }
  | { kind: 'file'; name: string; data: Uint8Array }
  | { kind: 'stream'; name: string; size: number; open: () => Promise<Readable> };

const EPOCH = new Date(0);

/** writeArchive writes items as a tar at path, atomically: path appears only when it is complete. */
export async function writeArchive(path: string, items: AsyncIterable<ArchiveItem> | Iterable<ArchiveItem>): Promise<void> {
  await atomically(path, async (tmp) => {
    const pack = tar.pack();
    const out = createWriteStream(tmp, { flags: 'wx' });
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
