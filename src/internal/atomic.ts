// Atomic outputs: every file or directory whittle writes appears under its final name only when it
// is complete. Content goes to a hidden sibling (same directory, so rename(2) stays on one file
// system and is atomic), and a failure removes the sibling. The one implementation for every writer
// (sinks, `whittle fix --write`, `whittle context --write-dockerignore`). The sibling is registered
// with cleanup.ts until it is renamed, so an interrupted run removes it too.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, readlink, realpath, rm, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { wrap } from '../errors.js';
import { registerTemporary, unregisterTemporary } from './cleanup.js';
import { testPause } from './test-pause.js';

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
  registerTemporary(tmp); // an interrupted run removes it (cleanup.ts)
  try {
    const result = await write(tmp);
    await testPause('output-writing');
    await rename(tmp, target).catch((err) => {
      throw wrap(`writing ${target}`, err);
    });
    unregisterTemporary(tmp);
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    unregisterTemporary(tmp);
    throw err;
  }
}

export interface WriteFileAtomicOptions {
  /** permission bits of a new file (default 0o644, less the umask); an existing file keeps its own. */
  mode?: number;
}

/**
 * writeFileAtomic replaces (or creates) the file at target with data: readers see the old file or
 * the whole new one, never a part. A file that exists keeps its permission bits. A symlink is
 * written through, as a shell's `>` does: the file it points to is replaced (its temporary next to
 * it, its mode kept) and the link stays a link.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, opts: WriteFileAtomicOptions = {}): Promise<void> {
  target = await throughLinks(target);
  let existingMode: number | undefined;
  try {
    existingMode = (await stat(target)).mode & 0o7777;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ENOENT') throw wrap(`writing ${target}`, err);
  }
  await atomically(target, async (tmp) => {
    try {
      await writeFile(tmp, data, { mode: existingMode ?? opts.mode ?? 0o644, flag: 'wx' });
      if (existingMode !== undefined) await chmod(tmp, existingMode); // the umask may have taken bits off
    } catch (err) {
      throw wrap(`writing ${target}`, err);
    }
  });
}

/** The most links throughLinks follows, as Linux's ELOOP limit. */
const MAX_LINKS = 40;

/**
 * throughLinks is the file that writing to target writes: target itself unless it is a symlink,
 * else the file the links end at (realpath), or, for a link to a file that does not exist yet, the
 * path it names.
 */
async function throughLinks(target: string): Promise<string> {
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let isLink: boolean;
    try {
      isLink = (await lstat(target)).isSymbolicLink();
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return target;
      throw wrap(`writing ${target}`, err);
    }
    if (!isLink) return target;
    try {
      return await realpath(target);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw wrap(`writing ${target}`, err);
    }
    // A dangling link: follow one hop and look again.
    target = resolve(dirname(target), await readlink(target));
  }
  throw wrap(`writing ${target}`, Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' }));
}
