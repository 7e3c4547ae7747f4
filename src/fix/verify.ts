// `whittle fix --verify`: proves the fixes by building. The original Dockerfile is built, then the
// fixed one once per fixing rule, applied cumulatively (the first rule's fixes, then the first two
// rules', …, the last build being the full result), all with the legacy builder (DOCKER_BUILDKIT=0)
// through the `docker` CLI, which sends the context exactly as `docker build` does (.dockerignore
// included). Each build's image size and layer count are read back, so every rule gets the bytes its
// fixes saved on top of the earlier ones; the runtime config (ENTRYPOINT, CMD, USER, WORKDIR, ENV,
// EXPOSE) of the original and the fully fixed image must agree. A shell-form CMD or ENTRYPOINT
// (`/bin/sh -c "app --flag"`) and its exec form (`["app", "--flag"]`) count as the same command when
// the command is plain words, which is what the exec-form fix produces. Every image (and every
// intermediate image) the builds create is removed afterwards; images that were there before (the
// base, cached layers) are never touched.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WhittleError } from '../errors.js';
import { registerTemporary, registerUndo, unregisterTemporary } from '../internal/cleanup.js';
import { createdImages, docker, engineProblem } from '../internal/docker-cli.js';
import { testPause } from '../internal/test-pause.js';
import { fixTextSync, type FixOptions, type FixResult } from './engine.js';
import { formatBytes } from '../analyze/units.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { counted } from '../internal/plural.js';

export interface VerifyStep {
  /** The rule whose fixes this step adds to the previous step's text. */
  rule: string;
  /** The Dockerfile with the fixes of this and all earlier steps. */
  text: string;
}

export interface VerifyOptions {
  /** Directory sent as the build context. */
  context: string;
  original: string;
  steps: readonly VerifyStep[];
  /** Progress lines (build steps are not echoed). */
  log?: (line: string) => void;
  /** Environment for the docker CLI (DOCKER_HOST…); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Runs a check against an image (by id) before it is removed, for example a request to the app;
   *  the original and the fixed image must give the same answer. */
  probe?: (imageId: string) => Promise<string>;
}

/**
 * verifySteps lists one step per rule that applied fixes, in the order the rules first applied: step
 * k holds the fixes of the first k rules (fixText with only those rules); the last step is the full
 * result itself.
 */
export function verifySteps(result: FixResult, options: FixOptions = {}): VerifyStep[] {
  const rules: string[] = [];
  for (const a of result.applied) if (!rules.includes(a.ruleId)) rules.push(a.ruleId);
  return rules.map((rule, k) => ({
    rule,
    text: k === rules.length - 1 ? result.output : fixTextSync(result.input, { ...options, only: rules.slice(0, k + 1) }).output,
  }));
}

/** RuntimeConfig is the part of an image config that changes how a container runs. */
export interface RuntimeConfig {
  entrypoint: string[] | null;
  cmd: string[] | null;
  user: string;
  workdir: string;
  env: string[];
  expose: string[];
}

export interface BuiltImage {
  id: string;
  /** Image size as the engine reports it (uncompressed bytes of all layers). */
  size: number;
  /** Filesystem layers (RootFS.Layers). */
  layers: number;
  config: RuntimeConfig;
}

export interface StepResult {
  rule: string;
  image: BuiltImage;
  /** Bytes this step saved compared with the step before (negative: it grew). */
  saved: number;
}

export interface VerifyReport {
  status: 'ok' | 'failed' | 'skipped';
  /** Why verification was skipped or failed. */
  reason: string | null;
  original: BuiltImage | null;
  steps: StepResult[];
  /** Runtime config fields that differ between the original and the fixed image. */
  configDiffs: string[];
  /** Differences a fix makes on purpose, reported and not failed: a PATH that only gains directories
   *  in front (the venv), USER and ENV that come with a new final base image (the Go split's
   *  distroless nonroot). The probe is what tells whether the app still works. */
  configNotes?: string[];
  /** The probe's answers, when a probe was given and both images were built. */
  probed?: { original: string; fixed: string };
}

