// watchTree watches a directory tree for `whittle build --watch`: one fs.watch (one inotify watch on
// Linux) per directory, which reports changes to that directory's entries. Written by hand instead
// of fs.watch(dir, { recursive: true }) because Node 20's recursive watch on Linux watches every
// file and every directory below the root, node_modules and .git included (55 inotify watches for
// a directory of 50 files, measured): a project's node_modules alone can take tens of thousands,
// past the usual inotify limit, for changes that cannot change the image. Here the caller names the
// directories not to enter (node_modules, .git); a directory that appears is watched as it appears,
// one that goes is dropped.
import { watch, type FSWatcher } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { wrap } from '../errors.js';

export interface TreeWatchOptions {
  /** skip: a directory (slash-separated, relative to the root) not to watch, nor anything below it. */
  skip(rel: string): boolean;
  /** shallow: a directory watched itself (its entries come and go) but not entered (node_modules with --prebuilt). */
  shallow?(rel: string): boolean;
  /** onChange is told every entry that changed (relative to the root), or null when the system did not say which. */
  onChange(rel: string | null): void;
  /** onRootGone is told when the root itself is removed or moved away: nothing is watched any more. */
  onRootGone?(): void;
}

export interface TreeWatcher {
  /** watched lists the directories watched (relative to the root; '' is the root). */
  watched(): string[];
  close(): void;
}

/** watchTree starts watching root and every directory below it that is not skipped; it resolves once all are watched. */
export async function watchTree(root: string, opts: TreeWatchOptions): Promise<TreeWatcher> {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  const abs = (rel: string) => (rel === '' ? root : path.join(root, ...rel.split('/')));

  const drop = (rel: string) => {
    if (rel === '' && watchers.has('') && !closed) queueMicrotask(() => opts.onRootGone?.());
    for (const [r, w] of watchers) {
      if (r === rel || rel === '' || r.startsWith(`${rel}/`)) {
        w.close();
        watchers.delete(r);
      }
    }
  };

  const onEvent = (dirRel: string, name: string | null) => {
    if (closed) return;
    if (name === null) {
      opts.onChange(null);
      return;
    }
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    // a directory that appeared is watched before its change is told (a build it starts then misses
    // nothing written into it later); one that went is dropped
    void lstat(abs(rel))
      .then(
        async (st) => {
          if (st.isDirectory() && !watchers.has(rel) && !opts.skip(rel)) await add(rel);
          else if (!st.isDirectory() && watchers.has(rel)) drop(rel);
        },
        // gone: the entry, or the watched directory itself (its own removal is told with its name)
        () => lstat(abs(dirRel)).then(() => drop(rel), () => drop(dirRel)),
      )
      .finally(() => {
        if (!closed) opts.onChange(rel);
      });
  };

  const add = async (rel: string): Promise<void> => {
    if (closed || watchers.has(rel)) return;
    let w: FSWatcher;
    try {
      w = watch(abs(rel), { persistent: true }, (_event, name) => onEvent(rel, name === null ? null : String(name)));
    } catch (err) {
      if (rel === '') throw wrap(`watching ${root}`, err, 'not-found'); // the root: nothing could be watched
      return; // gone already, or unreadable: its parent's event said so
    }
    // a watched directory that is removed ends its watcher (inotify's IN_IGNORED)
    w.on('error', () => drop(rel));
    watchers.set(rel, w);
    if (opts.shallow?.(rel)) return;
    const children: string[] = [];
    try {
      for await (const d of await opendir(abs(rel))) {
        const child = rel === '' ? d.name : `${rel}/${d.name}`;
        if (d.isDirectory() && !opts.skip(child)) children.push(child);
      }
    } catch {
      return; // removed while it was read: its parent's event says so
    }
    for (const child of children) await add(child);
  };

  await add('');
  return {
    watched: () => [...watchers.keys()].sort(),
    close: () => {
      closed = true;
      drop('');
    },
  };
}
