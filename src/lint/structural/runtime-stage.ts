// The runtime-stage rewrite: the app's final stage rebuilt on a distroless or an Alpine base
// (src/knowledge/runtime-bases.ts), the build stage(s) kept. It makes `whittle variants`'
// `distroless` and `alpine` rows; unlike the rules' suggestions it changes the base the app runs on,
// so it is a variant to measure and check, not a fix.
// - A Dockerfile whose final stage already copies its app from a build stage (`COPY --from`, as the
//   multi-stage rewrite makes) keeps that stage and swaps its base.
// - A single-stage Node or Python app whose RUNs only prepare files in its WORKDIR (the rules of
//   the Node split, src/lint/structural/split-stage.ts) gets a new final stage that copies the
//   WORKDIR (node_modules with it) from the old one, now the builder.
// The command is rewritten where the runtime names its interpreter differently (distroless nodejs:
// /nodejs/bin/node, not on PATH; `npm start` becomes `node FILE` when package.json's start script is
// that); a Python virtual environment is put on PYTHONPATH for distroless' own python.
// Declined, with the reason, where the stack does not allow it: a shell-form CMD, ENTRYPOINT or
// HEALTHCHECK, a RUN or SHELL in the runtime stage, or npm in the command (distroless has no shell
// and no npm); native code built for glibc (Alpine has musl); a Python version the runtime does not
// run; a command whittle cannot tie to a stack.
import { parseDockerfile } from '../../dockerfile/parse.js';
import type { DockerfileModel, Instruction, Stage } from '../../dockerfile/model.js';
import { resolveStageRef } from '../../dockerfile/stages.js';
import { analyzeDockerfile } from '../analysis.js';
import { initShellParser } from '../../shell/parser.js';
import type { Edit, RunInfo } from '../types.js';
import type { DockerfileAnalysis } from '../analysis.js';
import { aptPackages, aptVerb, normPath, parseImageRef, positionals } from '../helpers.js';
import { isCBuildPackage } from '../../knowledge/toolchains.js';
import { nodeVersionOfTag, pythonVersionOfTag, runtimeBase, type RuntimeBase, type RuntimeFlavour, type RuntimeStack } from '../../knowledge/runtime-bases.js';
import { builderOf, insertAfter, prepOnly, splittable, under, verbatim, workdirAt } from './split-stage.js';
import { nodeBuildPackage, nodeProgram } from './multi-stage-node.js';

export interface RuntimeStageInput {
  /** the Dockerfile to start from (the multi-stage variant's where there is one). */
  text: string;
  flavour: RuntimeFlavour;
  /** the context's package.json: its text, null when absent, undefined when unknown. */
  packageJson?: string | null;
  /** a native addon found in the context's node_modules (package name), or null. */
  nativeAddon?: string | null;
}

export type RuntimeStageResult = { text: string; base: string } | { declined: string };

const PYTHON = /^python(?:\d(?:\.\d+)?)?$/;
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const json = (argv: readonly string[]) => JSON.stringify(argv);
const show = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

interface GoBuild {
  stage: Stage;
  /** the binary, absolute. */
  out: string;
  /** built with CGO_ENABLED=0: a static binary. */
  static: boolean;
}

function goBuildOf(model: DockerfileModel, analysis: DockerfileAnalysis): GoBuild | null {
  for (const run of analysis.runs) {
    const stage = run.stage;
    if (!stage) continue;
    for (const c of run.commands) {
      if (c.name !== 'go' || c.words[1]?.text !== 'build') continue;
      const o = c.words.findIndex((w) => w.text === '-o');
      const out = o > 0 ? c.words[o + 1] : undefined;
      if (!out?.literal) continue;
      const envCgo = stage.instructions.filter((i) => i.keyword === 'ENV' && i.index < run.inst.index).flatMap((i) => i.properties).filter((p) => p.name === 'CGO_ENABLED').pop()?.value;
      const cgo = c.assignments.get('CGO_ENABLED') ?? envCgo;
      return { stage: model.stages[stage.index]!, out: normPath(out.text, workdirAt(stage, run.inst)), static: cgo === '0' };
    }
  }
  return null;
}

