// A record of the blobs already checked against their digests, kept in a cache directory, so that
// copying a base out of the same unchanged archive again (a warm build) does not hash its hundreds
// of megabytes again. A blob is named by where its bytes are: the file's real path, device, inode,
// size, modification and change times in nanoseconds, and the byte range. The change time cannot be
// set back by anyone but root, so any write to the file gives a new name and a new check. Records
// are empty files named by a hash of (name, digest); a record that cannot be read or written is a
// miss: the blob is checked as it streams, as without the record.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { realpath, stat, type FileHandle } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';

/** statIdentity is what names a regular file's bytes as they are now: device, inode, size, modification and change times; null for anything else. */
function statIdentity(s: BigIntStats): string[] | null {
  return s.isFile() ? [String(s.dev), String(s.ino), String(s.size), String(s.mtimeNs), String(s.ctimeNs)] : null;
}

/** fileRangeIdentity names the bytes of path from offset for length bytes as they are now; null when the file cannot be looked at. */
export async function fileRangeIdentity(path: string, offset: number, length: number): Promise<string | null> {
  try {
    const real = await realpath(path);
    const id = statIdentity(await stat(real, { bigint: true }));
    return id && JSON.stringify([real, ...id, offset, length]);
  } catch {
    return null;
  }
}

/** openFileIdentity names the bytes of an open file as they are now (the same fields); null when it cannot be looked at. */
export async function openFileIdentity(fh: FileHandle): Promise<string | null> {
  try {
    const id = statIdentity(await fh.stat({ bigint: true }));
    return id && JSON.stringify(id);
  } catch {
    return null;
  }
}

export class VerifiedBlobs {
  constructor(private readonly dir: string) {}

  private record(identity: string, digest: string): string {
    return join(this.dir, `verified-${createHash('sha256').update(identity).update('\0').update(digest).digest('hex')}`);
  }

  /** has tells whether the bytes named identity were seen to hash to digest. */
  async has(identity: string, digest: string): Promise<boolean> {
    return stat(this.record(identity, digest)).then(
      () => true,
      () => false,
    );
  }

  /** add records that the bytes named identity hash to digest; synchronous, so the record is there once the checked stream has ended. */
  add(identity: string, digest: string): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.record(identity, digest), '');
    } catch {
      // a record not written is a check done again next time
    }
  }
}
