// The files behind local references: a path is statted once and opened as a directory or a tar,
// with a clear message when it is the wrong kind for its transport.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { WhittleError, wrap } from '../errors.js';
import { DirSource, TarSource, type FileSource } from '../internal/file-source.js';

export async function statOrFail(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    throw wrap(path, err);
  }
}

/** openFiles opens path as a directory or a tar, whichever it is. */
export async function openFiles(path: string): Promise<FileSource> {
  const s = await statOrFail(path);
  return s.isDirectory() ? new DirSource(path) : TarSource.open(path);
}

/** openLayoutDir opens an `oci:` directory. */
export async function openLayoutDir(path: string): Promise<FileSource> {
  if (!(await statOrFail(path)).isDirectory()) throw new WhittleError('bad-reference', `${path} is not a directory (use oci-archive: for a tar)`);
  return new DirSource(path);
}

/** openLayoutTar opens an `oci-archive:` tar. */
export async function openLayoutTar(path: string): Promise<FileSource> {
  if ((await statOrFail(path)).isDirectory()) throw new WhittleError('bad-reference', `${path} is a directory (use oci: for a layout directory)`);
  return TarSource.open(path);
}