/** The command the final stage runs: exec-form argv (ENTRYPOINT then CMD), or the shell-form instruction. */
interface Command {
  entrypoint: Instruction | null;
  cmd: Instruction | null;
  argv: string[];
  shell: Instruction | null;
}

function commandOf(stage: Stage): Command {
  const last = (k: string) => stage.instructions.filter((i) => i.keyword === k).pop() ?? null;
  const entrypoint = last('ENTRYPOINT');
  const cmd = last('CMD');
  const shell = [entrypoint, cmd].find((i) => i !== null && i.json === null) ?? null;
  const argv = [...(entrypoint?.json?.map((t) => t.value) ?? []), ...(cmd?.json?.map((t) => t.value) ?? [])];
  return { entrypoint, cmd, argv, shell };
}

/** nativeBuild names what compiles native code in the Dockerfile (a C toolchain package, node-gyp, cgo), or null. */
function nativeBuild(analysis: DockerfileAnalysis): string | null {
  for (const run of analysis.runs) {
    for (const c of run.commands) {
      const pkgs = aptVerb(c) === 'install' ? aptPackages(c) : c.name === 'apk' && positionals(c)[0]?.text === 'add' ? positionals(c).slice(1) : [];
      const cc = pkgs.find((w) => isCBuildPackage(w.text.replace(/[=:].*$/, '')));
      if (cc) return `the build installs ${cc.text}`;
      if (c.name === 'node-gyp' || (c.name === 'npm' && positionals(c)[0]?.text === 'rebuild')) return `the build runs ${c.name === 'npm' ? 'npm rebuild' : 'node-gyp'}`;
    }
  }
  return null;
}

/** npmStart turns `npm start` into `node FILE …` from package.json's start script; a string is why not. */
function npmStart(argv: readonly string[], packageJson: string | null | undefined): string[] | string {
  const script = argv[1] === 'start' && argv.length === 2 ? 'start' : argv[1] === 'run' && argv.length === 3 ? argv[2]! : null;
  if (script === null) return `the command runs \`${argv.join(' ')}\`; distroless has no npm`;
  if (typeof packageJson !== 'string') return `the command runs \`npm ${script === 'start' ? 'start' : `run ${script}`}\`; distroless has no npm, and whittle cannot read package.json for the script it runs`;
  let body: unknown;
  try {
    body = (JSON.parse(packageJson) as { scripts?: Record<string, unknown> }).scripts?.[script];
  } catch {
    body = undefined;
  }
  const words = typeof body === 'string' ? body.trim().split(/\s+/) : [];
  if (words[0] !== 'node' || words.length < 2 || words.some((w) => /[^\w@%+=:,./-]/.test(w))) {
    return `the command runs \`npm ${script === 'start' ? 'start' : `run ${script}`}\`; distroless has no npm, and package.json's ${script} script is not \`node FILE\`${typeof body === 'string' ? ` (${show(body)})` : ''}`;
  }
  return words;
}

/** stackOf ties the command to a stack, or says why whittle cannot. */
function stackOf(command: Command, go: GoBuild | null): RuntimeStack | { declined: string } {
  const first = command.argv[0] ?? command.shell?.args[0]?.value ?? '';
  const name = basename(first);
  if (name === 'node' || name === 'nodejs' || name === 'npm') return 'node';
  if (PYTHON.test(name)) return 'python';
  if (go && (first === go.out || (name === basename(go.out) && /^\/(?:usr\/(?:local\/)?)?s?bin\/[^/]+$/.test(go.out)))) return go.static ? 'static' : 'dynamic';
  if (first === '') return { declined: 'the final stage names no CMD or ENTRYPOINT of its own' };
  return { declined: `whittle makes runtime stages for Node, Python and Go apps, and cannot tell what \`${show(first)}\` needs` };
}

