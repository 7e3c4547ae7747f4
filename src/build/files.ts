// Which files of the project go into the app layer: the .dockerignore rules of the project (matched
// as the builder matches them, src/context/dockerignore.ts), else package.json `files` (as npm
// packs: the listed paths and everything below them, plus package.json), else every file. Never
// node_modules (dependencies come from the lock file, or --prebuilt) and never .git.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import { Matcher, parseDockerignore } from '../context/dockerignore.js';
import { walkContext, type WalkProblem } from '../context/walk.js';

export interface AppFile {
  /** slash-separated path relative to the project. */
  rel: string;
  kind: 'file' | 'symlink';
}

export interface Selection {
  files: AppFile[];
  /** how the files were chosen, for messages. */
  rule: string;
}

/** ALWAYS_OUT is appended to the rules: the last matching pattern decides, so nothing re-includes these. */
const ALWAYS_OUT = '\nnode_modules\n**/node_modules\n.git\n';

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw wrap(`reading ${file}`, err);
  }
}

/** filesMatcher turns package.json `files` into a predicate: a listed path, or one below it. */
export function filesMatcher(files: readonly string[]): (rel: string) => boolean {
  const patterns = parseDockerignore(files.map((f) => f.replace(/^\.\//, '')).join('\n'));
  return (rel) => rel === 'package.json' || patterns.some((p) => !p.exclusion && p.matcher.matchesOrParent(rel));
}

/** AppFileRule is the rule that chooses the app files: how it is named, and the tests a path must pass. */
export interface AppFileRule {
  /** how the files are chosen, for messages. */
  rule: string;
  /** the .dockerignore patterns (with node_modules and .git always out). */
  matcher: Matcher;
  /** package.json `files` (true for every path without it). */
  keep: (rel: string) => boolean;
}

/** appFileRule reads the rule of dir: its .dockerignore, else package.json `files`, else every file. */
export async function appFileRule(dir: string, files: unknown): Promise<AppFileRule> {
  const ignoreText = await readOptional(path.join(dir, '.dockerignore'));
  let rule: string;
  let keep: (rel: string) => boolean = () => true;
  if (ignoreText !== null) rule = '.dockerignore';
  else if (Array.isArray(files) && files.every((f) => typeof f === 'string')) {
    rule = 'package.json files';
    keep = filesMatcher(files as string[]);
  } else rule = 'every file (no .dockerignore, no package.json files)';
  return { rule, matcher: new Matcher(parseDockerignore((ignoreText ?? '') + ALWAYS_OUT)), keep };
}

/** isUnder says whether a slash-separated relative path is dir or lies below it. */
export function isUnder(rel: string, dir: string): boolean {
  return rel === dir || rel.startsWith(`${dir}/`);
}

/** relativeInside gives the paths that lie inside dir (not dir itself), relative to it and slash-separated; the others are dropped. */
export function relativeInside(dir: string, paths: readonly string[]): string[] {
  return paths
    .map((p) => path.relative(path.resolve(dir), path.resolve(p)).split(path.sep).join('/'))
    .filter((rel) => rel !== '' && rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel));
}

/**
 * selectAppFiles lists the project's app files in a fixed (sorted) order; `leaveOut` (slash-separated
 * paths relative to dir) are never taken, nor anything below them (the build's own output, when it is
 * written inside the project).
 */
export async function selectAppFiles(dir: string, files: unknown, leaveOut: readonly string[] = []): Promise<Selection> {
  const { rule, matcher, keep } = await appFileRule(dir, files);
  const left = (rel: string) => leaveOut.some((o) => isUnder(rel, o));
  const problems: WalkProblem[] = [];
  const out: AppFile[] = [];
  for await (const e of walkContext(dir, matcher, problems)) {
    if (!e.sent || !keep(e.rel) || left(e.rel)) continue;
    if (e.kind === 'file' || e.kind === 'symlink') out.push({ rel: e.rel, kind: e.kind });
  }
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new WhittleError('io', `reading the project: ${p.rel}: ${p.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
  }
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files: out, rule };
}
