// `whittle context` analysis: what `docker build` sends for a directory and a Dockerfile — files and
// bytes sent and excluded, the largest directories, what each COPY/ADD pulls in, and secrets that a
// `COPY .` (or a copy of a directory holding them) would put into the image.
import { open, readFile, stat } from 'node:fs/promises';
import { checkDockerfileSize } from './dockerfile-size.js';
import path from 'node:path';
import { parseDockerfile } from '../dockerfile/parse.js';
import { WhittleError, describeCause } from '../errors.js';
import { requireRegularFile } from '../internal/regular-file.js';
import { Matcher, findIgnoreFile, parseDockerignore } from './dockerignore.js';
import { needsContent, secretDir, secretKind } from '../knowledge/secrets.js';
import { dirSize, walkContext, type WalkProblem } from './walk.js';

export interface CopySource {
  /** 1-based Dockerfile line of the instruction. */
  line: number;
  instruction: string;
  /** The source as written. */
  source: string;
  /** Null when the source cannot be evaluated (variables, URLs). */
  files: number | null;
  bytes: number | null;
  note?: string;
}

export interface SecretFinding {
  path: string;
  kind: string;
  /** Lines of COPY/ADD instructions that pull it into the image. */
  copiedBy: number[];
}

export interface DirTotal {
  path: string;
  files: number;
  bytes: number;
}

export interface ContextReport {
  contextDir: string;
  dockerfile: string | null;
  /** The ignore file in effect, or null when there is none. */
  ignoreFile: string | null;
  sent: { files: number; bytes: number };
  excluded: { files: number; bytes: number };
  /** Paths of sent files and symlinks, sorted (the `--json` `files` list). */
  files: string[];
  largestDirectories: DirTotal[];
  largestFiles: DirTotal[];
  copies: CopySource[];
  secrets: SecretFinding[];
  suggestions: string[];
  problems: WalkProblem[];
}

export interface ContextOptions {
  /** Dockerfile path; default `<dir>/Dockerfile`. A missing default is fine, a named missing file is not. */
  dockerfile?: string;
  top?: number;
}

/** JUNK directories are build-irrelevant and usually large. */
const JUNK_DIRS = /(^|\/)(node_modules|\.git|__pycache__|\.venv|venv|\.pytest_cache|\.mypy_cache|\.tox|\.idea|\.vscode|coverage|\.next\/cache|\.terraform)$/;

/** CONTENT_HEAD is how much of a file is read to decide whether a name-based guess holds (a PEM key, an .npmrc token). */
const CONTENT_HEAD = 64 * 1024;

async function head(file: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(CONTENT_HEAD);
    const { bytesRead } = await fh.read(buf, 0, CONTENT_HEAD, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } catch {
    return undefined; // unreadable: the name decides
  } finally {
    await fh?.close();
  }
}

/** Glob is one COPY/ADD source (Go's filepath.Match syntax, relative to the context). */
export function sourceMatcher(source: string): ((rel: string) => boolean) | null {
  if (/[$]/.test(source)) return null;
  let s = path.posix.normalize(source.replace(/^\/+/, ''));
  if (s.endsWith('/') && s.length > 1) s = s.slice(0, -1);
  if (s === '.' || s === '' || s === '/') return () => true;
  let re = '^';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') re += '[';
    else if (ch === ']') re += ']';
    else if (ch === '\\' && i + 1 < s.length) re += '\\' + s[++i];
    else re += /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
  }
  let rx: RegExp;
  try {
    rx = new RegExp(re + '$', 's');
  } catch {
    return null;
  }
  return (rel: string) => {
    if (rx.test(rel)) return true;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (rx.test(parts.slice(0, i).join('/'))) return true;
    return false;
  };
}

interface CopyPlan {
  line: number;
  instruction: string;
  source: string;
  match: ((rel: string) => boolean) | null;
  note?: string;
  files: number;
  bytes: number;
}