const SIMPLE_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** isShellForm: `[shell, -c, script]` as shell-form CMD/ENTRYPOINT become (SHELL may change the shell). */
function isShellForm(argv: string[] | null): argv is [string, string, string] {
  return argv !== null && argv.length === 3 && /^(?:(?:\/usr)?\/bin\/)?(?:sh|bash|ash|dash)$/.test(argv[0]!) && argv[1] === '-c';
}

/** plain turns `/bin/sh -c "a b"` into [a, b] when the script is plain words; other forms stay. */
function plain(argv: string[] | null): string[] {
  if (!argv) return [];
  if (isShellForm(argv)) {
    const words = argv[2].trim().split(/\s+/);
    if (words.every((w) => SIMPLE_WORD.test(w))) return words;
  }
  return argv;
}

/** command is what a container runs by default: ENTRYPOINT, plus CMD unless ENTRYPOINT is shell form. */
export function effectiveCommand(c: RuntimeConfig): string[] {
  if (isShellForm(c.entrypoint)) return plain(c.entrypoint);
  return [...plain(c.entrypoint), ...plain(c.cmd)];
}

/**
 * pathPrepended returns the directories b's PATH puts in front of a's when that is the only
 * difference of their environments (a fix that moves packages into a virtual environment does this
 * on purpose: every command a's PATH found, b's finds too, unless the new directory has one of that
 * name, which the probe and the build check); null otherwise.
 */
export function pathPrepended(a: RuntimeConfig, b: RuntimeConfig): string | null {
  const path = (env: string[]) => env.find((e) => e.startsWith('PATH='))?.slice(5);
  const rest = (env: string[]) => JSON.stringify(env.filter((e) => !e.startsWith('PATH=')));
  const pa = path(a.env);
  const pb = path(b.env);
  if (pa === undefined || pb === undefined || rest(a.env) !== rest(b.env) || !pb.endsWith(`:${pa}`)) return null;
  const added = pb.slice(0, -pa.length - 1);
  return added.split(':').every((d) => d.startsWith('/')) ? added : null;
}

/** finalBase is the image the last stage of a Dockerfile starts from (a stage name resolved to its image). */
export function finalBase(text: string): string | null {
  let model;
  try {
    model = parseDockerfile(text);
  } catch {
    return null;
  }
  let stage = model.stages[model.stages.length - 1];
  for (let hops = 0; stage && stage.baseStage !== null && hops < model.stages.length; hops++) stage = model.stages[stage.baseStage];
  return stage?.image ?? null;
}

/** compareConfig lists the runtime differences between two images' configs ('' fields are equal). */
export function compareConfig(a: RuntimeConfig, b: RuntimeConfig): string[] {
  const out: string[] = [];
  const ea = effectiveCommand(a);
  const eb = effectiveCommand(b);
  if (JSON.stringify(ea) !== JSON.stringify(eb)) out.push(`ENTRYPOINT/CMD: ${JSON.stringify(ea)} → ${JSON.stringify(eb)}`);
  if (a.user !== b.user) out.push(`USER: ${JSON.stringify(a.user)} → ${JSON.stringify(b.user)}`);
  if (a.workdir !== b.workdir) out.push(`WORKDIR: ${JSON.stringify(a.workdir)} → ${JSON.stringify(b.workdir)}`);
  if (JSON.stringify(a.env) !== JSON.stringify(b.env) && pathPrepended(a, b) === null) out.push(`ENV: ${JSON.stringify(a.env)} → ${JSON.stringify(b.env)}`);
  if (JSON.stringify(a.expose) !== JSON.stringify(b.expose)) out.push(`EXPOSE: ${JSON.stringify(a.expose)} → ${JSON.stringify(b.expose)}`);
  return out;
}

