// Per-file facts shared by all rules, computed once: stage graph (what ships), the shell in effect for
// each RUN, each RUN's commands, and ENV/ARG values visible at an instruction.
import type { DockerfileModel, Instruction, Stage } from '../dockerfile/model.js';
import { mountOptions, stageGraph } from '../dockerfile/stages.js';
import { runScript } from '../dockerfile/script.js';
import { analyzeShell, type ShellCommand, type ShellScript } from '../shell/commands.js';
import { expandVars } from './helpers.js';
import type { RunInfo, StageFacts } from './types.js';

const POSIX_SHELLS = /^(?:sh|bash|ash|dash|zsh|busybox|ksh|mksh)$/;
const WINDOWS_BASE = /(?:windows|nanoserver|servercore)/i;

function basename(p: string): string {
  return p.replace(/\\/g, '/').replace(/^.*\//, '');
}

export interface DockerfileAnalysis {
  runs: RunInfo[];
  stages: StageFacts[];
  targetFound: boolean;
  envAt(inst: Instruction, name: string): string | undefined;
  shellAt(inst: Instruction): ShellInEffect;
}

/** ShellInEffect is what SHELL set for RUNs at a point of a stage. */
export interface ShellInEffect {
  posix: boolean;
  /** SHELL runs the script with -e / -o errexit. */
  errexit: boolean;
  /** SHELL runs the script with -o pipefail. */
  pipefail: boolean;
}

/** shellOptions reads `-e`, `-eux`, `-o errexit`, `-o pipefail` from a SHELL argv (after the program). */
function shellOptions(argv: readonly string[]): { errexit: boolean; pipefail: boolean } {
  let errexit = false;
  let pipefail = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '--') {
      if (a === '-o') {
        const opt = argv[i + 1];
        if (opt === 'errexit') errexit = true;
        if (opt === 'pipefail') pipefail = true;
        i++;
      }
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(a)) {
      if (a.includes('e')) errexit = true;
      if (a.endsWith('o')) {
        const opt = argv[i + 1];
        if (opt === 'errexit') errexit = true;
        if (opt === 'pipefail') pipefail = true;
        i++;
      }
    }
  }
  return { errexit, pipefail };
}

/** stageShells gives, for each instruction index, the SHELL in effect; stages inherit it from the stage they are FROM. */
function stageShells(model: DockerfileModel): Map<number, ShellInEffect> {
  const out = new Map<number, ShellInEffect>();
  const endOfStage: ShellInEffect[] = [];
  const windows = (image: string): boolean => (WINDOWS_BASE.test(image) && model.escape === '`') || /mcr\.microsoft\.com\/windows/i.test(image);
  for (const stage of model.stages) {
    let current: ShellInEffect =
      stage.baseStage !== null ? (endOfStage[stage.baseStage] ?? { posix: true, errexit: false, pipefail: false }) : { posix: !windows(stage.image), errexit: false, pipefail: false };
    for (const inst of stage.instructions) {
      if (inst.keyword === 'SHELL' && inst.json && inst.json[0]) {
        const argv = inst.json.map((t) => t.value);
        const posix = POSIX_SHELLS.test(basename(argv[0]!).replace(/\.exe$/i, ''));
        current = { posix, ...(posix ? shellOptions(argv) : { errexit: false, pipefail: false }) };
      }
      out.set(inst.index, current);
    }
    endOfStage[stage.index] = current;
  }
  return out;
}

function execCommand(inst: Instruction): ShellCommand | null {
  const argv = inst.json ?? [];
  const first = argv[0];
  const last = argv[argv.length - 1];
  if (!first || !last) return null;
  return {
    order: 0,
    name: basename(first.value),
    words: argv.map((t) => ({ text: t.value, span: t.span, literal: true })),
    prefix: [],
    assignments: new Map(),
    span: { start: first.span.start, end: last.span.end },
    conditional: false,
    fallback: false,
    pipesTo: null,
    redirects: [],
    nested: false,
    subshell: false,
  };
}

