// The `docker` command, run as a child process, for the commands that prove a result on an engine
// (fix --verify builds Dockerfiles, minify --verify runs containers): its output collected, an
// optional time bound, and, when the run is interrupted, the CLI stopped as a terminal would stop it
// (SIGINT: a build is cancelled, an attached `docker run` stops its container) through the cleanup
// registry (cleanup.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { registerUndo } from './cleanup.js';

export interface DockerRun {
  /** exit status; -1 when the command could not start or was killed. */
  code: number;
  stdout: string;
  stderr: string;
  /** the time bound was reached and the command killed. */
  timedOut?: boolean;
}

/**
 * docker runs `docker ARGS` and resolves with its status and output (never rejects). timeoutMs 0: no
 * bound. While it runs, the child is in `running` when given (a caller that stops its work stops it).
 */
export function docker(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 0, running?: Set<ChildProcess>): Promise<DockerRun> {
  return new Promise((resolve) => {
    const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const forget = registerUndo(() => child.kill('SIGINT'));
    running?.add(child);
    child.on('close', () => {
      forget();
      running?.delete(child);
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs > 0)
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ...(timedOut ? { timedOut } : {}) });
    });
  });
}

/** engineProblem returns why no engine can be used, or null when `docker` reaches one. */
export async function engineProblem(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const r = await docker(['version', '--format', '{{.Server.Version}}'], env, 20_000);
  if (r.code === 0 && r.stdout.trim() !== '') return null;
  if (/ENOENT/.test(r.stderr)) return 'the docker command is not installed';
  const line = r.stderr.trim().split('\n').pop() ?? '';
  return `no Docker engine is reachable${line ? ` (${line.replace(/^error during connect: /i, '')})` : ''}`;
}

/**
 * createdImages lists the images a classic (non-BuildKit) `docker build` created, from its output:
 * the `---> ID` of each step that was not a FROM and not a cache hit. A build's caller removes them
 * with its tag (the builder keeps those of stages that are not the tagged one).
 */
export function createdImages(output: string): string[] {
  const ids: string[] = [];
  let keyword = '';
  let cached = false;
  for (const line of output.split('\n')) {
    const step = /^Step \d+\/\d+ : (\S+)/.exec(line);
    if (step) {
      keyword = step[1]!.toUpperCase();
      cached = false;
      continue;
    }
    if (/^ ---> Using cache/.test(line)) cached = true;
    const id = /^ ---> ([0-9a-f]{12,64})\s*$/.exec(line);
    if (id && keyword !== 'FROM' && !cached) ids.push(id[1]!);
  }
  return ids;
}