interface InspectJson {
  Id: string;
  Size: number;
  RootFS?: { Layers?: string[] };
  Config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    User?: string;
    WorkingDir?: string;
    Env?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
  };
}

/** Builder builds images and remembers every image it created, to remove them all at the end. */
class Builder {
  private readonly tags: string[] = [];
  private readonly created: string[] = [];
  private readonly prefix = `whittle-verify-${process.pid}-${randomBytes(3).toString('hex')}`;

  /** on a signal, the images built so far (and the one being built) are removed before the process ends */
  private readonly forgetUndo: () => void;

  constructor(
    private readonly dir: string,
    private readonly context: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.forgetUndo = registerUndo(() => {
      const tags = [...this.tags, `${this.prefix}:${this.tags.length}`];
      spawnSync('docker', ['rmi', '-f', ...tags, ...this.created], { env: this.env, stdio: 'ignore', timeout: 30_000 });
    });
  }

  /** build builds text and returns the image, or throws with the builder's last output lines. */
  async build(text: string, name: string): Promise<BuiltImage> {
    const n = this.tags.length;
    const file = path.join(this.dir, `Dockerfile.${n}`);
    await writeFile(file, text);
    const tag = `${this.prefix}:${n}`;
    const r = await docker(['build', '--rm', '--force-rm', '-f', file, '-t', tag, this.context], { ...this.env, DOCKER_BUILDKIT: '0' });
    this.collect(r.stdout);
    if (r.code !== 0) {
      const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-4).join(' | ');
      throw new WhittleError('io', `building ${name}: ${tail}`);
    }
    this.tags.push(tag);
    const ins = await docker(['image', 'inspect', tag], this.env);
    if (ins.code !== 0) throw new WhittleError('io', `inspecting ${name}: ${ins.stderr.trim()}`);
    const j = (JSON.parse(ins.stdout) as InspectJson[])[0]!;
    const c = j.Config ?? {};
    return {
      id: j.Id,
      size: j.Size,
      layers: j.RootFS?.Layers?.length ?? 0,
      config: {
        entrypoint: c.Entrypoint ?? null,
        cmd: c.Cmd ?? null,
        user: c.User ?? '',
        workdir: c.WorkingDir ?? '',
        env: c.Env ?? [],
        expose: Object.keys(c.ExposedPorts ?? {}).sort(),
      },
    };
  }

  /** collect notes the images a classic build created (src/internal/docker-cli.ts). */
  private collect(output: string): void {
    this.created.push(...createdImages(output));
  }

  /** cleanup removes the tagged images, then whatever intermediate images of ours are left. */
  async cleanup(): Promise<void> {
    for (const tag of [...this.tags].reverse()) await docker(['rmi', tag], this.env);
    for (const id of [...this.created].reverse()) await docker(['rmi', id], this.env);
    this.forgetUndo();
  }
}

/**
 * verifyFixes builds the original and each cumulative step. Returns status 'skipped' when no engine
 * is reachable, 'failed' when a build fails, the runtime config differs, or the fixed image is
 * larger; throws only when the original itself does not build.
 */
