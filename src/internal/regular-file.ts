// Input files are checked for their kind before anything opens them: opening a FIFO for reading
// blocks until a writer comes (forever, for a FIFO nobody writes), and a device or socket never
// ends or cannot be read. A Dockerfile, an image archive or a .dive-ci file must be a regular file
// (after following symlinks); anything else is one clear error.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { WhittleError } from '../errors.js';

/** kindOf names what s is, as the messages say it ("a FIFO", "a directory"), or null for a regular file. */
export function kindOf(s: Stats): string | null {
  if (s.isFile()) return null;
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * requireRegularFile stats path (following symlinks) and throws a WhittleError when it exists and is
 * not a regular file (nor a directory, when directoryOk); what says what the file was to be ("a
 * Dockerfile"). A path that cannot be statted resolves to null: the caller's own read reports that.
 */
export async function requireRegularFile(path: string, what: string, directoryOk = false): Promise<Stats | null> {
  const s = await stat(path).catch(() => null);
  if (s === null) return null;
  const kind = kindOf(s);
  if (kind === null || (directoryOk && s.isDirectory())) return s;
  throw new WhittleError('unsupported', `${path} is ${kind}, not a regular file: ${what} is read from a file`);
}
