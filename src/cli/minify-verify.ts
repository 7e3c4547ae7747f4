// `whittle minify --verify`: picks the check from the flags (or the image's HEALTHCHECK), puts both
// images in the engine under temporary tags (the original is used as it is when it was read from
// the engine), runs the check on both (src/minify/verify.ts), removes the temporary tags at the end
// and on a signal, and formats the transcripts and the missing files for the report. --probe picks
// its check here too and runs the original under the same temporary tag (EngineImages).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import { registerUndo } from '../internal/cleanup.js';
import { docker, engineProblem } from '../internal/docker-cli.js';
import { missingFiles, type MissingFile } from '../minify/missing.js';
import { compareImages, healthcheckOf, parseCheckHttp, splitWords, type Check, type CheckComparison, type Transcript } from '../minify/verify.js';
import type { MinifyPlan } from '../minify/index.js';
import { writeImage } from '../transports/write.js';

export interface VerifyFlags {
  verify?: boolean;
  probe?: boolean;
  checkCmd?: string;
  checkHttp?: string;
  checkTimeout?: string;
}

export interface MinifyVerification extends CheckComparison {
  check: Check;
  /** what the minified container could not open, when the check failed. */
  missing: MissingFile[];
}

/** verifying says whether the flags ask for --verify (a check flag implies it). */
export function verifying(flags: VerifyFlags): boolean {
  return flags.verify === true || flags.checkCmd !== undefined || flags.checkHttp !== undefined;
}

/** checkFrom reads the check flags (before any work is done); null when neither --verify nor --probe was asked for. */
export async function checkFrom(flags: VerifyFlags, image: Image): Promise<Check | null> {
  if (!verifying(flags) && !flags.probe) return null;
  if (flags.checkCmd !== undefined && flags.checkHttp !== undefined) throw new WhittleError('usage', '--check-cmd and --check-http: give one check');
  if (flags.checkCmd !== undefined) return { kind: 'cmd', args: splitWords(flags.checkCmd) };
  if (flags.checkHttp !== undefined) return { kind: 'http', ...parseCheckHttp(flags.checkHttp) };
  const test = healthcheckOf(await image.config());
  if (!test) throw new WhittleError('usage', `${flags.probe && !verifying(flags) ? '--probe' : '--verify'} needs a check: --check-cmd ARGS, --check-http PORT/PATH, or a HEALTHCHECK in the image`);
  return { kind: 'healthcheck', test };
}

/** timeoutOf reads --check-timeout SECONDS (default 60). */
export function timeoutOf(text: string | undefined): number {
  if (text === undefined) return 60_000;
  const s = Number(text);
  if (!Number.isFinite(s) || s <= 0) throw new WhittleError('usage', `--check-timeout ${JSON.stringify(text)}: expected a number of seconds`);
  return s * 1000;
}

/** requireEngine throws when no engine can run the check. */
export async function requireEngine(what: string): Promise<void> {
  const problem = await engineProblem();
  if (problem !== null) throw new WhittleError('unsupported', `${what}: ${problem}`);
}

/**
 * EngineImages puts the run's images in the engine under temporary tags (the original is used as it
 * is when it was read from the engine: reference `docker-daemon:…`, a bare name resolved) and
 * removes the tags at the end and on a signal. --probe and --verify share the original's.
 */
export class EngineImages {
  private readonly prefix = `whittle-verify-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly tags: string[] = [];
  private readonly forget: () => void;
  private originalTag: Promise<string> | undefined;
  constructor() {
    this.forget = registerUndo(() => {
      if (this.tags.length) spawnSync('docker', ['rmi', '-f', ...this.tags], { stdio: 'ignore', timeout: 30_000 });
    });
  }
  /** original names the original image in the engine, loading it the first time when it is not there. */
  original(image: Image, reference: string): Promise<string> {
    this.originalTag ??= reference.startsWith('docker-daemon:') ? Promise.resolve(reference.slice('docker-daemon:'.length)) : this.load(image, 'original');
    return this.originalTag;
  }
  async load(image: Image, name: string): Promise<string> {
    const tag = `${this.prefix}:${name}`;
    this.tags.push(tag);
    await writeImage(image, `docker-daemon:${tag}`, {});
    return tag;
  }
  async dispose(): Promise<void> {
    if (this.tags.length) await docker(['rmi', '-f', ...this.tags], process.env, 60_000);
    this.forget();
  }
}

/** verifyMinified loads the minified image, runs the check on both images and reads the minified one's output for what it could not find. */
export async function verifyMinified(engine: EngineImages, original: Image, reference: string, minified: Image, plan: MinifyPlan, check: Check, timeoutMs: number): Promise<MinifyVerification> {
  const before = await engine.original(original, reference);
  const after = await engine.load(minified, 'minified');
  const result = await compareImages(before, after, check, { timeoutMs });
  const workdir = ((await original.config()).config as { WorkingDir?: string } | undefined)?.WorkingDir || '/';
  const missing = result.difference === null ? [] : missingFiles(`${result.minified.stderr}\n${result.minified.stdout}`, plan.tree, workdir);
  return { ...result, check, missing };
}

function describeCheck(check: Check): string {
  if (check.kind === 'cmd') return `${JSON.stringify(check.args)} (exit status and stdout compared)`;
  if (check.kind === 'http') return `GET :${check.port}${check.path} (status and body compared)`;
  return `HEALTHCHECK ${JSON.stringify(check.test)} (pass or fail compared)`;
}

const MAX_LINES = 20;

function streamLines(label: string, text: string): string[] {
  const lines = text.replace(/\n$/, '').split('\n');
  if (text === '') return [];
  const shown = lines.slice(0, MAX_LINES).map((l) => `    ${label} | ${l}`);
  if (lines.length > MAX_LINES) shown.push(`    ${label} | … ${lines.length - MAX_LINES} more lines`);
  return shown;
}

function transcriptLines(name: string, t: Transcript): string[] {
  const facts: string[] = [];
  if (t.status !== undefined) facts.push(t.status === null ? 'no answer' : `status ${t.status}`);
  if (t.healthy !== undefined) facts.push(t.healthy ? 'healthy' : 'not healthy');
  facts.push(t.exitCode === null ? (t.status !== undefined || t.healthy !== undefined ? 'still running' : 'no exit') : `exit ${t.exitCode}`);
  if (t.timedOut) facts.push('timed out');
  return [`verify: ${name}: ${facts.join(', ')}`, ...(t.body !== undefined ? streamLines('body  ', t.body) : []), ...streamLines('stdout', t.stdout), ...streamLines('stderr', t.stderr)];
}

/** formatVerification renders the verification as the lines of the text report. */
export function formatVerification(v: MinifyVerification): string[] {
  const out = [`verify: check: ${describeCheck(v.check)}`, ...transcriptLines('original', v.original), ...transcriptLines('minified', v.minified)];
  if (v.difference === null) {
    out.push('verify: ok: both images answered the same');
    return out;
  }
  out.push(`verify: failed: ${v.difference}`);
  for (const m of v.missing) {
    const what = m.kind === 'module' ? `module ${m.named}` : m.kind === 'library' ? `library ${m.named}` : m.named;
    out.push(m.keep ? `verify: the minified image could not find ${what} (${m.paths.join(', ')} in the original): ${m.keep}` : `verify: the minified image could not find ${what}, which the original lacks too`);
  }
  return out;
}

/** verificationJson is the verification as --json gives it. */
export function verificationJson(v: MinifyVerification) {
  return { status: v.difference === null ? 'ok' : 'failed', check: v.check, difference: v.difference, original: v.original, minified: v.minified, missing: v.missing };
}