export async function verifyFixes(opts: VerifyOptions): Promise<VerifyReport> {
  const env = opts.env ?? process.env;
  const problem = await engineProblem(env);
  if (problem !== null) return { status: 'skipped', reason: problem, original: null, steps: [], configDiffs: [] };
  const dir = await mkdtemp(path.join(tmpdir(), 'whittle-verify-'));
  registerTemporary(dir); // an interrupted run removes it (cleanup.ts)
  const builder = new Builder(dir, opts.context, env);
  const log = opts.log ?? (() => undefined);
  try {
    log('building the original Dockerfile');
    const original = await builder.build(opts.original, 'the original Dockerfile');
    await testPause('verify-built');
    const steps: StepResult[] = [];
    let prev = original;
    let prevText = opts.original;
    for (const s of opts.steps) {
      let image = prev;
      if (s.text !== prevText) {
        log(`building with the ${s.rule} fixes`);
        try {
          image = await builder.build(s.text, `the Dockerfile with the ${s.rule} fixes`);
        } catch (err) {
          return { status: 'failed', reason: (err as Error).message, original, steps, configDiffs: [] };
        }
      }
      steps.push({ rule: s.rule, image, saved: prev.size - image.size });
      prev = image;
      prevText = s.text;
    }
    // USER and ENV of a new final base image are what that fix changes on purpose, as is a PATH
    // that only gains directories in front: notes, not failures
    const newBase = finalBase(prevText);
    const baseChanged = newBase !== null && newBase !== finalBase(opts.original);
    const fromBase = (d: string): boolean => baseChanged && (d.startsWith('USER: ') || d.startsWith('ENV: '));
    const diffs = compareConfig(original.config, prev.config);
    const configDiffs = diffs.filter((d) => !fromBase(d));
    const prepended = pathPrepended(original.config, prev.config);
    const configNotes = [
      ...(prepended !== null ? [`PATH now starts with ${prepended}`] : []),
      ...diffs.filter(fromBase).map((d) => `with the new final base ${newBase}: ${d}`),
    ];
    let reason: string | null = null;
    if (configDiffs.length > 0) reason = `the runtime config changed: ${configDiffs.join('; ')}`;
    else if (prev.size > original.size) reason = `the fixed image is ${prev.size - original.size} bytes larger`;
    let probed: VerifyReport['probed'];
    if (opts.probe) {
      probed = { original: await opts.probe(original.id), fixed: await opts.probe(prev.id) };
      if (reason === null && probed.original !== probed.fixed) reason = `the probe answered ${JSON.stringify(probed.original)} for the original and ${JSON.stringify(probed.fixed)} for the fixed image`;
    }
    return { status: reason ? 'failed' : 'ok', reason, original, steps, configDiffs, ...(configNotes.length > 0 ? { configNotes } : {}), ...(probed ? { probed } : {}) };
  } finally {
    await builder.cleanup();
    await rm(dir, { recursive: true, force: true });
    unregisterTemporary(dir);
  }
}

/** formatReport renders a report as the lines `whittle fix --verify` prints on stderr. */
export function formatReport(r: VerifyReport): string[] {
  if (r.status === 'skipped') return [`verify: skipped: ${r.reason ?? 'no Docker engine'}`];
  const out: string[] = [];
  if (r.original) out.push(`verify: original: ${formatBytes(r.original.size)} (${r.original.size} bytes), ${counted(r.original.layers, 'layer', 'layers')}`);
  for (const s of r.steps) {
    out.push(`verify: + ${s.rule}: ${formatBytes(s.image.size)}, ${counted(s.image.layers, 'layer', 'layers')}, saved ${formatBytes(s.saved)} (${s.saved} bytes)`);
  }
  const last = r.steps[r.steps.length - 1]?.image;
  if (r.original && last) {
    const saved = r.original.size - last.size;
    const pct = r.original.size > 0 ? ((100 * saved) / r.original.size).toFixed(1) : '0.0';
    out.push(`verify: fixed: ${formatBytes(last.size)}, ${counted(last.layers, 'layer', 'layers')}; saved ${formatBytes(saved)} (${saved} bytes, ${pct}%), ${counted(r.original.layers - last.layers, 'fewer layer', 'fewer layers')}`);
  }
  for (const n of r.configNotes ?? []) out.push(`verify: note: ${n}`);
  if (r.status === 'ok') out.push(`verify: ok: ENTRYPOINT, CMD, USER, WORKDIR, ENV and EXPOSE are the same${r.configNotes ? ' but for the notes above' : ''}`);
  else out.push(`verify: failed: ${r.reason ?? 'unknown'}`);
  return out;
}
