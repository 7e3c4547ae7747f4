// The loop of `whittle build --watch`: build once, then build again whenever a file that can change
// the image changes, until stopped. No debounce: the first relevant change starts a build at once;
// changes seen while a build runs are collected and start exactly one more build when it ends (a
// save that touches three files while a build runs gives one build after it, not three). A build
// that fails is the caller's to report; the loop goes on and the next change tries again.
//
// Which changes count is the build's own file selection (src/build/files.ts): an app file the
// .dockerignore or package.json `files` keeps, an input of the dependency layer (package.json, a
// lock file, .npmrc, a local `file:` dependency, node_modules with --prebuilt), .dockerignore; with
// --build-script, anything the script's copy holds (all but node_modules and .git). Never .git,
// node_modules (without --prebuilt), the build's own output, or the hidden temporary of an atomic
// write (src/internal/atomic.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { appFileRule, isUnder, relativeInside, type AppFileRule } from './files.js';
import { localSpecs } from './install.js';
import { LOCK_FILES, type PackageJson, type Project } from './project.js';
import { watchTree, type TreeWatcher } from './watch-tree.js';

export interface WatchOptions {
  /** the project directory. */
  dir: string;
  prebuilt?: boolean;
  buildScript?: string;
  /** paths whose changes are not the project's (the build's output and SBOM), absolute. */
  leaveOut?: readonly string[];
  /**
   * run builds (and writes) once. changed: the project-relative paths that changed since the last
   * build, undefined for the first. It should not throw: a failure is reported by it.
   */
  run(changed: readonly string[] | undefined): Promise<void>;
  /** onGone is told when the project directory itself is removed or moved away: the watch has ended. */
  onGone?(): void;
  /** onChange is told every change seen and whether it counts (for tests and diagnostics). */
  onChange?(rel: string | null, counts: boolean): void;
}

export interface Watch {
  /** the directories watched (relative to the project, '' its root; local `file:` dependencies outside it as ../…). */
  watched(): string[];
  /** close stops watching; a build that runs ends, and no other starts. */
  close(): void;
}

/** CONTROL_FILES are the project files that decide the build itself: always relevant. */
const CONTROL_FILES = new Set(['package.json', '.npmrc', '.dockerignore', ...LOCK_FILES.map((l) => l.file)]);
/** ATOMIC_TEMPORARY is the name of an atomic write's hidden sibling (src/internal/atomic.ts's siblingTemp). */
const ATOMIC_TEMPORARY = /^\..*\.whittle-\d+-[0-9a-f]{8}\.tmp$/;

/** Relevance is what decides whether a changed path can change the image. */
interface Relevance {
  rule: AppFileRule | null;
  /** package.json `files` entries, for a directory above a listed path. */
  listed: string[];
  /** local `file:` dependencies, relative to the project (slash-separated, may start with ../). */
  locals: string[];
}

async function readRelevance(dir: string): Promise<Relevance> {
  let pkg: PackageJson = {};
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pkg = parsed as PackageJson;
  } catch {
    // no package.json, or one that does not parse: the build says so; every change counts until it is fixed
    return { rule: null, listed: [], locals: [] };
  }
  const files = Array.isArray(pkg.files) ? pkg.files.filter((f): f is string => typeof f === 'string').map((f) => f.replace(/^\.\//, '').replace(/\/+$/, '')) : [];
  const project = { dir, pkg, manager: 'npm', lockFile: '' } satisfies Project;
  const locals = localSpecs(project, false).map((s) => s.split(path.sep).join('/'));
  const rule = await appFileRule(dir, pkg.files).catch(() => null);
  return { rule, listed: files, locals };
}

/** relevant tells whether a change of rel (project-relative, slash-separated) can change the image. */
export function relevant(rel: string, r: Relevance, opts: Pick<WatchOptions, 'prebuilt' | 'buildScript'>, leaveOut: readonly string[]): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => ATOMIC_TEMPORARY.test(p))) return false;
  if (leaveOut.some((o) => isUnder(rel, o))) return false;
  if (parts[0] === '.git') return false;
  if (parts.includes('node_modules')) return opts.prebuilt === true && parts[0] === 'node_modules';
  if (CONTROL_FILES.has(rel)) return true;
  if (r.locals.some((l) => isUnder(rel, l))) return true;
  if (opts.buildScript !== undefined) return true;
  if (r.rule === null) return true;
  // an excluded directory a `!` pattern could re-include something from is still looked into
  if (r.rule.matcher.excluded(rel) && !r.rule.matcher.mustWalk(rel)) return false;
  return r.rule.keep(rel) || r.listed.some((l) => l.startsWith(`${rel}/`));
}

