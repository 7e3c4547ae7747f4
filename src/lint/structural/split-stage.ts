// What the multi-stage fixes (Go, Node, Python) share: naming the builder stage, inserting the new
// runtime stage after an instruction with the file's own line ending, replaying instructions
// verbatim, and deciding whether a RUN only prepares the build (installs a toolchain, cleans caches,
// touches files under one directory), so that leaving it in the builder loses nothing the app needs.
import type { DockerfileModel, Instruction, Stage } from '../../dockerfile/model.js';
import type { Edit, RunInfo } from '../types.js';
import { runAt, type Facts } from '../fix-helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import { aptPackages, aptVerb, normPath, positionals } from '../helpers.js';
import { PACKAGE_CACHES } from '../../knowledge/package-managers.js';

export interface SplitTarget {
  facts: Facts;
  /** the stage to split: the file's last, FROM an image named outright (not a stage, not an ARG). */
  stage: Stage & { imageSpan: NonNullable<Stage['imageSpan']> };
  /** the RUN the diagnostic points into. */
  flagged: RunInfo;
}

/** splitTarget finds the stage a diagnostic at offset asks to split, or null when it is not one that can be. */
export function splitTarget(facts: Facts, offset: number): SplitTarget | null {
  const flagged = runAt(facts, offset);
  const stage = flagged && facts.model.stages[flagged.inst.stage];
  if (!flagged || !stage || stage.index !== facts.model.stages.length - 1 || stage.baseStage !== null || !stage.imageSpan || stage.image.includes('$')) return null;
  return { facts, stage: stage as SplitTarget['stage'], flagged };
}

/** fromLine is the FROM of a new stage on the same image as stage, with its flags (`--platform`). */
export function fromLine(text: string, stage: SplitTarget['stage']): string {
  return ['FROM', ...stage.from.flags.map((f) => text.slice(f.span.start, f.span.end)), text.slice(stage.imageSpan.start, stage.imageSpan.end)].join(' ');
}

/**
 * splittable tells whether a stage can be cut between `build` and `after`: nothing before the cut
 * may change who owns the files or keep them in a volume (USER, VOLUME), and no SHELL or ONBUILD may
 * sit on either side (the new stage would run or pass on something else).
 */
export function splittable(build: readonly Instruction[], after: readonly Instruction[]): boolean {
  return !build.some((i) => ['USER', 'SHELL', 'ONBUILD', 'VOLUME'].includes(i.keyword)) && !after.some((i) => i.keyword === 'SHELL' || i.keyword === 'ONBUILD');
}

export interface Builder {
  name: string;
  /** The ` AS name` edit when the stage had no name. */
  edit: Edit | null;
}

