// `whittle minify --verify`: the original and the minified image, both in the engine, run the same
// check, and must answer the same. A check is a command (`--check-cmd`: the image's entrypoint with
// these arguments; exit status and stdout compared), an HTTP request (`--check-http PORT/PATH`: the
// container started with its own command, the port published on 127.0.0.1, polled until it answers
// or the time is up; status and body compared), or the image's own HEALTHCHECK (run in the started
// container until it passes or the time is up; pass or fail compared). Each run's transcript is kept
// for the report. When the minified image answers differently, its output is read for the file it
// failed to open (missing.ts). --probe runs the original the same way with its processes wrapped
// (a Wrap: extra run flags, the container's command and each exec'd command replaced; probe.ts).
// Every container is removed at the end, and on a signal (src/internal/cleanup.ts).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { WhittleError } from '../errors.js';
import { registerUndo } from '../internal/cleanup.js';
import { docker } from '../internal/docker-cli.js';
import { testPause } from '../internal/test-pause.js';

export { healthcheckOf } from './closure.js';

export type Check = { kind: 'cmd'; args: readonly string[] } | { kind: 'http'; port: number; path: string } | { kind: 'healthcheck'; test: readonly string[] };

/** Transcript is what one image did under the check. */
export interface Transcript {
  /** the command run (docker arguments after the image). */
  command: readonly string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** --check-http: the answer, or null when none came before the time was up. */
  status?: number | null;
  body?: string;
  /** the health check's command passed (HEALTHCHECK). */
  healthy?: boolean;
  timedOut?: boolean;
}

export interface CheckOptions {
  env?: NodeJS.ProcessEnv;
  /** how long one image gets to answer (default 60 s). */
  timeoutMs?: number;
}

/** Wrap runs a container's processes under another program (--probe's tracer, probe.ts). */
export interface Wrap {
  /** `docker run` flags, before the image (mounts, --entrypoint). */
  runFlags: readonly string[];
  /** the container's arguments, after the image: with args (--check-cmd's, in place of Cmd), or the image's own command (null). */
  run(args: readonly string[] | null): string[];
  /** the command `docker exec` runs in place of argv (a HEALTHCHECK's). */
  exec(argv: readonly string[]): string[];
}

const DEFAULT_TIMEOUT = 60_000;

/** parseCheckHttp reads `PORT/PATH` (`8080/health`, `8080`). */
export function parseCheckHttp(text: string): { port: number; path: string } {
  const m = /^(\d{1,5})(\/.*)?$/.exec(text);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new WhittleError('usage', `--check-http ${JSON.stringify(text)}: expected PORT/PATH, such as 8080/health`);
  return { port, path: m[2] ?? '/' };
}