/** versionOf reads the Node major or Python minor of the first official node or python image the file builds on. */
function versionOf(model: DockerfileModel, stack: RuntimeStack): string | null {
  const want = stack === 'node' ? 'node' : stack === 'python' ? 'python' : null;
  if (!want) return null;
  for (const s of [...model.stages].reverse()) {
    const ref = parseImageRef(s.image);
    if (s.baseStage === null && ref.official && ref.name === want) return want === 'node' ? nodeVersionOfTag(ref.tag) : pythonVersionOfTag(ref.tag);
  }
  return null;
}

/** newCommand is the command lines for the runtime: the interpreter by its path there, or null to keep the file's. */
function newCommand(command: Command, base: RuntimeBase, flavour: RuntimeFlavour, packageJson: string | null | undefined): string[] | null | string {
  if (flavour !== 'distroless' || base.interpreter === null) return null;
  let argv = command.argv;
  if (basename(argv[0]!) === 'npm') {
    const started = npmStart(argv, packageJson);
    if (typeof started === 'string') return started;
    argv = started;
  }
  const rest = argv.slice(1);
  const entry = command.entrypoint?.json?.map((t) => t.value) ?? [];
  // ENTRYPOINT the interpreter (as distroless' own images do) and CMD the rest, so `docker run IMAGE ARGS` still runs the app's files
  if (entry.length > 1) return [`ENTRYPOINT ${json([base.interpreter, ...entry.slice(1)])}`, ...(command.cmd ? [`CMD ${json(command.cmd.json!.map((t) => t.value))}`] : [])];
  return [`ENTRYPOINT ${json([base.interpreter])}`, `CMD ${json(rest)}`];
}

/** healthcheckLine is the HEALTHCHECK for a distroless runtime (its interpreter by path), or the reason it cannot run there. */
function healthcheckLine(text: string, hc: Instruction, base: RuntimeBase, flavour: RuntimeFlavour, app: string | null): string | { declined: string } {
  const own = verbatim(text, hc);
  if (flavour !== 'distroless' || /^\s*HEALTHCHECK\s+NONE\b/i.test(own)) return own;
  const exec = /\bCMD\s+(\[[^]*\])\s*$/i.exec(own)?.[1];
  let argv: string[] | null = null;
  try {
    const parsed: unknown = exec === undefined ? null : JSON.parse(exec);
    if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) argv = parsed as string[];
  } catch {
    argv = null;
  }
  if (argv === null) return { declined: `the HEALTHCHECK is in shell form (${show(own.replace(/\s+/g, ' '))}): distroless has no shell to run it; write it in exec form` };
  const name = basename(argv[0] ?? '');
  if ((name === 'node' || PYTHON.test(name)) && base.interpreter) {
    const at = own.lastIndexOf('[');
    return `${own.slice(0, at)}${json([base.interpreter, ...argv.slice(1)])}`;
  }
  if (app !== null && argv[0] === app) return own;
  return { declined: `the HEALTHCHECK runs ${name || 'a program'}, which distroless does not have` };
}

/** copiesFromStage: a COPY --from that names an earlier stage. */
function copiesFromStage(model: DockerfileModel, inst: Instruction, stage: Stage): boolean {
  const from = inst.keyword === 'COPY' ? inst.flags.find((f) => f.name === 'from')?.value : undefined;
  return from !== undefined && from !== null && resolveStageRef(model, from, stage.index) !== null;
}

function removeLine(text: string, inst: Instruction): Edit {
  const tail = text.slice(inst.span.end).match(/^[^\n]*\n?/)?.[0] ?? '';
  return { range: [inst.span.start, inst.span.end + tail.length], text: '' };
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, e.range[0]) + e.text + out.slice(e.range[1]);
  return out;
}