function copyPlans(text: string): CopyPlan[] {
  const model = parseDockerfile(text);
  const plans: CopyPlan[] = [];
  for (const inst of model.instructions) {
    if (inst.keyword !== 'COPY' && inst.keyword !== 'ADD') continue;
    if (inst.flags.some((f) => f.name === 'from')) continue; // copies from a stage or image
    const words = (inst.json ?? inst.args).map((t) => t.value);
    if (inst.heredocs.length > 0) continue;
    const sources = words.slice(0, -1);
    const line = model.lines.positionAt(inst.span.start).line + 1;
    for (const source of sources) {
      const plan: CopyPlan = { line, instruction: inst.keyword, source, match: null, files: 0, bytes: 0 };
      if (/^(https?|git):\/\/|^git@/.test(source)) plan.note = 'remote source, not from the context';
      else {
        plan.match = sourceMatcher(source);
        if (!plan.match) plan.note = 'uses a variable; not evaluated';
      }
      plans.push(plan);
    }
  }
  return plans;
}

async function exists(p: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** analyzeContext walks contextDir and builds the report. Throws WhittleError('not-found') for bad input. */
export async function analyzeContext(contextDir: string, opts: ContextOptions = {}): Promise<ContextReport> {
  const top = opts.top ?? 10;
  if ((await exists(contextDir)) !== 'dir') {
    throw new WhittleError('not-found', `context directory ${contextDir}: no such directory`);
  }
  const dockerfilePath = opts.dockerfile ?? path.join(contextDir, 'Dockerfile');
  let dockerfileText: string | null = null;
  await requireRegularFile(dockerfilePath, 'a Dockerfile');
  try {
    checkDockerfileSize((await stat(dockerfilePath)).size, dockerfilePath);
    dockerfileText = await readFile(dockerfilePath, 'utf8');
  } catch (err) {
    if (err instanceof WhittleError) throw err;
    if (opts.dockerfile !== undefined) throw new WhittleError('not-found', `Dockerfile ${dockerfilePath}: ${describeCause(err)}`);
  }

  const ignore = await findIgnoreFile(contextDir, dockerfilePath);
  const ignoreFile = ignore?.path ?? null;
  const matcher = new Matcher(parseDockerignore(ignore?.text ?? ''));
  const plans = dockerfileText === null ? [] : copyPlans(dockerfileText);
  const problems: WalkProblem[] = [];

  const sent = { files: 0, bytes: 0 };
  const excluded = { files: 0, bytes: 0 };
  const files: string[] = [];
  const dirTotals = new Map<string, DirTotal>();
  const fileSizes: DirTotal[] = [];
  const secrets: SecretFinding[] = [];
  const skippedDirs: string[] = [];
  const sentDirs: string[] = [];

  const copiedBy = (rel: string): number[] => plans.filter((p) => p.match?.(rel)).map((p) => p.line);

  for await (const e of walkContext(contextDir, matcher, problems, (d) => skippedDirs.push(d))) {
    if (e.kind === 'dir') {
      if (e.sent) {
        sentDirs.push(e.rel);
        const dk = secretDir(e.rel);
        if (dk && dk.dir === e.rel) secrets.push({ path: e.rel, kind: dk.kind, copiedBy: [...new Set(copiedBy(e.rel + '/x'))] });
      }
      continue;
    }
    if (!e.sent) {
      excluded.files++;
      excluded.bytes += e.size;
      continue;
    }
    sent.files++;
    sent.bytes += e.size;
    files.push(e.rel);
    fileSizes.push({ path: e.rel, files: 1, bytes: e.size });
    const parts = e.rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      const t = dirTotals.get(d) ?? { path: d, files: 0, bytes: 0 };
      t.files++;
      t.bytes += e.size;
      dirTotals.set(d, t);
    }
    for (const p of plans) {
      if (p.match?.(e.rel)) {
        p.files++;
        p.bytes += e.size;
      }
    }
    if (secretDir(e.rel) === null) {
      const kind = needsContent(e.rel) && e.kind === 'file' ? secretKind(e.rel, await head(path.join(contextDir, ...e.rel.split('/')))) : secretKind(e.rel);
      if (kind) secrets.push({ path: e.rel, kind, copiedBy: copiedBy(e.rel) });
    }
  }
  for (const d of skippedDirs) {
    const s = await dirSize(path.join(contextDir, ...d.split('/')), problems, d);
    excluded.files += s.files;
    excluded.bytes += s.bytes;
  }
  files.sort();

  const byBytes = (a: DirTotal, b: DirTotal) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1);
  const largestDirectories = [...dirTotals.values()].sort(byBytes).slice(0, top);
  const largestFiles = fileSizes.sort(byBytes).slice(0, top);

  const suggestions = suggest(sentDirs, secrets, plans, dockerfileText !== null);
  return {
    contextDir,
    dockerfile: dockerfileText === null ? null : dockerfilePath,
    ignoreFile,
    sent,
    excluded,
    files,
    largestDirectories,
    largestFiles,
    copies: plans.map((p) => ({
      line: p.line,
      instruction: p.instruction,
      source: p.source,
      files: p.match ? p.files : null,
      bytes: p.match ? p.bytes : null,
      ...(p.note ? { note: p.note } : {}),
    })),
    secrets,
    suggestions,
    problems,
  };
}

