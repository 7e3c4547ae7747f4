// The stage graph: which stages reach the image that ships. The final stage is the --target (or the
// last stage); stages it is built FROM ship with it; stages named by COPY --from or
// RUN --mount=from= are build-only (only the files copied out of them ship).
import type { DockerfileModel, Instruction, Stage } from './model.js';
import { flag } from './parse.js';

export interface StageGraph {
  /** Index of the stage that becomes the image, -1 when there is no FROM. */
  final: number;
  /** False when a --target was given and no stage has that name. */
  targetFound: boolean;
  /** ships[i]: stage i's filesystem is the final image or one of its FROM ancestors. */
  ships: boolean[];
  /** used[i]: stage i is built at all for the target (ships, or feeds files into a stage that is built). */
  used: boolean[];
  /** deps[i]: stages that stage i reads from (FROM, COPY --from, RUN --mount=from). */
  deps: number[][];
}

/** resolveStageRef maps a stage name or index (as in COPY --from) to a stage index before `before`. */
export function resolveStageRef(model: DockerfileModel, ref: string, before: number): number | null {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    return n < before ? n : null;
  }
  const lower = ref.toLowerCase();
  for (let i = 0; i < before && i < model.stages.length; i++) {
    if (model.stages[i]!.name === lower) return i;
  }
  return null;
}

/** mountOptions parses `type=cache,target=/root/.npm,from=build` into a map. */
export function mountOptions(value: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) out.set(part.trim().toLowerCase(), 'true');
    else out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

function stageReads(model: DockerfileModel, stage: Stage): number[] {
  const out = new Set<number>();
  if (stage.baseStage !== null) out.add(stage.baseStage);
  const refs = (inst: Instruction): void => {
    if (inst.keyword === 'COPY' || inst.keyword === 'ADD') {
      const from = flag(inst, 'from')?.value;
      if (from) {
        const i = resolveStageRef(model, from, stage.index);
        if (i !== null) out.add(i);
      }
    }
    if (inst.keyword === 'RUN') {
      for (const f of inst.flags) {
        if (f.name !== 'mount') continue;
        const from = mountOptions(f.value).get('from');
        if (from) {
          const i = resolveStageRef(model, from, stage.index);
          if (i !== null) out.add(i);
        }
      }
    }
  };
  for (const inst of stage.instructions) refs(inst);
  return [...out];
}

export function stageGraph(model: DockerfileModel, target?: string): StageGraph {
  const n = model.stages.length;
  let final = n - 1;
  let targetFound = true;
  if (target !== undefined) {
    const i = model.stages.findIndex((s) => s.name === target.toLowerCase());
    if (i >= 0) final = i;
    else targetFound = false;
  }
  const deps = model.stages.map((s) => stageReads(model, s));
  const ships = new Array<boolean>(n).fill(false);
  const used = new Array<boolean>(n).fill(false);
  for (let i = final; i >= 0; i = model.stages[i]!.baseStage ?? -1) {
    if (ships[i]) break;
    ships[i] = true;
  }
  const stack = final >= 0 ? [final] : [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (used[i]) continue;
    used[i] = true;
    stack.push(...deps[i]!);
  }
  return { final, targetFound, ships, used, deps };
}
