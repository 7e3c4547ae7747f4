// Runs whittle on one generated input and checks the fuzzing property: exit 0, 1 or 2 (never 3, never
// an uncaught exception or unhandled rejection); on exit 2 exactly one stderr line, `whittle: …`,
// with no stack frames; nothing left in the output directory but the output (nothing at all on a
// failure) and nothing left in the temporary directory; an answer within CASE_BOUND_MS.
//
// Most cases run the CLI's main() in this process (the same code as bin/whittle.js minus the
// process start, ~50x faster); runCliProcess runs the built CLI as a child for a sample of them.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

/** CASE_BOUND_MS is the time one generated case may take before it counts as a hang (a bound, not a benchmark). */
export const CASE_BOUND_MS = 20_000;

export interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** an exception or rejection that escaped main (in-process only). */
  escaped?: string;
}

let capturing = false;

/** runCliInProcess runs main(argv) with stdout and stderr captured and TMPDIR pointed at tmp. */
export async function runCliInProcess(argv: string[], tmp: string): Promise<Outcome> {
  if (capturing) throw new Error('runCliInProcess is not reentrant');
  capturing = true;
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  const savedTmp = process.env.TMPDIR;
  const escaped: string[] = [];
  const onEscape = (e: unknown) => escaped.push(String((e as Error)?.stack ?? e));
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  const grab = (sink: string[]) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = grab(out);
  process.stderr.write = grab(err);
  process.env.TMPDIR = tmp;
  try {
    // the timer catches a run that waits forever (a hang guard, not a measurement: how long work
    // takes is measured in bench/, e.g. bench/lint-cli.mjs's one large Dockerfile)
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), CASE_BOUND_MS)));
    const status = await Promise.race([main(argv), hang]).finally(() => clearTimeout(timer));
    // let stray rejections of this run surface before judging it
    await new Promise((resolve) => setImmediate(resolve));
    return { status: status === -1 ? null : status, stdout: out.join(''), stderr: err.join(''), ...(escaped.length ? { escaped: escaped.join('\n') } : {}) };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    process.off('unhandledRejection', onEscape);
    process.off('uncaughtException', onEscape);
    capturing = false;
  }
}

/** runCliProcess runs bin/whittle.js (the built CLI) as a child with TMPDIR=tmp. */
export function runCliProcess(argv: string[], tmp: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/whittle.js', ...argv], { env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CASE_BOUND_MS);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** violations lists how an outcome breaks the property (empty when it holds). */
export function violations(o: Outcome, opts: { outDir?: string; output?: string; tmp: string }): string[] {
  const bad: string[] = [];
  if (o.escaped) bad.push(`an exception escaped: ${o.escaped.slice(0, 2000)}`);
  if (o.status === null) bad.push(`no answer within ${CASE_BOUND_MS} ms`);
  else if (![0, 1, 2].includes(o.status)) bad.push(`exit ${o.status}`);
  if (/\n\s+at /.test(o.stderr) || /internal error/.test(o.stderr)) bad.push('a stack trace on stderr');
  if (o.status === 2) {
    // exactly one line: the error (warnings a run printed before failing count too)
    if (!/^whittle: [^\n]*\n$/.test(o.stderr)) bad.push(`exit 2 with stderr other than one whittle: line`);
  }
  if (opts.outDir !== undefined) {
    const left = readdirSync(opts.outDir).filter((n) => o.status === 0 || o.status === 1 ? n !== opts.output : true);
    if (left.length) bad.push(`left beside the output: ${left.join(', ')}`);
  }
  const tmpLeft = readdirSync(opts.tmp);
  if (tmpLeft.length) bad.push(`left in TMPDIR: ${tmpLeft.join(', ')}`);
  return bad;
}

/** freshDir empties (or creates) dir. */
export function freshDir(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const within = (root: string, ...parts: string[]) => join(root, ...parts);
