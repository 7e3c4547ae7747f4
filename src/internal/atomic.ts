// Atomic outputs: every file or directory whittle writes appears under its final name only when it
// is complete. Content goes to a hidden sibling (same directory, so rename(2) stays on one file
// system and is atomic), and a failure removes the sibling.
import { randomBytes } from 'node:crypto';
import { rm, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { wrap } from '../errors.js';

/** siblingTemp names a hidden temporary path next to target. */
export function siblingTemp(target: string): string {
  return join(dirname(target), `.${basename(target)}.whittle-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * atomically runs write(tmp) and renames tmp to target when it resolves; when write fails (or the
 * rename does), tmp is removed and the error is rethrown. target is replaced if it exists and is a
 * file; a directory target must not exist.
 */
export async function atomically<T>(target: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = siblingTemp(target);
  try {
    const result = await write(tmp);
    await rename(tmp, target).catch((err) => {
      throw wrap(`writing ${target}`, err);
    });
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}
