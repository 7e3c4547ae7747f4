// The build-context walk: visits the context directory in sorted order one directory at a time (no
// whole-tree stat up front), decides sent/excluded for every entry with the .dockerignore matcher,
// and reports entries it cannot read instead of skipping them.
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { describeCause } from '../errors.js';
import type { Matcher } from './dockerignore.js';

export interface ContextEntry {
  /** Slash-separated path relative to the context root. */
  rel: string;
  kind: 'file' | 'symlink' | 'dir' | 'other';
  size: number;
  sent: boolean;
}

export interface WalkProblem {
  rel: string;
  message: string;
}

/**
 * walkContext yields every entry of the context. Excluded directories are not entered unless a `!`
 * pattern could re-include something inside them; their contents are then reported as excluded
 * in aggregate via `onSkippedDir` (path and nothing more, to keep the walk cheap).
 */
export async function* walkContext(
  root: string,
  matcher: Matcher,
  problems: WalkProblem[],
  onSkippedDir?: (rel: string) => void,
): AsyncGenerator<ContextEntry> {
  const stack: string[] = [''];
  while (stack.length > 0) {
    const dirRel = stack.pop()!;
    const abs = dirRel === '' ? root : path.join(root, ...dirRel.split('/'));
    let names: string[];
    try {
      const dir = await opendir(abs);
      names = [];
      for await (const d of dir) names.push(d.name);
    } catch (err) {
      problems.push({ rel: dirRel || '.', message: describeCause(err) });
      continue;
    }
    names.sort();
    const subdirs: string[] = [];
    for (const name of names) {
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      let st;
      try {
        st = await lstat(path.join(abs, name));
      } catch (err) {
        problems.push({ rel, message: describeCause(err) });
        continue;
      }
      const kind: ContextEntry['kind'] = st.isSymbolicLink()
        ? 'symlink'
        : st.isDirectory()
          ? 'dir'
          : st.isFile()
            ? 'file'
            : 'other';
      const sent = !matcher.excluded(rel);
      if (kind === 'dir') {
        if (sent || matcher.mustWalk(rel)) subdirs.push(rel);
        else onSkippedDir?.(rel);
      }
      yield { rel, kind, size: kind === 'file' ? st.size : 0, sent };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

/** dirSize sums the regular-file bytes below an excluded directory (for "what .dockerignore saved"). */
export async function dirSize(abs: string, problems: WalkProblem[], rel: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const stack = [abs];
  while (stack.length > 0) {
    const d = stack.pop()!;
    try {
      for await (const e of await opendir(d)) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) stack.push(p);
        else if (e.isFile()) {
          files++;
          bytes += (await lstat(p)).size;
        } else files++;
      }
    } catch (err) {
      problems.push({ rel: path.posix.join(rel, path.relative(abs, d).split(path.sep).join('/')), message: describeCause(err) });
    }
  }
  return { files, bytes };
}
