// Attribution: which Dockerfile line put each byte of an image there. The image's history entries are
// aligned with the instructions of the stages that ship (align.ts, match.ts); each layer's bytes,
// wasted bytes and findings go to the line whose history entry made the layer, the base image's
// layers to the FROM line, and what matches no line is reported as unattributed, never guessed.
// Lint findings of the same Dockerfile join the line they are on.
import type { Analysis } from '../analyze/index.js';
import type { DockerfileModel, Instruction, Stage } from '../dockerfile/model.js';
import type { HistoryEntry, ImageConfig } from '../image/spec.js';
import { joinContinuations } from '../dockerfile/script.js';
import { expandVars, stageChain } from '../lint/helpers.js';
import type { Diagnostic } from '../lint/types.js';
import { WhittleError } from '../errors.js';
import { alignSteps } from './align.js';
import { instructionText, matchStep, type Confidence, type InstructionText } from './match.js';
import { readRecorded } from './recorded.js';

export type { Confidence } from './match.js';

export interface AttributedFinding {
  /** `analyze` for an image finding, `lint` for a Dockerfile finding. */
  source: 'analyze' | 'lint';
  id: string;
  severity: string;
  message: string;
  /** bytes the finding names in this image (analyze findings), null for lint findings. */
  bytes: number | null;
}

export interface AttributedLine {
  /** 1-based first and last line of the instruction. */
  line: number;
  endLine: number;
  keyword: string;
  /** the instruction as one line: continuations joined, whitespace collapsed (heredoc bodies left out). */
  text: string;
  stage: number;
  /** whether the instruction is in a stage the image is built from (the target and the stages it is FROM). */
  ships: boolean;
  /** how its history entries matched ('base' for the FROM line that holds the base image's layers), null when none did. */
  confidence: Confidence | 'base' | null;
  history: number[];
  layers: number[];
  /** bytes its layers add, as `docker history` counts them (file content and symlink targets). */
  bytes: number;
  /** of those, bytes deleted or overwritten by a later layer. */
  wastedBytes: number;
  findings: AttributedFinding[];
}

export interface Attribution {
  dockerfile: string;
  /** the stage that ships: its name, or its index as a string. */
  target: string;
  base: { line: number; image: string; digest: string | null; layers: number[]; bytes: number } | null;
  /** every instruction of the file, in file order. */
  lines: AttributedLine[];
  /** line numbers (AttributedLine.line) ordered by bytes, largest first; lines without bytes or findings left out. */
  ranked: number[];
  unattributed: { history: number[]; layers: number[]; bytes: number; wastedBytes: number };
  /** lint findings outside any instruction (directives, the file as a whole). */
  fileFindings: AttributedFinding[];
  warnings: string[];
}

export interface AttributeInput {
  analysis: Analysis;
  config: ImageConfig;
  model: DockerfileModel;
  /** the Dockerfile's path, as shown. */
  file: string;
  /** the stage built (`--target`); the last one by default. */
  target?: string;
  /** lint diagnostics of the same text, to join the lines. */
  diagnostics?: readonly Diagnostic[];
}

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';

function targetStage(model: DockerfileModel, target: string | undefined): Stage {
  if (target === undefined) return model.stages[model.stages.length - 1]!;
  const t = target.toLowerCase();
  const stage = model.stages.find((s) => s.name === t) ?? (/^\d+$/.test(t) ? model.stages[Number(t)] : undefined);
  if (!stage) throw new WhittleError('usage', `--target ${target}: the Dockerfile has no such stage`);
  return stage;
}

