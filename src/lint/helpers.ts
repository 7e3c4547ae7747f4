// Shared predicates over shell commands and instructions: options (long, short and bundled),
// positional arguments, package-manager verbs, deletions, cache mounts, image references.
import type { DockerfileModel, Instruction, Stage } from '../dockerfile/model.js';
import type { ShellCommand, Word } from '../shell/commands.js';
import type { RunInfo, StageFacts } from './types.js';
import { isPipInstall } from '../knowledge/package-managers.js';

/** hasOption: `--long`, `--long=value`, `-s`, or `s` inside a bundle like `-qsy`. */
export function hasOption(cmd: ShellCommand, longs: readonly string[], shorts = ''): boolean {
  for (let i = 1; i < cmd.words.length; i++) {
    const t = cmd.words[i]!.text;
    if (t === '--') break;
    if (t.startsWith('--')) {
      const name = t.slice(2).split('=')[0]!;
      if (longs.includes(name)) return true;
    } else if (t.startsWith('-') && shorts && t.length > 1 && /^-[A-Za-z]+$/.test(t)) {
      for (const ch of t.slice(1)) if (shorts.includes(ch)) return true;
    }
  }
  return false;
}

/** positionals lists non-option words after the program; options in withValue consume the next word. */
export function positionals(cmd: ShellCommand, withValue: readonly string[] = []): Word[] {
  const out: Word[] = [];
  let afterDashDash = false;
  for (let i = 1; i < cmd.words.length; i++) {
    const w = cmd.words[i]!;
    if (!afterDashDash && w.text === '--') {
      afterDashDash = true;
      continue;
    }
    if (!afterDashDash && w.text.startsWith('-') && w.text.length > 1) {
      if (withValue.includes(w.text)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

const APT = new Set(['apt-get', 'apt', 'aptitude']);
const APT_VALUE_OPTS = ['-o', '-c', '-t', '--option', '--config-file', '--target-release'];

/** aptVerb returns the apt-get subcommand (install, update, …) or null for other commands. */
export function aptVerb(cmd: ShellCommand): string | null {
  if (!APT.has(cmd.name)) return null;
  return positionals(cmd, APT_VALUE_OPTS)[0]?.text ?? null;
}

export function aptPackages(cmd: ShellCommand): Word[] {
  return positionals(cmd, APT_VALUE_OPTS).slice(1);
}

/** verb returns the first positional argument (the subcommand for apk, yum, dnf, npm, pip, go…). */
export function verb(cmd: ShellCommand, withValue: readonly string[] = []): string | null {
  return positionals(cmd, withValue)[0]?.text ?? null;
}

/** pipInstall: pip/pip3/pipX.Y install, or python -m pip install (src/knowledge/package-managers.ts). */
export const pipInstall: (cmd: ShellCommand) => boolean = isPipInstall;

/** globToRegExp converts a shell glob (`*`, `?`) into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}

function normalize(p: string): string {
  return p.replace(/^(?:~|\$HOME|\$\{HOME\})(?=\/|$)/, '/root').replace(/\/+$/, '').replace(/\/\.$/, '') || '/';
}

/** Lookup resolves ENV/ARG names for words with expansions ($DIR/*); undefined leaves them as written. */
export type Lookup = (name: string) => string | undefined;

function removesArg(arg: string, target: string): boolean {
  if (arg === target) return true;
  if (arg === `${target}/*` || arg === `${target}/**`) return true;
  if (target.startsWith(`${arg}/`)) return true;
  return arg.includes('*') && globToRegExp(arg).test(target);
}

/**
 * deletes tells whether `cmd` removes `path` (a file inside a directory counts): `rm` with the path,
 * a parent directory or a matching glob, or `find <parent> … -delete` / `-exec rm`. Words with
 * $VARIABLES are resolved through `lookup` (ENV/ARG values) when given.
 */
export function deletes(cmd: ShellCommand, path: string, lookup?: Lookup): boolean {
  if (cmd.fallback) return false;
  const target = normalize(path);
  const text = (w: Word): string => normalize(w.literal || !lookup ? w.text : expandVars(w.text, lookup));
  if (cmd.name === 'rm') return positionals(cmd).some((w) => removesArg(text(w), target));
  if (cmd.name === 'find') {
    const words = cmd.words.map((w) => w.text);
    const deleting = words.includes('-delete') || words.some((w, i) => w === '-exec' && /(?:^|\/)rm$/.test(words[i + 1] ?? ''));
    if (!deleting) return false;
    const roots = cmd.words.slice(1).filter((w) => !w.text.startsWith('-') && !w.text.startsWith('(') && !w.text.startsWith('!'));
    const root = roots[0];
    return root !== undefined && (target === text(root) || target.startsWith(`${text(root)}/`));
  }
  return false;
}

/** later returns commands after `cmd` in execution order that are not fallbacks (`|| …`). */
export function laterCommands(run: RunInfo, after: number): ShellCommand[] {
  return run.commands.filter((c) => c.order > after && !c.fallback);
}

/** cacheMount tells whether a RUN mounts a cache (or tmpfs) at or above one of the paths. */
export function cacheMount(run: RunInfo, paths: readonly string[]): boolean {
  for (const m of run.mounts) {
    const type = m.get('type');
    if (type !== 'cache' && type !== 'tmpfs') continue;
    const target = normalize(m.get('target') ?? m.get('dst') ?? m.get('destination') ?? '');
    if (!target) continue;
    for (const p of paths) {
      const n = normalize(p);
      if (n === target || n.startsWith(`${target}/`)) return true;
    }
  }
  return false;
}

/** stageChain lists a stage and the stages it is built FROM, the stage first and its root base last
 *  (a cycle, which the parser does not allow, would end the walk). */
export function stageChain(model: DockerfileModel, stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !out.includes(s); s = s.baseStage !== null ? model.stages[s.baseStage] : undefined) out.push(s);
  return out;
}

/** githubAction: the stage or one it is built FROM has a `com.github.actions.*` LABEL, so it is a GitHub
 *  Action: the runner runs it as root and mounts its workspace owned by root. */
export function githubAction(model: DockerfileModel, stage: Stage): boolean {
  return stageChain(model, stage).some((s) => s.instructions.some((i) => i.keyword === 'LABEL' && i.properties.some((p) => p.name.replace(/^["']|["']$/g, '').startsWith('com.github.actions.'))));
}

/**
 * homeAt is the home directory of the USER in effect at an instruction (the stage's last USER before
 * it, or one inherited from the stage it is FROM): /root for root or no USER, /home/<name> for a
 * named user, null for a numeric uid whose home is unknown.
 */
export function homeAt(model: DockerfileModel, inst: Instruction): string | null {
  let stage = model.stages[inst.stage];
  let before = inst.index;
  while (stage) {
    for (let i = stage.instructions.length - 1; i >= 0; i--) {
      const u = stage.instructions[i]!;
      if (u.index >= before || u.keyword !== 'USER') continue;
      const name = (u.args[0]?.value ?? '').split(':')[0]!;
      if (name === 'root' || name === '0') return '/root';
      if (/^\d+$/.test(name) || name.includes('$')) return null;
      return `/home/${name}`;
    }
    if (stage.baseStage === null) break;
    stage = model.stages[stage.baseStage];
    before = Number.MAX_SAFE_INTEGER;
  }
  return '/root';
}

/**
 * cacheMountHome: a cache (or tmpfs) mount covers `<home>/<rel>` for the user's home, /root, or any
 * target that ends with `/<rel>` (a user whose home whittle cannot know, such as a numeric uid).
 */
export function cacheMountHome(run: RunInfo, home: string | null, rel: string): boolean {
  const homes = new Set(['/root', home ?? '/root']);
  if (cacheMount(run, [...homes].map((h) => `${h}/${rel}`))) return true;
  return run.mounts.some((m) => {
    const type = m.get('type');
    const target = normalize(m.get('target') ?? m.get('dst') ?? m.get('destination') ?? '');
    return (type === 'cache' || type === 'tmpfs') && target.endsWith(`/${rel}`);
  });
}

/**
 * varFor is the value of variable `name` that command `cmd` sees: its own `NAME=… cmd` prefix, else
 * the last `export NAME=…` before it in the same RUN (outside subshells), else the ENV/ARG value
 * (`fromEnv`, usually ctx.envAt at the RUN).
 */
export function varFor(run: RunInfo, cmd: ShellCommand, name: string, fromEnv: string | undefined): string | undefined {
  const own = cmd.assignments.get(name);
  if (own !== undefined && cmd.name !== 'export') return own;
  let exported: string | undefined;
  for (const c of run.commands) {
    if (c.order >= cmd.order) break;
    if ((c.name === 'export' || c.name === 'declare') && !c.subshell && c.assignments.has(name)) exported = c.assignments.get(name);
  }
  return exported ?? fromEnv;
}

/** ships says whether findings about size apply (the stage is part of the image that ships). */
export function ships(stage: StageFacts | null | undefined): boolean {
  return stage ? stage.ships : true;
}

/** ImageRef splits `registry/repo/name:tag@digest`. */
export interface ImageRef {
  registry: string | null;
  path: string;
  /** Last path component: `node` for docker.io/library/node. */
  name: string;
  tag: string | null;
  digest: string | null;
  /** Docker Hub official image (no registry, or docker.io/library). */
  official: boolean;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry: string | null = null;
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) registry = parts.shift()!;
  const path = parts.join('/');
  const official = (registry === null || registry === 'docker.io' || registry === 'index.docker.io') && (parts.length === 1 || parts[0] === 'library');
  return { registry, path, name: parts[parts.length - 1] ?? '', tag, digest, official };
}

/** expandArgs substitutes $VAR / ${VAR} / ${VAR:-default} from a lookup; unknown stay as written. */
export function expandVars(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/\$\{(\w+)(?::?[-+]([^}]*))?\}|\$(\w+)/g, (m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const v = lookup((a ?? b)!);
    if (v !== undefined && v !== '') return v;
    if (def !== undefined && m.includes(':-')) return def;
    return v ?? m;
  });
}

/** normPath makes p absolute against workdir and removes `.`, `..`, doubled and trailing slashes. */
export function normPath(p: string, workdir: string): string {
  const abs = p.startsWith('/') ? p : `${workdir.replace(/\/+$/, '')}/${p}`;
  const parts: string[] = [];
  for (const seg of abs.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