/** watchProject runs the first build at once, then one after each batch of relevant changes. */
export async function watchProject(opts: WatchOptions): Promise<Watch> {
  const dir = path.resolve(opts.dir);
  const leaveOut = relativeInside(dir, opts.leaveOut ?? []);
  let relevance: Relevance = { rule: null, listed: [], locals: [] };
  let closed = false;
  // 'all': the first build (nothing built yet); a set: what changed since the last build began
  let pending: Set<string> | 'all' | null = 'all';
  let running = false;
  // the file rule being read again after a change of .dockerignore or package.json
  let refreshing: Promise<void> | null = null;

  const kick = () => {
    if (closed || running || pending === null) return;
    const changed = pending === 'all' ? undefined : [...pending].sort();
    pending = null;
    running = true;
    // a build after a change of the file rule starts once the new rule is read: what it builds and
    // what counts from then on agree
    void (refreshing ?? Promise.resolve())
      .then(() => opts.run(changed))
      .catch(() => undefined) // run reports its own failures
      .finally(() => {
        running = false;
        kick();
      });
  };

  const refresh = () => {
    // until the new rule is read, every change counts
    relevance = { ...relevance, rule: null };
    const next = readRelevance(dir).then((r) => {
      if (refreshing === next) {
        relevance = r;
        refreshing = null;
        void syncLocals();
      }
    });
    refreshing = next;
  };

  const onChange = (rel: string | null) => {
    if (closed) return;
    if (rel !== null && CONTROL_FILES.has(rel)) refresh();
    const counts = rel === null || relevant(rel, relevance, opts, leaveOut);
    opts.onChange?.(rel, counts);
    if (!counts) return;
    if (pending === null) pending = new Set();
    if (pending !== 'all') pending.add(rel ?? '.');
    kick();
  };

  // local file: dependencies outside the project are watched too (their changes re-key the dependency layer)
  const outside = new Map<string, TreeWatcher>();
  const syncLocals = async () => {
    for (const local of relevance.locals.filter((l) => l === '..' || l.startsWith('../'))) {
      if (closed || outside.has(local)) continue;
      const root = path.resolve(dir, local);
      const w = await watchTree(root, {
        skip: (rel) => rel.split('/').some((p) => p === 'node_modules' || p === '.git'),
        onChange: (rel) => onChange(rel === null ? local : `${local}/${rel}`),
      }).catch(() => null); // a local dependency that is not there: the install says so
      if (w && (closed || outside.has(local))) w.close();
      else if (w) outside.set(local, w);
    }
  };

  relevance = await readRelevance(dir);
  let tree: TreeWatcher | null = null;
  tree = await watchTree(dir, {
    skip: (rel) => {
      const parts = rel.split('/');
      if (parts[0] === '.git' || leaveOut.includes(rel)) return true;
      return parts.includes('node_modules') && !(opts.prebuilt === true && rel === 'node_modules');
    },
    // with --prebuilt, node_modules itself is watched (an install rewrites its .package-lock.json,
    // .modules.yaml or .yarn-integrity, and adds or removes packages), not every directory below it
    shallow: (rel) => rel === 'node_modules',
    onChange,
    onRootGone: () => {
      if (closed) return;
      closed = true;
      tree?.close();
      for (const w of outside.values()) w.close();
      opts.onGone?.();
    },
  });
  await syncLocals();
  kick();
  return {
    watched: () => [...tree.watched(), ...[...outside].flatMap(([local, w]) => w.watched().map((rel) => (rel === '' ? local : `${local}/${rel}`)))].sort(),
    close: () => {
      closed = true;
      tree.close();
      for (const w of outside.values()) w.close();
    },
  };
}