/** splitWords splits a --check-cmd into words: blanks separate, single and double quotes group, a backslash escapes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i]!;
    else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (quote) throw new WhittleError('usage', `--check-cmd ${JSON.stringify(text)}: unclosed ${quote}`);
  if (word !== null) words.push(word);
  if (words.length === 0) throw new WhittleError('usage', '--check-cmd needs a command');
  return words;
}

/** Containers names the containers of one verification and removes them, at the end or on a signal. */
class Containers {
  private readonly names: string[] = [];
  private readonly prefix: string;
  private readonly forget: () => void;
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    kind = 'verify',
  ) {
    this.prefix = `whittle-${kind}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.forget = registerUndo(() => {
      if (this.names.length) spawnSync('docker', ['rm', '-f', ...this.names], { env: this.env, stdio: 'ignore', timeout: 30_000 });
    });
  }
  next(): string {
    const name = `${this.prefix}-${this.names.length}`;
    this.names.push(name);
    return name;
  }
  async removeAll(): Promise<void> {
    if (this.names.length) await docker(['rm', '-f', ...this.names], this.env, 60_000);
    this.forget();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** get sends one GET and resolves with its status and body, or null when nothing answered. */
function get(port: number, path: string, timeoutMs: number): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

async function running(name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const r = await docker(['inspect', '--format', '{{.State.Running}}', name], env, 20_000);
  return r.stdout.trim() === 'true';
}

/** logsOf fills a transcript's output and exit status from a detached container. */
async function logsOf(t: Transcript, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const logs = await docker(['logs', name], env, 30_000);
  t.stdout = logs.stdout;
  t.stderr = logs.stderr;
  const st = await docker(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', name], env, 20_000);
  const [run, code] = st.stdout.trim().split(' ');
  t.exitCode = run === 'false' && code !== undefined ? Number(code) : null;
}

async function start(image: string, name: string, extra: string[], env: NodeJS.ProcessEnv, wrap?: Wrap): Promise<string | null> {
  const r = await docker(['run', '-d', '--name', name, ...extra, ...(wrap?.runFlags ?? []), image, ...(wrap?.run(null) ?? [])], env, 60_000);
  return r.code === 0 ? null : r.stderr.trim() || `docker run exited ${r.code}`;
}

/** runCheck runs check against image (a name or ID the engine has) in a new container and returns what happened. */
async function runCheck(image: string, check: Check, containers: Containers, opts: CheckOptions = {}, wrap?: Wrap): Promise<Transcript> {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT;
  const name = containers.next();
  if (check.kind === 'cmd') {
    const r = await docker(['run', '--name', name, ...(wrap?.runFlags ?? []), image, ...(wrap ? wrap.run(check.args) : check.args)], env, timeoutMs);
    return { command: check.args, exitCode: r.timedOut ? null : r.code, stdout: r.stdout, stderr: r.stderr, ...(r.timedOut ? { timedOut: true } : {}) };
  }
  if (check.kind === 'http') {
    const t: Transcript = { command: [`GET 127.0.0.1:${check.port}${check.path}`], exitCode: null, stdout: '', stderr: '', status: null, body: '' };
    const failed = await start(image, name, ['-p', `127.0.0.1::${check.port}`], env, wrap);
    if (failed) return { ...t, stderr: failed };
    const deadline = Date.now() + timeoutMs;
    let port = 0;
    while (Date.now() < deadline) {
      if (!port) {
        const p = await docker(['port', name, `${check.port}/tcp`], env, 20_000);
        const m = /:(\d+)\s*$/m.exec(p.stdout);
        if (m) port = Number(m[1]);
      }
      if (port) {
        const answer = await get(port, check.path, Math.max(1000, Math.min(10_000, deadline - Date.now())));
        if (answer) {
          t.status = answer.status;
          t.body = answer.body;
          break;
        }
      }
      if (!(await running(name, env))) break;
      await sleep(250);
    }
    if (t.status === null && Date.now() >= deadline) t.timedOut = true;
    await logsOf(t, name, env);
    return t;
  }
  const t: Transcript = { command: check.test, exitCode: null, stdout: '', stderr: '', healthy: false };
  const failed = await start(image, name, [], env, wrap);
  if (failed) return { ...t, stderr: failed };
  const deadline = Date.now() + timeoutMs;
  let last = { stdout: '', stderr: '', code: -1 };
  while (Date.now() < deadline) {
    if (!(await running(name, env))) break;
    const r = await docker(['exec', name, ...(wrap ? wrap.exec(check.test) : check.test)], env, Math.max(1000, deadline - Date.now()));
    last = r;
    if (r.code === 0) {
      t.healthy = true;
      break;
    }
    await sleep(500);
  }
  if (!t.healthy && Date.now() >= deadline) t.timedOut = true;
  await logsOf(t, name, env);
  // the health command's own output, after the container's
  t.stdout += last.stdout;
  t.stderr += last.stderr;
  return t;
}

/** differs says how the minified image's transcript differs from the original's, or null when they agree. */
export function differs(check: Check, a: Transcript, b: Transcript): string | null {
  if (check.kind === 'cmd') {
    if (a.exitCode !== b.exitCode) return `the command exited ${a.exitCode ?? 'never (timed out)'} in the original and ${b.exitCode ?? 'never (timed out)'} in the minified image`;
    if (a.stdout !== b.stdout) return 'the command printed different output in the minified image';
    return null;
  }
  if (check.kind === 'http') {
    if (a.status !== b.status) return `GET answered ${a.status ?? 'nothing'} from the original and ${b.status ?? 'nothing'} from the minified image`;
    if (a.body !== b.body) return 'GET answered a different body from the minified image';
    return null;
  }
  if (a.healthy !== b.healthy) return `the HEALTHCHECK ${a.healthy ? 'passed' : 'failed'} in the original and ${b.healthy ? 'passed' : 'failed'} in the minified image`;
  return null;
}

export interface CheckComparison {
  original: Transcript;
  minified: Transcript;
  /** how they differ, or null. */
  difference: string | null;
}

/** compareImages runs the check against both images (the original first) and removes the containers, whatever happens. */
export async function compareImages(original: string, minified: string, check: Check, opts: CheckOptions = {}): Promise<CheckComparison> {
  const containers = new Containers(opts.env ?? process.env);
  try {
    const a = await runCheck(original, check, containers, opts);
    await testPause('minify-verify-ran');
    const b = await runCheck(minified, check, containers, opts);
    return { original: a, minified: b, difference: differs(check, a, b) };
  } finally {
    await containers.removeAll();
  }
}

/** runWrapped runs the check against one image with its processes under wrap (--probe), and removes the container, whatever happens. */
export async function runWrapped(image: string, check: Check, wrap: Wrap, opts: CheckOptions = {}): Promise<Transcript> {
  const containers = new Containers(opts.env ?? process.env, 'probe');
  try {
    const t = await runCheck(image, check, containers, opts, wrap);
    await testPause('minify-probe-ran');
    return t;
  } finally {
    await containers.removeAll();
  }
}