/**
 * explicitlyCopied: excluding rel would take away something a COPY/ADD names — the source is rel,
 * lies inside rel, or is a glob matching rel itself. Paths reached only through `COPY .` or through a
 * copied parent directory are not explicit.
 */
function explicitlyCopied(rel: string, plans: CopyPlan[]): boolean {
  return plans.some((p) => {
    if (!p.match) return false;
    const s = path.posix.normalize(p.source.replace(/^\/+/, '')).replace(/\/$/, '');
    if (s === '.' || s === '') return false;
    if (s === rel || s.startsWith(rel + '/')) return true;
    return /[*?[]/.test(s) && s.split('/').length === rel.split('/').length && p.match(rel);
  });
}

/** ignoreEntries computes the lines `--write-dockerignore` would add, never excluding explicit COPY sources. */
export function ignoreEntriesFor(report: Pick<ContextReport, 'secrets'>, sentDirs: string[], plans: CopyPlan[]): string[] {
  const out = new Set<string>();
  for (const d of sentDirs) {
    if (JUNK_DIRS.test(d) && !sentDirs.some((p) => d.startsWith(p + '/') && JUNK_DIRS.test(p))) {
      if (!explicitlyCopied(d, plans)) out.add(d);
    }
  }
  for (const s of report.secrets) {
    if (s.path.split('/').some((_, i, a) => out.has(a.slice(0, i + 1).join('/')))) continue;
    if (!explicitlyCopied(s.path, plans)) out.add(s.path);
  }
  return [...out].sort();
}

function suggest(sentDirs: string[], secrets: SecretFinding[], plans: CopyPlan[], hasDockerfile: boolean): string[] {
  const entries = ignoreEntriesFor({ secrets }, sentDirs, plans);
  const out: string[] = [];
  if (entries.length > 0) out.push(`add to .dockerignore: ${entries.join(', ')} (whittle context --write-dockerignore)`);
  for (const s of secrets) {
    if (s.copiedBy.length > 0) out.push(`${s.path} (${s.kind}) is copied into the image by line ${s.copiedBy.join(', ')}`);
  }
  for (const p of plans) {
    if (p.match && p.files === 0) out.push(`line ${p.line}: ${p.instruction} ${p.source} matches nothing that is sent; the build fails there`);
  }
  if (hasDockerfile && plans.some((p) => p.source === '.' || p.source === './')) {
    out.push('COPY . sends the whole context into a layer; copy only what the build needs');
  }
  return out;
}

/** CONTEXT_INTERNALS are exported for --write-dockerignore. */
export { copyPlans, type CopyPlan };

/** sentDirsOf returns the directories that are sent (derived from the sent file list). */
export function sentDirsOf(report: ContextReport): string[] {
  const dirs = new Set<string>();
  for (const f of report.files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const s of report.secrets) if (secretDir(s.path)?.dir === s.path) dirs.add(s.path);
  return [...dirs].sort();
}
