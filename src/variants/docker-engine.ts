// The real VariantEngine: the `docker` CLI for builds (BuildKit when it works, else the classic
// builder), runs and removal; whittle's own daemon source and sink (`docker-daemon:`) for the
// rewrites, `built` and the measurements, and its registry sink and source for --registry's pushes
// and pulls (src/variants/registry-pull.ts). It remembers every tag, intermediate image and container it made,
// and cleanup() removes them all (also when called from a signal handler halfway through).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createdImages, docker, type DockerRun } from '../internal/docker-cli.js';
import { openImage } from '../transports/open.js';
import { writeImage } from '../transports/write.js';
import { analyzeImage } from '../analyze/run.js';
import type { Image } from '../image/image.js';
import type { WrittenLayer } from '../rewrite/layer-writer.js';
import { gzipped, pullImage, pushImage, type RegistryAccess } from './registry-pull.js';
import { VariantFailure, type Built, type Check, type CheckRun, type Measured, type Produce, type Pushed, type Rewrite, type VariantEngine } from './types.js';

/** tail is the last meaningful lines of a failed command's output, joined with ' | '. */
export function tail(text: string, n = 4): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' | ');
}

/**
 * buildFailure is the part of a failed build's output that says why: with BuildKit, the failing
 * step's last output lines and its ERROR line (the `------` recap after them repeats them); with
 * the classic builder, the last lines.
 */
