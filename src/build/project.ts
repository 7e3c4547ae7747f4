// What `whittle build` reads from a Node project before anything is installed: package.json, which
// package manager's lock file it has (npm, yarn, pnpm), and the entry file the image runs (the
// --entry flag, else package.json `main`, `bin`, or the `node FILE` command of the `start` script).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WhittleError, wrap } from '../errors.js';

export type PackageManager = 'npm' | 'yarn' | 'pnpm';

export interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  files?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface Project {
  /** the project directory, absolute. */
  dir: string;
  pkg: PackageJson;
  manager: PackageManager;
  /** the lock file's name in dir (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml). */
  lockFile: string;
}

/** LOCK_FILES lists the lock files in the order they are looked for: npm's first. */
export const LOCK_FILES: readonly { file: string; manager: PackageManager }[] = [
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'npm-shrinkwrap.json', manager: 'npm' },
  { file: 'yarn.lock', manager: 'yarn' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
];

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** readProject reads dir's package.json and finds its lock file; either missing is an error. */
export async function readProject(dir: string): Promise<Project> {
  const abs = path.resolve(dir);
  if (!(await stat(abs).then((s) => s.isDirectory(), () => false))) throw new WhittleError('not-found', `${dir}: no such directory`);
  const pkgPath = path.join(abs, 'package.json');
  let text: string;
  try {
    text = await readFile(pkgPath, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new WhittleError('not-found', `${dir} has no package.json: whittle build builds a Node project`);
    throw wrap(`reading ${pkgPath}`, err);
  }
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(text) as PackageJson;
  } catch (err) {
    throw wrap(`reading ${pkgPath}`, err, 'bad-archive');
  }
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) throw new WhittleError('bad-archive', `${pkgPath} is not a JSON object`);
  for (const lock of LOCK_FILES) {
    if (await isFile(path.join(abs, lock.file))) return { dir: abs, pkg, manager: lock.manager, lockFile: lock.file };
  }
  throw new WhittleError(
    'not-found',
    `${dir} has no lock file (${LOCK_FILES.map((l) => l.file).join(', ')}): run \`npm install\` (or yarn/pnpm) once and commit the lock file; whittle build installs only what a lock file pins`,
  );
}

/** nodeScriptFile finds FILE in a start script such as `node FILE`, `node --enable-source-maps FILE args`. */
export function nodeScriptFile(script: string): string | null {
  const words = script.trim().split(/\s+/);
  // a script of several commands (`a && node b`) is taken from its last node command
  let at = -1;
  for (let i = 0; i < words.length; i++) if (words[i] === 'node' || words[i] === 'nodejs') at = i;
  if (at < 0) return null;
  for (let i = at + 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '&&' || w === ';' || w === '|' || w === '||') return null;
    if (w.startsWith('-')) {
      // options that take a separate value
      if (w === '-r' || w === '--require' || w === '--import' || w === '--loader') i++;
      continue;
    }
    return w.replace(/^["']|["']$/g, '');
  }
  return null;
}

/** entryCandidate is the entry package.json names and where it says so, or null. */
export function entryCandidate(pkg: PackageJson): { file: string; from: string } | null {
  if (typeof pkg.main === 'string' && pkg.main !== '') return { file: pkg.main, from: 'package.json main' };
  if (typeof pkg.bin === 'string' && pkg.bin !== '') return { file: pkg.bin, from: 'package.json bin' };
  if (pkg.bin && typeof pkg.bin === 'object') {
    const values = Object.values(pkg.bin).filter((v) => typeof v === 'string');
    if (values.length === 1) return { file: values[0]!, from: 'package.json bin' };
  }
  const start = pkg.scripts?.start;
  if (typeof start === 'string') {
    const file = nodeScriptFile(start);
    if (file) return { file, from: 'the start script' };
  }
  return null;
}

/** normalizeEntry makes an entry a clean path inside the project, or fails. */
export function normalizeEntry(file: string, from: string): string {
  const clean = path.posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '');
  if (clean === '' || clean === '.' || clean.startsWith('../') || clean === '..' || path.posix.isAbsolute(clean)) {
    throw new WhittleError('usage', `the entry ${JSON.stringify(file)} (${from}) is not a file inside the project`);
  }
  return clean;
}

/**
 * resolveEntry finds the file the image runs: explicit (--entry), else what package.json names.
 * `exists` tells whether a project-relative path is a file (it is asked of the files that go in).
 */
export async function resolveEntry(pkg: PackageJson, explicit: string | undefined, exists: (rel: string) => Promise<boolean>): Promise<string> {
  const found = explicit !== undefined ? { file: explicit, from: '--entry' } : entryCandidate(pkg);
  if (!found) {
    throw new WhittleError('usage', 'cannot tell the entry file: package.json has no main, a single bin or a `node FILE` start script; give --entry FILE');
  }
  const rel = normalizeEntry(found.file, found.from);
  for (const candidate of [rel, `${rel}.js`, `${rel}/index.js`]) if (await exists(candidate)) return candidate;
  throw new WhittleError('not-found', `the entry ${rel} (${found.from}) is not among the app files`);
}
