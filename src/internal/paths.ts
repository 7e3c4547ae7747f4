// Path rules for names inside archives and layouts: normalize `./` and `/` prefixes, and refuse
// names and links that would escape the archive (path traversal).
import { posix } from 'node:path';
import { WhittleError } from '../errors.js';

/**
 * normalizeArchivePath cleans a member name of an image archive: strips `./` and trailing `/`.
 * Absolute names and names that climb out with `..` are refused: image archives never need them.
 */
export function normalizeArchivePath(name: string, archive: string): string {
  if (name.startsWith('/')) {
    throw new WhittleError('unsafe-path', `${archive}: member ${JSON.stringify(name)} has an absolute path`);
  }
  const clean = posix.normalize(name);
  if (clean === '..' || clean.startsWith('../')) {
    throw new WhittleError('unsafe-path', `${archive}: member ${JSON.stringify(name)} escapes the archive (path traversal)`);
  }
  return clean === '.' || clean === './' ? '' : clean.replace(/\/+$/, '');
}

/** resolveArchiveLink resolves a symlink member's target relative to its directory, inside the archive. */
export function resolveArchiveLink(member: string, target: string, archive: string): string {
  if (target.startsWith('/')) {
    throw new WhittleError('unsafe-path', `${archive}: member ${JSON.stringify(member)} links outside the archive (to ${JSON.stringify(target)})`);
  }
  const joined = posix.normalize(posix.join(posix.dirname(member), target));
  if (joined === '..' || joined.startsWith('../')) {
    throw new WhittleError('unsafe-path', `${archive}: member ${JSON.stringify(member)} links outside the archive (to ${JSON.stringify(target)})`);
  }
  return joined;
}

/**
 * normalizeLayerPath cleans a layer entry name relative to the image root: `./`, `/` and trailing
 * `/` are stripped (Docker does the same), and `..` that climbs above the root is refused.
 * Returns "" for the root itself.
 */
export function normalizeLayerPath(name: string): string {
  let clean = posix.normalize('/' + name);
  if (!clean.startsWith('/')) clean = '/' + clean;
  // posix.normalize('/../x') yields '/x': detect climbing before normalizing away
  const parts = name.split('/');
  let depth = 0;
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      depth--;
      if (depth < 0) throw new WhittleError('unsafe-path', `layer entry ${JSON.stringify(name)} escapes the image root (path traversal)`);
    } else depth++;
  }
  return clean.replace(/^\/+/, '').replace(/\/+$/, '');
}