export function buildFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const err = lines.findIndex((l) => /^#\d+ ERROR:/.test(l));
  if (err < 0) return tail(output);
  const step = /^#\d+/.exec(lines[err]!)![0];
  const said = lines.slice(0, err).filter((l) => l.startsWith(`${step} `) && !/^#\d+ (?:sha256:|\[)/.test(l)).slice(-2);
  return [...said, lines[err]!].map((l) => l.replace(/^#\d+ (?:\d+\.\d+ )?/, '')).join(' | ');
}

/** head is the first lines of a log, for a failed check's reason, and its last line when it has more (where a traceback says what failed). */
function head(text: string, n = 3): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return (lines.length > n ? [...lines.slice(0, n - 1), '…', lines[lines.length - 1]!] : lines).join(' | ');
}

/**
 * keepAlive runs fn with a handle of its own open: fetch's handles do not always keep the process
 * alive (its timeouts are unref'd timers), and a run whose event loop drains while a request waits
 * ends (node's exit 13, an unsettled top-level await) in the middle of the table.
 */
export async function keepAlive<T>(fn: () => Promise<T>): Promise<T> {
  const alive = setInterval(() => undefined, 1000);
  try {
    return await fn();
  } finally {
    clearInterval(alive);
  }
}

/**
 * compressedSize is what a registry stores: each layer gzip'd at the default level (as `docker
 * push`), plus config and manifest, measured on the gzip'd image that a push with --registry sends
 * (registry-pull.ts: each layer is compressed once per run, shared by the variants and the push).
 */
async function compressedSize(gz: Image): Promise<number> {
  let total = (await gz.rawConfig()).length + (await gz.rawManifest()).length;
  for (const layer of await gz.layers()) total += await layer.size();
  return total;
}

const BUILDKIT_MISSING = /buildx component is missing|BuildKit is enabled but|unknown flag: --progress|docker-buildx/i;

export interface DockerEngineOptions {
  context: string;
  env?: NodeJS.ProcessEnv;
  /** how long a check may take before it fails (default 60 s). */
  checkTimeoutMs?: number;
  /** credentials and plain http for --registry's pushes and pulls. */
  registry?: RegistryAccess;
  /** the start of the temporary directory's name (default `whittle-variants-`); the CLI gives its tag prefix, so a run's leftovers are told from another's. */
  tmpPrefix?: string;
}

/** DockerEngine is the VariantEngine of the local Docker engine. */
export class DockerEngine implements VariantEngine {
  private readonly env: NodeJS.ProcessEnv;
  private readonly tags: string[] = [];
  private readonly intermediates: string[] = [];
  private readonly containers = new Set<string>();
  /** layers gzip'd at the default level, by diff_id: the compressed size of every variant and the pushes to --registry use them. */
  private readonly gzipFiles = new Map<string, Promise<WrittenLayer>>();
  /** images exported from the engine this run, by tag (see imageOf). */
  private readonly exported = new Map<string, Promise<Image>>();
  /** what load() measured of the images it wrote, by tag, until measure() asks. */
  private readonly madeHere = new Map<string, { analysis: Awaited<ReturnType<typeof analyzeImage>>; gz: Image }>();
  /** each measured tag's image made of those layers: what a push sends. */
  private readonly gzImages = new Map<string, Image>();
  /** docker builds and runs in flight: cleanup stops them before removing what they made. */
  private readonly running = new Set<ChildProcess>();
  private dir: string | null = null;
  private buildkit: boolean | null = null;
  private runs = 0;
  private cleaned = false;

  constructor(private readonly opts: DockerEngineOptions) {
    this.env = opts.env ?? process.env;
  }

  /** builder says which builder the builds used (null before the first build). */
  get builder(): 'buildkit' | 'classic' | null {
    return this.buildkit === null ? null : this.buildkit ? 'buildkit' : 'classic';
  }

  private async tmp(): Promise<string> {
    this.dir ??= await mkdtemp(path.join(tmpdir(), this.opts.tmpPrefix ?? 'whittle-variants-'));
    return this.dir;
  }

  async build(text: string, tag: string): Promise<Built> {
    const file = path.join(await this.tmp(), `Dockerfile.${tag.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    await writeFile(file, text);
    this.tags.push(tag);
    const started = performance.now();
    let r = await this.runBuild(file, tag, this.buildkit ?? true);
    if (this.buildkit === null) {
      this.buildkit = !(r.code !== 0 && BUILDKIT_MISSING.test(r.stderr));
      if (!this.buildkit) r = await this.runBuild(file, tag, false);
    }
    const seconds = (performance.now() - started) / 1000;
    if (r.code !== 0) throw new VariantFailure(buildFailure(`${r.stdout}\n${r.stderr}`));
    return { tag, buildSeconds: seconds };
  }

  private async runBuild(file: string, tag: string, buildkit: boolean): Promise<DockerRun> {
    const args = buildkit ? ['build', '--progress=plain', '-f', file, '-t', tag, this.opts.context] : ['build', '--rm', '--force-rm', '-f', file, '-t', tag, this.opts.context];
    const r = await docker(args, { ...this.env, DOCKER_BUILDKIT: buildkit ? '1' : '0' }, 0, this.running);
    if (!buildkit) this.collect(r.stdout);
    return r;
  }

  /** collect notes the images a classic build created (src/internal/docker-cli.ts). */
  private collect(output: string): void {
    this.intermediates.push(...createdImages(output));
  }

  /** the engine's image tag, exported once per run however many times it is read (measured, rewritten, pushed). */
  private imageOf(tag: string): Promise<Image> {
    return this.exported.get(tag) ?? this.opened(tag, `docker-daemon:${tag}`);
  }

  /** opened opens ref as tag's image for the run (forgotten if it fails, so a later read tries again). */
  private opened(tag: string, ref: string): Promise<Image> {
    const image = openImage(ref);
    image.catch(() => this.exported.delete(tag));
    this.exported.set(tag, image);
    return image;
  }

  /**
   * exportAll reads the images of tags out of the engine with one `docker save`, in which the layers
   * they share are written once (the Dockerfile variants of one app share most of theirs), into the
   * run's directory; each is then opened from that archive by its tag.
   */
  async exportAll(tags: string[]): Promise<void> {
    const file = path.join(await this.tmp(), 'built.tar');
    const r = await docker(['save', '-o', file, ...tags], this.env, 0, this.running);
    if (r.code !== 0) throw new VariantFailure(`exporting the built images: ${tail(r.stderr)}`);
    for (const tag of tags) void this.opened(tag, `docker-archive:${file}:${tag}`);
  }

  async rewrite(from: string, tag: string, rewrite: Rewrite): Promise<Built> {
    return this.load(tag, async (tmpDir) => rewrite(await this.imageOf(from), tmpDir));
  }

  async load(tag: string, produce: Produce): Promise<Built> {
    const started = performance.now();
    const result = await produce(await this.tmp());
    let buildSeconds: number;
    try {
      this.tags.push(tag);
      await writeImage(result.image, `docker-daemon:${tag}`);
      buildSeconds = (performance.now() - started) / 1000;
      // measured from the image whittle just wrote, before its files go: not exported back from the engine
      this.madeHere.set(tag, await this.inspectImage(result.image));
    } finally {
      await result.dispose();
    }
    return { tag, buildSeconds };
  }

  /** inspectImage analyzes image and gzips its layers into the run's directory (what measure reports, and what a push sends). */
  private async inspectImage(image: Image): Promise<{ analysis: Awaited<ReturnType<typeof analyzeImage>>; gz: Image }> {
    const analysis = await analyzeImage(image);
    return { analysis, gz: await this.gzipped(image) };
  }

  async push(tag: string, ref: string): Promise<Pushed> {
    // the gzip'd image measure() made is pushed as it is: no second export from the engine
    return keepAlive(async () => pushImage(this.gzImages.get(tag) ?? (await this.gzipped(await this.imageOf(tag))), ref, this.opts.registry));
  }

  /** gzipped is image with its layers gzip'd into the run's directory, each diff_id once (measure and push share them). */
  private async gzipped(image: Image): Promise<Image> {
    const dir = path.join(await this.tmp(), 'gzip');
    await mkdir(dir, { recursive: true });
    return gzipped(image, dir, this.gzipFiles);
  }

  async pull(ref: string): Promise<number> {
    return keepAlive(() => pullImage(ref, this.opts.registry));
  }

  async measure(tag: string): Promise<Measured> {
    const ins = await docker(['image', 'inspect', tag], this.env);
    if (ins.code !== 0) throw new VariantFailure(`inspecting ${tag}: ${tail(ins.stderr)}`);
    const j = (JSON.parse(ins.stdout) as { Size: number; RootFS?: { Layers?: string[] }; Config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; User?: string; Healthcheck?: { Test?: string[] } | null } }[])[0]!;
    const { analysis, gz } = this.madeHere.get(tag) ?? (await this.inspectImage(await this.imageOf(tag)));
    this.madeHere.delete(tag);
    this.gzImages.set(tag, gz);
    const c = j.Config ?? {};
    const hc = c.Healthcheck?.Test ?? null;
    return {
      uncompressed: j.Size,
      compressed: await compressedSize(gz),
      layers: j.RootFS?.Layers?.length ?? 0,
      files: analysis.sizes.fileCount,
      findings: analysis.findings.length,
      config: { entrypoint: c.Entrypoint ?? null, cmd: c.Cmd ?? null, user: c.User ?? '', healthcheck: hc && hc[0] !== 'NONE' ? hc : null },
    };
  }

  async check(tag: string, check: Check): Promise<CheckRun> {
    const name = `${tag.replace(/[^A-Za-z0-9_.-]/g, '-')}-run${++this.runs}`;
    this.containers.add(name);
    try {
      if (check.kind === 'cmd') return await this.checkCmd(name, tag, check.args);
      return await this.checkDetached(name, tag, check);
    } finally {
      await docker(['rm', '-f', name], this.env);
      this.containers.delete(name);
    }
  }

  private async checkCmd(name: string, tag: string, args: string[]): Promise<CheckRun> {
    const started = performance.now();
    const r = await docker(['run', '--rm', '--name', name, tag, ...args], this.env, this.opts.checkTimeoutMs ?? 60_000, this.running);
    const ms = performance.now() - started;
    const answer = `exit ${r.code}\n${r.stdout}`;
    return { ok: r.code === 0, answer, ms, detail: r.code === 0 ? '' : `exit ${r.code}: ${head(r.stderr || r.stdout)}` };
  }

  private async checkDetached(name: string, tag: string, check: Check): Promise<CheckRun> {
    return keepAlive(() => this.pollDetached(name, tag, check));
  }

  private async pollDetached(name: string, tag: string, check: Check): Promise<CheckRun> {
    const started = performance.now();
    const args = ['run', '-d', '--name', name, ...(check.kind === 'http' ? ['-p', `127.0.0.1::${check.port}`] : []), tag];
    const r = await docker(args, this.env, 60_000);
    if (r.code !== 0) return { ok: false, answer: '', ms: performance.now() - started, detail: `docker run: ${head(r.stderr)}` };
    const deadline = started + (this.opts.checkTimeoutMs ?? 60_000);
    let url: string | null = null;
    let last = '';
    while (performance.now() < deadline) {
      const state = await docker(['inspect', '--format', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', name], this.env);
      const [status, health] = state.stdout.trim().split(' ');
      if (status === 'exited' || status === 'dead') break;
      if (check.kind === 'healthcheck') {
        if (health === 'healthy') return { ok: true, answer: 'healthy', ms: performance.now() - started, detail: '' };
        if (health === 'unhealthy') break;
      } else if (check.kind === 'http') {
        if (url === null) {
          const p = await docker(['port', name, `${check.port}/tcp`], this.env);
          const hostPort = /:(\d+)\s*$/m.exec(p.stdout)?.[1];
          if (hostPort) url = `http://127.0.0.1:${hostPort}${check.path}`;
        }
        if (url !== null) {
          try {
            const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
            const body = await res.text();
            return { ok: res.status < 500, answer: `${res.status}\n${body}`, ms: performance.now() - started, detail: res.status < 500 ? '' : `HTTP ${res.status}` };
          } catch (err) {
            last = (err as Error).message;
          }
        }
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    const logs = await docker(['logs', '--tail', '20', name], this.env);
    const what = check.kind === 'healthcheck' ? 'the HEALTHCHECK did not report healthy' : `no HTTP answer (${last || 'no port'})`;
    return { ok: false, answer: '', ms: performance.now() - started, detail: `${what}; logs: ${head(logs.stderr + logs.stdout) || '(none)'}` };
  }

  /**
   * cleanupSync is cleanup for a signal (src/internal/cleanup.ts runs it before the process ends):
   * the builds and runs in flight are stopped, then what they made is removed, synchronously.
   */
  cleanupSync(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    for (const c of this.running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const run = (args: string[]) => spawnSync('docker', args, { env: this.env, stdio: 'ignore', timeout: 60_000 });
    if (this.containers.size > 0) run(['rm', '-f', ...this.containers]);
    if (this.tags.length > 0) run(['rmi', '-f', ...[...this.tags].reverse()]);
    if (this.intermediates.length > 0) run(['rmi', ...[...this.intermediates].reverse()]);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    // a build still running would tag its image after the removal: stop it and wait for it first
    const stopping = [...this.running].map((c) => new Promise<void>((res) => (c.exitCode !== null || c.signalCode !== null ? res() : (c.once('close', () => res()), c.kill('SIGTERM')))));
    await Promise.all(stopping);
    for (const c of this.containers) await docker(['rm', '-f', c], this.env);
    for (const t of [...this.tags].reverse()) await docker(['rmi', '-f', t], this.env);
    for (const id of [...this.intermediates].reverse()) await docker(['rmi', id], this.env);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
