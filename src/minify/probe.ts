// `whittle minify --probe`: runs the original image under the same check as --verify with every
// process of the container traced by strace (probe-kit.ts: this machine's strace, bind-mounted
// read-only with its loader and libraries, so the image needs neither a shell nor a C library), and
// reads what they touched (strace-parse.ts). The container keeps the image's User, WorkingDir and
// Env; only its entrypoint is replaced by the loader running strace, which runs the image's
// Entrypoint and Cmd (or --check-cmd's arguments in place of Cmd). A HEALTHCHECK's command, run
// with `docker exec`, is traced too. strace writes to a host directory bind-mounted at
// /.whittle-probe-out, so the engine must run on this machine. Docker's default seccomp profile
// allows ptrace on kernels 4.8 and later; where the trace says ptrace was refused the run is
// repeated once with `--cap-add SYS_PTRACE`, and only that. The kit, the trace directory and the
// container are removed at the end and on a signal (src/internal/cleanup.ts).
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WhittleError, wrap as wrapError } from '../errors.js';
import type { ImageConfig } from '../image/spec.js';
import { registerTemporary, unregisterTemporary } from '../internal/cleanup.js';
import { KIT_DIR, OUT_DIR, STRACE_OPTIONS, makeProbeKit, sameMachine, type ProbeKit } from './probe-kit.js';
import { mergeTraces, straceParser, type ParsedTrace } from './strace-parse.js';
import { runWrapped, type Check, type Transcript, type Wrap } from './verify.js';

export interface ProbeOptions {
  env?: NodeJS.ProcessEnv;
  /** how long the check gets (default 60 s). */
  timeoutMs?: number;
  tmpDir?: string;
}

export interface ProbeRun {
  /** the traced command: the container's (Entrypoint then Cmd, or --check-cmd's arguments in place of Cmd). */
  command: string[];
  /** the HEALTHCHECK's command, traced in each `docker exec`, when the check was the HEALTHCHECK. */
  exec?: string[];
  transcript: Transcript;
  trace: ParsedTrace;
  /** the container was given --cap-add SYS_PTRACE (the engine refused ptrace without it). */
  capAdd: boolean;
}

/** PTRACE_REFUSED is what strace prints when the container may not trace. */
const PTRACE_REFUSED = /strace: .*ptrace.*(Operation not permitted|Permission denied)/i;

/** ptraceRefused finds strace's line saying ptrace was refused in a run's stderr, or null. */
export function ptraceRefused(stderr: string): string | null {
  return stderr.split('\n').find((l) => PTRACE_REFUSED.test(l)) ?? null;
}

/** containerArgv is what the container runs: Entrypoint, then args in place of Cmd (the runtime's rule). */
export function containerArgv(config: ImageConfig, args: readonly string[] | null): string[] {
  return [...(config.config?.Entrypoint ?? []), ...(args ?? config.config?.Cmd ?? [])];
}

/** traceWrap builds the Wrap that runs the container's command and every exec'd command under the kit's strace, each writing its own trace file. */
export function traceWrap(kit: Pick<ProbeKit, 'dir' | 'launcher'>, outDir: string, config: ImageConfig, capAdd: boolean, traced: string[][]): Wrap {
  let execs = 0;
  const strace = (file: string) => [...STRACE_OPTIONS, '-o', `${OUT_DIR}/${file}`, '--'];
  return {
    runFlags: ['-v', `${kit.dir}:${KIT_DIR}:ro`, '-v', `${outDir}:${OUT_DIR}`, '--entrypoint', kit.launcher[0]!, ...(capAdd ? ['--cap-add', 'SYS_PTRACE'] : [])],
    run(args) {
      const argv = containerArgv(config, args);
      if (argv.length === 0) throw new WhittleError('not-found', '--probe: the image has no Entrypoint or Cmd to run');
      traced.push(argv);
      return [...kit.launcher.slice(1), ...strace('main'), ...argv];
    },
    exec(argv) {
      if (execs === 0) traced.push([...argv]);
      return [...kit.launcher, ...strace(`exec-${execs++}`), ...argv];
    },
  };
}

async function readTrace(file: string, cwd: string): Promise<ParsedTrace> {
  const parser = straceParser({ cwd });
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) parser.line(line);
  return parser.result();
}

/** probeOriginal runs check against image (a name the engine has) with its processes traced, and returns what they touched. */
export async function probeOriginal(image: string, config: ImageConfig, check: Check, opts: ProbeOptions = {}): Promise<ProbeRun> {
  const kit = await makeProbeKit(opts);
  let out: string | null = null;
  try {
    if (!sameMachine(kit, config.architecture)) throw new WhittleError('unsupported', `--probe: the image is for ${config.architecture}, and this machine's strace cannot trace its programs`);
    const cwd = config.config?.WorkingDir || '/';
    for (const capAdd of [false, true]) {
      if (out) await rm(out, { recursive: true, force: true });
      out = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-probe-out-')).catch((err) => {
        throw wrapError('creating a temporary directory', err);
      });
      registerTemporary(out);
      // strace runs as the image's user, which may be anyone
      await chmod(out, 0o777);
      const traced: string[][] = [];
      const transcript = await runWrapped(image, check, traceWrap(kit, out, config, capAdd, traced), { ...(opts.env ? { env: opts.env } : {}), ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
      const files = (await readdir(out)).sort();
      const refused = ptraceRefused(transcript.stderr);
      if (refused !== null) {
        if (!capAdd) continue;
        throw new WhittleError('unsupported', `--probe: the engine refuses ptrace in the container, even with --cap-add SYS_PTRACE: ${refused}`);
      }
      if (!files.includes('main')) {
        const why = transcript.stderr.trim().split('\n').slice(-3).join(' / ');
        throw new WhittleError('unsupported', `--probe: strace wrote no trace in the original's container (the engine must run on this machine, as the trace is a bind mount)${why ? `: ${why}` : ''}`);
      }
      const traces = [];
      for (const f of files) traces.push(await readTrace(join(out, f), cwd));
      return { command: traced[0] ?? [], ...(traced[1] ? { exec: traced[1] } : {}), transcript, trace: mergeTraces(traces), capAdd };
    }
    throw new Error('unreachable: the second run either returns or throws');
  } finally {
    if (out) {
      await rm(out, { recursive: true, force: true });
      unregisterTemporary(out);
    }
    await kit.dispose();
  }
}
