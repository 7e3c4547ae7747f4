// Per-file facts shared by all rules, computed once: stage graph (what ships), the shell in effect for
// each RUN, each RUN's commands, and ENV/ARG values visible at an instruction.
import type { DockerfileModel, Instruction, Stage } from '../dockerfile/model.js';
import { mountOptions, stageGraph } from '../dockerfile/stages.js';
import { runScript } from '../dockerfile/script.js';
import { analyzeShell, type ShellCommand, type ShellScript } from '../shell/commands.js';
import type { RunInfo, StageFacts } from './types.js';

const POSIX_SHELLS = /^(?:sh|bash|ash|dash|zsh|busybox|ksh|mksh)$/;
const WINDOWS_BASE = /(?:windows|nanoserver|servercore)/i;

function basename(p: string): string {
  return p.replace(/\\/g, '/').replace(/^.*\//, '');
}

export interface Analysis {
  runs: RunInfo[];
  stages: StageFacts[];
  targetFound: boolean;
  envAt(inst: Instruction, name: string): string | undefined;
}

/** shellIsPosix tells whether RUNs at this point of a stage use a POSIX shell. */
function stageShells(model: DockerfileModel): Map<number, boolean> {
  // For each instruction index: is the shell POSIX? Stages inherit the shell of the stage they are FROM.
  const out = new Map<number, boolean>();
  const endOfStage: boolean[] = [];
  for (const stage of model.stages) {
    let posix =
      stage.baseStage !== null ? (endOfStage[stage.baseStage] ?? true) : !(WINDOWS_BASE.test(stage.image) && model.escape === '`') && !/mcr\.microsoft\.com\/windows/i.test(stage.image);
    for (const inst of stage.instructions) {
      if (inst.keyword === 'SHELL' && inst.json && inst.json[0]) {
        posix = POSIX_SHELLS.test(basename(inst.json[0].value).replace(/\.exe$/i, ''));
      }
      out.set(inst.index, posix);
    }
    endOfStage[stage.index] = posix;
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

export function analyze(model: DockerfileModel, target?: string): Analysis {
  const graph = stageGraph(model, target);
  const stages: StageFacts[] = model.stages.map((stage, i) => ({ stage, ships: graph.ships[i]!, used: graph.used[i]! }));
  const posixAt = stageShells(model);
  const runs: RunInfo[] = [];
  const addRun = (inst: Instruction, stage: Stage | null): void => {
    const posix = posixAt.get(inst.index) ?? true;
    const shell = posix ? runShell(model, inst) : null;
    let commands: ShellCommand[] = shell?.commands ?? [];
    if (!shell && posix && inst.json) {
      const c = execCommand(inst);
      commands = c ? [c] : [];
    }
    runs.push({
      inst,
      stage,
      shell,
      commands,
      mounts: inst.flags.filter((f) => f.name === 'mount').map((f) => mountOptions(f.value)),
      foreignShell: !posix,
    });
  };
  for (const inst of model.instructions) {
    if (inst.keyword === 'RUN') addRun(inst, model.stages[inst.stage] ?? null);
  }

  const envAt = (inst: Instruction, name: string): string | undefined => {
    const lookup = (stage: Stage, beforeIndex: number): string | undefined => {
      let value: string | undefined;
      let found = false;
      for (const i of stage.instructions) {
        if (i.index >= beforeIndex) break;
        if (i.keyword !== 'ENV' && i.keyword !== 'ARG') continue;
        for (const p of i.properties) {
          if (p.name === name) {
            value = p.value ?? '';
            found = true;
          }
        }
      }
      if (found) return value;
      if (stage.baseStage !== null) {
        const base = model.stages[stage.baseStage]!;
        return lookup(base, Number.MAX_SAFE_INTEGER);
      }
      return undefined;
    };
    const stage = model.stages[inst.stage];
    return stage ? lookup(stage, inst.index) : undefined;
  };

  return { runs, stages, targetFound: graph.targetFound, envAt };
}
