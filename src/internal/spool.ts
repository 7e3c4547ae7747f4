// Spooling a stream to a temporary file, for readers that need random access (a `docker save` tar
// lists its manifest last, and the image model reads layers more than once). Each spool lives in
// its own directory under os.tmpdir(), registered with cleanup.ts: it is removed when the spooling
// fails, by removeSpool, and in any case when the process exits or is interrupted.
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { wrap } from '../errors.js';
import { registerTemporary, removeTemporary } from './cleanup.js';
import { testPause } from './test-pause.js';

const spools = new Set<string>();

function spoolDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  spools.add(dir);
  registerTemporary(dir);
  return dir;
}

/** spool copies input to a new temporary file and resolves to its path; on failure nothing is left behind. */
export async function spool(input: Readable, prefix: string, step: string): Promise<string> {
  const file = join(spoolDir(prefix), 'spool');
  try {
    await pipeline(input, createWriteStream(file, { flags: 'wx' }));
  } catch (err) {
    removeSpool(file);
    throw wrap(step, err);
  }
  await testPause('spooled');
  return file;
}

/** removeSpool deletes the spool file (and its directory) now. */
export function removeSpool(file: string): void {
  const dir = dirname(file);
  if (!spools.delete(dir)) return;
  removeTemporary(dir);
}