/** runtimeStage rebuilds the app's final stage on a distroless or Alpine base, or says why it does not. */
export async function runtimeStage(input: RuntimeStageInput): Promise<RuntimeStageResult> {
  await initShellParser();
  const { text, flavour } = input;
  const model = parseDockerfile(text);
  const analysis = analyzeDockerfile(model);
  const final = model.stages[model.stages.length - 1];
  if (!final) return { declined: 'the Dockerfile has no FROM' };
  if (final.baseStage !== null || !final.imageSpan || final.image.includes('$')) return { declined: `the final stage is FROM ${final.image}, not an image whittle can replace` };
  const ref = parseImageRef(final.image);
  if (flavour === 'distroless' && /(?:^|\/)distroless\//.test(ref.path)) return { declined: `the final stage already runs on a distroless base (${final.image})` };
  if (flavour === 'alpine' && (ref.name === 'alpine' || /(?:^|-)alpine/.test(ref.tag ?? ''))) return { declined: `the final stage already runs on Alpine (${final.image})` };
  const command = commandOf(final);
  const go = goBuildOf(model, analysis);
  const stack = stackOf(command, go);
  if (typeof stack !== 'string') return stack;
  if (flavour === 'distroless' && command.shell) return { declined: `the ${command.shell.keyword} is in shell form (${show(verbatim(text, command.shell).replace(/\s+/g, ' '))}): distroless has no shell to run it; write it in exec form` };
  if (flavour === 'alpine' && stack !== 'static') {
    const native = nativeBuild(analysis) ?? (input.nativeAddon ? `node_modules holds ${input.nativeAddon}'s native addon` : null);
    if (native) return { declined: `musl breaks native modules: ${native}, built for glibc; on Alpine it must be rebuilt in an Alpine build stage` };
  }
  const base = runtimeBase(flavour, stack, versionOf(model, stack));
  if (typeof base === 'string') return { declined: base };
  const cmdLines = newCommand(command, base, flavour, input.packageJson);
  if (typeof cmdLines === 'string') return { declined: cmdLines };
  const app = stack === 'static' || stack === 'dynamic' ? go!.out : null;

  const runtimeInsts = final.instructions.slice(1);
  if (runtimeInsts.some((i) => copiesFromStage(model, i, final))) {
    // the final stage is already a runtime stage: swap its base, keep what it copies
    for (const i of runtimeInsts) {
      if (i.keyword === 'RUN') {
        return { declined: flavour === 'distroless' ? `the runtime stage runs \`${show(verbatim(text, i).replace(/\s+/g, ' '))}\`: distroless has no shell` : `the runtime stage runs \`${show(verbatim(text, i).replace(/\s+/g, ' '))}\`, written for ${final.image}; whittle does not port commands to Alpine` };
      }
      if (flavour === 'distroless' && (i.keyword === 'SHELL' || i.keyword === 'ONBUILD')) return { declined: `the runtime stage has a ${i.keyword}: distroless has no shell` };
    }
    const edits: Edit[] = [{ range: [final.imageSpan.start, final.imageSpan.end], text: base.image }];
    for (const i of runtimeInsts) {
      if (i.keyword === 'HEALTHCHECK') {
        const line = healthcheckLine(text, i, base, flavour, app);
        if (typeof line !== 'string') return line;
        if (line !== verbatim(text, i)) edits.push({ range: [i.span.start, i.span.end], text: line });
      }
      if (cmdLines && (i === command.cmd || i === command.entrypoint || i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) edits.push(removeLine(text, i));
      // the venv's python is a link to the build image's interpreter, which distroless does not have: its packages go on PYTHONPATH
      // instead, and the interpreter is named by its path (a PATH set with other variables is left: it then names a dead link first)
      if (stack === 'python' && flavour === 'distroless' && i.keyword === 'ENV' && i.properties.length === 1 && i.properties[0]!.name === 'PATH' && /\/opt\/venv\/bin/.test(i.properties[0]!.value ?? '')) edits.push(removeLine(text, i));
    }
    const venv = stack === 'python' && runtimeInsts.some((i) => i.keyword === 'COPY' && i.args.some((a) => a.value === '/opt/venv'));
    if (stack === 'python' && flavour === 'distroless' && !venv && runtimeInsts.some((i) => copiesFromStage(model, i, final))) {
      // packages copied anywhere else would be the build image's Python's, not on the runtime's path
      const copied = runtimeInsts.filter((i) => copiesFromStage(model, i, final)).map((i) => i.args[0]?.value ?? '');
      if (copied.some((p) => /site-packages|dist-packages|\/usr\/local\/lib\/python/.test(p))) return { declined: 'the runtime stage copies the build image\'s Python packages, which distroless\' python does not read' };
    }
    const tail = [...(venv && flavour === 'distroless' ? [`ENV PYTHONPATH=/opt/venv/lib/python${base.pythonVersion}/site-packages`] : []), ...(cmdLines ?? [])];
    if (tail.length > 0) edits.push(insertAfter(text, final.instructions[final.instructions.length - 1]!, tail));
    return { text: applyEdits(text, edits), base: base.image };
  }

  if (stack === 'static' || stack === 'dynamic') return { declined: 'the Go build is not split into a build stage (the multi-stage rewrite declined it): whittle takes the runtime binary from one' };
  // a single-stage app: the stage becomes the builder, the new runtime stage copies its WORKDIR
  const workdirs = runtimeInsts.filter((i) => i.keyword === 'WORKDIR');
  const lastWorkdir = workdirs[workdirs.length - 1];
  if (!lastWorkdir?.args[0] || workdirs.some((w) => w.args[0]?.value.includes('$'))) return { declined: 'the app has no WORKDIR to copy into the runtime stage' };
  const dir = normPath(lastWorkdir.args[0].value, workdirAt(final, lastWorkdir));
  if (dir === '/') return { declined: 'the app lives in / (WORKDIR /): whittle copies one app directory into the runtime stage' };
  if (!splittable(runtimeInsts, [])) return { declined: 'the stage has a USER, SHELL, ONBUILD or VOLUME: the runtime stage would differ in ownership, shell or volumes' };
  for (const i of runtimeInsts) {
    if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
    if (i.flags.some((f) => f.name === 'chown' || f.name === 'chmod') || i.json !== null || i.heredocs.length > 0 || i.args.length < 2) return { declined: `\`${show(verbatim(text, i))}\` sets ownership or is not a plain copy: the runtime stage would differ` };
    const dest = i.args[i.args.length - 1]!.value;
    if (dest.includes('$') || !under(normPath(dest, workdirAt(final, i)), dir)) return { declined: `\`${show(verbatim(text, i))}\` puts files outside ${dir}, which the runtime stage would not have` };
  }
  const policy = { dir, buildPackage: nodeBuildPackage, program: stack === 'node' ? nodeProgram : () => undefined };
  for (const i of runtimeInsts) {
    if (i.keyword !== 'RUN') continue;
    const run = analysis.runs.find((r: RunInfo) => r.inst === i);
    if (!run || !prepOnly(run, workdirAt(final, i), policy)) return { declined: `\`${show(verbatim(text, i).replace(/\s+/g, ' '))}\` changes files outside ${dir} (or runs what whittle cannot follow), which the runtime stage would not have` };
  }
  const builder = builderOf(model, final);
  if (!builder) return { declined: 'the final stage cannot be named as a build stage' };
  const lines = [`FROM ${base.image}`, ...runtimeInsts.filter((i) => ['ARG', 'ENV', 'LABEL', 'EXPOSE', 'STOPSIGNAL'].includes(i.keyword)).map((i) => verbatim(text, i)), `WORKDIR ${dir}`, `COPY --from=${builder.name} ${dir} ${dir}`];
  for (const hc of runtimeInsts.filter((i) => i.keyword === 'HEALTHCHECK')) {
    const line = healthcheckLine(text, hc, base, flavour, app);
    if (typeof line !== 'string') return line;
    lines.push(line);
  }
  lines.push(...(cmdLines ?? [command.entrypoint, command.cmd].filter((i): i is Instruction => i !== null).map((i) => verbatim(text, i))));
  return { text: applyEdits(text, [...(builder.edit ? [builder.edit] : []), insertAfter(text, final.instructions[final.instructions.length - 1]!, lines)]), base: base.image };
}