/** shippedSteps lists the shipped stages' instructions in build order (FROM lines left out), with what the matcher reads of each. */
function shippedSteps(model: DockerfileModel, chain: Stage[], env: Map<string, string>): { inst: Instruction; text: InstructionText }[] {
  const vars = new Map<string, string>();
  for (const g of model.globalArgs) for (const p of g.properties) if (p.value !== null) vars.set(p.name, p.value);
  const lookupIn = (snapshot: Map<string, string>) => (name: string) => snapshot.get(name) ?? env.get(name);
  let shell = ['/bin/sh', '-c'];
  const out: { inst: Instruction; text: InstructionText }[] = [];
  for (const stage of chain) {
    for (const inst of stage.instructions) {
      if (inst.keyword === 'FROM') continue;
      const lookup = lookupIn(new Map(vars));
      out.push({ inst, text: instructionText(model, inst, lookup, shell) });
      if (inst.keyword === 'SHELL' && inst.json) shell = inst.json.map((t) => t.value);
      if (inst.keyword === 'ARG' || inst.keyword === 'ENV') {
        for (const p of inst.properties) {
          if (p.value !== null) vars.set(p.name, expandVars(p.value, lookup));
          else if (inst.keyword === 'ARG' && !vars.has(p.name) && env.has(p.name)) vars.set(p.name, env.get(p.name)!);
        }
      }
    }
  }
  return out;
}