/** builderOf names the stage that becomes the builder: its own name, else `build` (or `build-N` if taken). */
export function builderOf(model: DockerfileModel, stage: Stage): Builder | null {
  if (!stage.imageSpan) return null;
  if (stage.name !== null) return { name: stage.name, edit: null };
  const taken = new Set(model.stages.map((s) => s.name));
  let name = 'build';
  for (let n = 2; taken.has(name); n++) name = `build-${n}`;
  return { name, edit: { range: [stage.imageSpan.end, stage.imageSpan.end], text: ` AS ${name}` } };
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** insertAfter adds whole lines after the line an instruction ends on. */
export function insertAfter(text: string, inst: Instruction, lines: readonly string[]): Edit {
  const eol = eolOf(text);
  const tail = text.slice(inst.span.end).match(/^[^\n]*\n?/)?.[0] ?? '';
  const at = inst.span.end + tail.length;
  return { range: [at, at], text: `${tail.endsWith('\n') ? '' : eol}${lines.map((l) => `${l}${eol}`).join('')}` };
}

/** verbatim is an instruction's own text (continuations, quoting and comments inside it kept). */
export function verbatim(text: string, inst: Instruction): string {
  return text.slice(inst.span.start, inst.span.end);
}

/** under tells whether the absolute path p is dir or inside it. */
export function under(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(`${dir}/`);
}

/** Package caches a build step may remove anywhere: they are not in the runtime stage either way. */
/** Where a RUN may remove files without changing what the app needs: every package cache of
 *  src/knowledge, and the broad places they live under. */
const CACHE_DIRS = [...new Set([...PACKAGE_CACHES.flatMap((c) => c.dirs), '/var/cache', '/tmp', '/root/.cache', '/usr/local/share/.cache'])];

/** Programs that only print or test; their words are not paths. */
const QUIET_TOOLS = new Set(['echo', 'printf', 'test', '[', 'true', 'set', 'ls', 'cat']);
/** Programs that change the files they are given as arguments. */
const FILE_TOOLS = new Set(['rm', 'mkdir', 'cp', 'mv', 'touch', 'ln', 'chmod']);

export interface PrepPolicy {
  /** Every path a command changes must be under this directory (caches excepted). */
  dir: string;
  /** Packages the runtime stage may lose. */
  buildPackage: (name: string) => boolean;
  /** Other programs allowed, judged by the caller (npm, pip, …); undefined = not the caller's. */
  program: (c: ShellCommand) => boolean | undefined;
}

function packageStep(c: ShellCommand, policy: PrepPolicy): boolean | undefined {
  const apt = aptVerb(c);
  if (apt !== null) {
    if (apt === 'install') return aptPackages(c).every((w) => w.literal && policy.buildPackage(w.text.replace(/[=:].*$/, '')));
    return ['update', 'clean', 'autoclean', 'autoremove', 'purge', 'remove'].includes(apt);
  }
  if (c.name === 'apk') {
    const p = positionals(c, ['-t', '--virtual', '-X', '--repository']);
    const v = p[0]?.text;
    if (v === 'add') return p.slice(1).every((w) => w.literal && policy.buildPackage(w.text.replace(/[=<>~].*$/, '')));
    return v === 'del' || v === 'update' || v === 'cache';
  }
  return undefined;
}

/**
 * prepOnly tells whether every command of a RUN (run in directory cwd) only prepares the build as
 * the policy allows: installs of build-only packages, the caller's programs, and file tools that
 * change nothing outside policy.dir but package caches.
 */
export function prepOnly(run: RunInfo, cwd: string, policy: PrepPolicy): boolean {
  if (!run.shell || run.shell.hasErrors || run.foreignShell || run.inst.json !== null || run.inst.heredocs.length > 0) return false;
  if (run.inst.flags.some((f) => f.name !== 'mount')) return false;
  const kept = (p: string, rm: boolean): boolean => {
    const abs = normPath(p.replace(/\/?\*$/, ''), cwd);
    return under(abs, policy.dir) || (rm && CACHE_DIRS.some((d) => under(abs, d)));
  };
  for (const c of run.commands) {
    if (c.prefix.length > 0 || c.nested) return false;
    for (const r of c.redirects) if (r.operator.includes('>') && r.target !== '/dev/null' && !kept(r.target, false)) return false;
    const pkg = packageStep(c, policy);
    if (pkg !== undefined) {
      if (!pkg) return false;
      continue;
    }
    const own = policy.program(c);
    if (own !== undefined) {
      if (!own) return false;
      continue;
    }
    if (c.name === 'cd') {
      const to = c.words[1];
      if (!to || !to.literal || c.subshell) return false;
      cwd = normPath(to.text, cwd);
      continue;
    }
    if (QUIET_TOOLS.has(c.name)) continue;
    if (!FILE_TOOLS.has(c.name)) return false;
    for (const w of c.words.slice(1)) {
      if (!w.literal) return false;
      if (w.text.startsWith('-') || (c.name === 'chmod' && w === c.words[1])) continue;
      if (!kept(w.text, c.name === 'rm')) return false;
    }
  }
  return true;
}

/** workdirAt is the working directory an instruction of the stage runs in ('/' before any WORKDIR). */
export function workdirAt(stage: Stage, inst: Instruction): string {
  let wd = '/';
  for (const i of stage.instructions) {
    if (i === inst) break;
    if (i.keyword === 'WORKDIR') wd = normPath(i.args[0]?.value ?? '/', wd);
  }
  return wd;
}

