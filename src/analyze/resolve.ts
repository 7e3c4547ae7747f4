// Path resolution inside an image's merged tree, as the kernel does it inside the container's root:
// symlinks followed in every component (absolute targets restart at the image root, `..` never
// climbs above it), never the host's file system. strip and minify resolve programs, libraries
// and configuration files through it.
import type { MergedRecord } from './merge.js';

export type FinalTree = ReadonlyMap<string, MergedRecord>;

/** MAX_HOPS is the kernel's limit on symlinks followed in one lookup (ELOOP past it). */
const MAX_HOPS = 40;

export type Resolution = { path: string } | { loop: string };

/**
 * resolveIn follows symlinks (in parent directories too) through the final tree; via receives every
 * symlink passed, in order. The result may name a path the tree does not hold. A chain longer than
 * the kernel follows is a loop, named by the link where it was given up.
 */
export function resolveIn(tree: FinalTree, path: string, via: string[] = []): Resolution {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, part].join('/');
    const record = tree.get(candidate);
    if (record?.type === 'symlink' && record.linkTarget !== undefined) {
      if (++hops > MAX_HOPS) return { loop: candidate };
      via.push(candidate);
      const target = record.linkTarget;
      if (target.startsWith('/')) resolved = [];
      pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
      continue;
    }
    resolved.push(part);
  }
  return { path: resolved.join('/') };
}

/** resolve is resolveIn's path, or null for a loop. */
export function resolve(tree: FinalTree, path: string, via: string[] = []): string | null {
  const r = resolveIn(tree, path, via);
  return 'path' in r ? r.path : null;
}