function envOf(config: ImageConfig): Map<string, string> {
  const env = new Map<string, string>();
  for (const kv of config.config?.Env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return env;
}

function oneLine(model: DockerfileModel, inst: Instruction): string {
  const end = inst.heredocs.length > 0 ? model.text.indexOf('\n', inst.span.start) : inst.span.end;
  return joinContinuations(model.text, inst.span.start, end < 0 ? inst.span.end : end, model.escape).text.replace(/\s+/g, ' ').trim();
}

/** attribute ties an analysis to the lines of the Dockerfile that built the image. */
export function attribute(input: AttributeInput): Attribution {
  const { analysis, config, model } = input;
  const warnings: string[] = [];
  const stage = targetStage(model, input.target);
  const chain = stageChain(model, stage).reverse(); // root first
  const shippedStages = new Set(chain.map((s) => s.index));
  const steps = shippedSteps(model, chain, envOf(config));
  const history: HistoryEntry[] = config.history ?? [];
  const recorded = history.map((h) => readRecorded(h.created_by));
  const matches = new Map<string, { confidence: Confidence; score: number }>();
  const alignment = alignSteps(recorded.length, steps.length, (e, i) => {
    const m = matchStep(recorded[e]!, steps[i]!.text);
    if (m) matches.set(`${e}:${i}`, m);
    return m ? m.score : null;
  });

  // history entry → layer (only when the history accounts for every layer)
  const layerOfEntry = new Map<number, number>();
  const nonEmpty = history.filter((h) => h.empty_layer !== true).length;
  const layersTrusted = history.length > 0 && nonEmpty === analysis.layers.length;
  if (layersTrusted) {
    for (const l of analysis.layers) if (l.historyIndex !== null) layerOfEntry.set(l.historyIndex, l.index);
  } else if (analysis.layers.length > 0) {
    warnings.push(
      history.length === 0
        ? 'the image has no history: its layers cannot be tied to Dockerfile lines'
        : `the image's history has ${nonEmpty} entries that made layers for ${analysis.layers.length} layers: layer bytes cannot be tied to Dockerfile lines and are reported as unattributed`,
    );
  }

  const lineOf = (inst: Instruction) => model.lines.positionAt(inst.span.start).line + 1;
  const endLineOf = (inst: Instruction) => model.lines.positionAt(Math.max(inst.span.start, inst.span.end - 1)).line + 1;
  const byInstruction = new Map<Instruction, AttributedLine>();
  const lines: AttributedLine[] = model.instructions.map((inst) => {
    const first = oneLine(model, inst);
    const line: AttributedLine = {
      line: lineOf(inst), endLine: endLineOf(inst), keyword: inst.keyword, text: first, stage: inst.stage,
      ships: shippedStages.has(inst.stage), confidence: null, history: [], layers: [], bytes: 0, wastedBytes: 0, findings: [],
    };
    byInstruction.set(inst, line);
    return line;
  });

  const layerBytes = (layer: number) => analysis.layers[layer]?.sizes.docker ?? 0;
  const layerWasted = (layer: number) => analysis.layers[layer]?.wastedBytes ?? 0;
  const rank: Record<string, number> = { exact: 3, expanded: 2, fuzzy: 1 };
  const lineOfLayer = new Map<number, AttributedLine>();
  const unattributed = { history: [] as number[], layers: [] as number[], bytes: 0, wastedBytes: 0 };
  const claimed = new Set<number>();

  const root = chain[0]!;
  const fromLine = byInstruction.get(root.from)!;
  let base: Attribution['base'] = null;
  if (alignment.baseCount > 0 || recorded.length === 0 || alignment.instructionOf.some((i) => i !== null)) {
    const globals = new Map<string, string>();
    for (const g of model.globalArgs) for (const p of g.properties) if (p.value !== null) globals.set(p.name, p.value);
    base = { line: fromLine.line, image: config.config?.Labels?.[BASE_NAME] ?? expandVars(root.image, (n) => globals.get(n)), digest: config.config?.Labels?.[BASE_DIGEST] ?? null, layers: [], bytes: 0 };
    fromLine.confidence = 'base';
  }

  recorded.forEach((_, e) => {
    const layer = layerOfEntry.get(e);
    const i = alignment.instructionOf[e];
    let target: AttributedLine | null = null;
    if (e < alignment.baseCount && base) {
      target = fromLine;
    } else if (i !== null && i !== undefined) {
      target = byInstruction.get(steps[i]!.inst)!;
      const m = matches.get(`${e}:${i}`)!;
      if (target.confidence === null || rank[target.confidence]! > rank[m.confidence]!) target.confidence = m.confidence;
    }
    if (target === null) {
      unattributed.history.push(e);
      if (layer !== undefined) {
        unattributed.layers.push(layer);
        unattributed.bytes += layerBytes(layer);
        unattributed.wastedBytes += layerWasted(layer);
        claimed.add(layer);
      }
      return;
    }
    target.history.push(e);
    if (layer !== undefined) {
      target.layers.push(layer);
      target.bytes += layerBytes(layer);
      target.wastedBytes += layerWasted(layer);
      lineOfLayer.set(layer, target);
      claimed.add(layer);
      if (target === fromLine && base) {
        base.layers.push(layer);
        base.bytes += layerBytes(layer);
      }
    }
  });
  for (const l of analysis.layers) {
    if (claimed.has(l.index)) continue;
    unattributed.layers.push(l.index);
    unattributed.bytes += layerBytes(l.index);
    unattributed.wastedBytes += layerWasted(l.index);
  }
  if (recorded.length > 0 && alignment.instructionOf.every((i) => i === null))
    warnings.push(`no history entry of the image matches an instruction of ${input.file}: it was built from another Dockerfile, or its history was rewritten (squashed); every layer is unattributed`);

  const fileFindings: AttributedFinding[] = [];
  for (const f of analysis.findings) {
    const finding: AttributedFinding = { source: 'analyze', id: f.id, severity: f.severity, message: f.message, bytes: f.bytes };
    const target = f.layer === null ? undefined : lineOfLayer.get(f.layer);
    if (target) target.findings.push(finding);
  }
  for (const d of input.diagnostics ?? []) {
    const finding: AttributedFinding = { source: 'lint', id: d.ruleId, severity: d.severity, message: d.message, bytes: null };
    const inst = model.instructions.find((x) => x.span.start <= d.offsets[0] && d.offsets[0] < Math.max(x.span.end, x.span.start + 1));
    if (inst) byInstruction.get(inst)!.findings.push(finding);
    else fileFindings.push(finding);
  }

  const ranked = lines
    .filter((l) => l.bytes > 0 || l.findings.length > 0)
    .sort((a, b) => b.bytes - a.bytes || b.wastedBytes - a.wastedBytes || a.line - b.line)
    .map((l) => l.line);
  return {
    dockerfile: input.file,
    target: stage.name ?? String(stage.index),
    base,
    lines,
    ranked,
    unattributed,
    fileFindings,
    warnings,
  };
}