function runShell(model: DockerfileModel, inst: Instruction): ShellScript | null {
  if (inst.json) {
    // ["sh", "-c", "script"]: the script string is shell.
    const [sh, c, body] = inst.json;
    if (sh && c && body && POSIX_SHELLS.test(basename(sh.value)) && /^-[a-z]*c[a-z]*$/.test(c.value)) {
      const base = body.span.start + 1;
      const end = body.span.end - 1;
      return analyzeShell(body.value, (i) => Math.min(base + i, end));
    }
    return null;
  }
  const src = runScript(model, inst);
  if (!src) return null;
  const last = src.map.length - 1;
  return analyzeShell(src.text, (i) => src.map[Math.min(i, last)]!);
}

export function analyzeDockerfile(model: DockerfileModel, target?: string): DockerfileAnalysis {
  const graph = stageGraph(model, target);
  const stages: StageFacts[] = model.stages.map((stage, i) => ({ stage, ships: graph.ships[i]!, used: graph.used[i]! }));
  const shellAtIndex = stageShells(model);
  const runs: RunInfo[] = [];
  const addRun = (inst: Instruction, stage: Stage | null): void => {
    const sh = shellAtIndex.get(inst.index) ?? { posix: true, errexit: false, pipefail: false };
    // SHELL only changes shell-form RUNs; exec form runs its argv (or its own `sh -c`) directly.
    const shell = inst.json || sh.posix ? runShell(model, inst) : null;
    let commands: ShellCommand[] = shell?.commands ?? [];
    if (!shell && inst.json) {
      const c = execCommand(inst);
      commands = c ? [c] : [];
    }
    const viaShell = shell !== null && !inst.json;
    runs.push({
      inst,
      stage,
      shell,
      commands,
      mounts: inst.flags.filter((f) => f.name === 'mount').map((f) => mountOptions(f.value)),
      foreignShell: !inst.json && !sh.posix,
      errexit: (shell?.errexit ?? false) || (viaShell && sh.errexit),
      pipefail: (shell?.pipefail ?? false) || (viaShell && sh.pipefail),
    });
  };
  for (const inst of model.instructions) {
    if (inst.keyword === 'RUN') addRun(inst, model.stages[inst.stage] ?? null);
  }

  // ARG defaults declared before the first FROM: an `ARG NAME` without a value inside a stage takes them.
  const globalDefaults = new Map<string, string>();
  for (const g of model.globalArgs) for (const p of g.properties) if (p.value !== null) globalDefaults.set(p.name, p.value);

  /**
   * lookup finds NAME as set by ENV or ARG in `stage` before instruction index `before`. ENV is
   * inherited by stages built FROM this one; ARG is not (BuildKit scopes ARG to its stage). Values
   * are expanded with what is visible where they are set ($HOME/go, ${BASE:-/opt}).
   */
  const lookup = (stage: Stage, before: number, name: string, envOnly: boolean, depth: number): string | undefined => {
    let hit: { value: string; at: number } | undefined;
    for (const i of stage.instructions) {
      if (i.index >= before) break;
      if (i.keyword !== 'ENV' && (envOnly || i.keyword !== 'ARG')) continue;
      for (const p of i.properties) {
        if (p.name !== name) continue;
        const value = p.value ?? (i.keyword === 'ARG' ? (globalDefaults.get(name) ?? '') : '');
        hit = { value, at: i.index };
      }
    }
    if (hit) {
      if (depth > 4 || !hit.value.includes('$')) return hit.value;
      const at = hit.at;
      return expandVars(hit.value, (n) => lookup(stage, at, n, envOnly, depth + 1));
    }
    if (stage.baseStage !== null) return lookup(model.stages[stage.baseStage]!, Number.MAX_SAFE_INTEGER, name, true, depth);
    return undefined;
  };
  const envAt = (inst: Instruction, name: string): string | undefined => {
    const stage = model.stages[inst.stage];
    return stage ? lookup(stage, inst.index, name, false, 0) : undefined;
  };

  const shellAt = (inst: Instruction): ShellInEffect => shellAtIndex.get(inst.index) ?? { posix: true, errexit: false, pipefail: false };
  return { runs, stages, targetFound: graph.targetFound, envAt, shellAt };
}
