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
  const simple = alreadyClean(name);
  if (simple !== null) return simple;
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

/**
 * alreadyClean returns name without its trailing slashes when nothing else in it needs cleaning (no
 * leading `/`, no empty, `.` or `..` component): what nearly every layer entry is, so the general
 * path above, with its strings and RegExps, is left for the rest. null otherwise.
 */
function alreadyClean(name: string): string | null {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2f) end--;
  if (end === 0) return null;
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i < end && name.charCodeAt(i) !== 0x2f) continue;
    const length = i - start;
    if (length === 0) return null;
    if (length <= 2 && name.charCodeAt(start) === 0x2e && (length === 1 || name.charCodeAt(start + 1) === 0x2e)) return null;
    start = i + 1;
  }
  return end === name.length ? name : name.slice(0, end);
}

/**
 * collapseDots resolves `.` and `..` in a path inside an image tree, without a leading `/`: `..`
 * at the top stays at the top, as the kernel's lookup stays at `/` (module and import resolution,
 * where the path is computed, not read from an archive).
 */
export function collapseDots(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
