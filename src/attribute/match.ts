// How well one recorded build step (a history entry) matches one Dockerfile instruction: not at all
// (another keyword, or text with too little in common), exactly (the same text, whitespace aside),
// after ARG/ENV expansion (the builder records WORKDIR, ENV and COPY destinations expanded; the
// classic builder replaces COPY/ADD sources by a content hash, so only the destination can agree),
// or fuzzily (the same keyword and mostly the same words).
import type { DockerfileModel, Instruction } from '../dockerfile/model.js';
import { joinContinuations } from '../dockerfile/script.js';
import { expandVars } from '../lint/helpers.js';
import type { RecordedStep } from './recorded.js';

export type Confidence = 'exact' | 'expanded' | 'fuzzy';

export interface StepMatch {
  confidence: Confidence;
  /** higher is better: exact 4, expanded 3, fuzzy 1–2 by the share of words in common. */
  score: number;
}

/** InstructionText is what the matcher needs of an instruction, computed once per instruction. */
export interface InstructionText {
  keyword: string;
  /** the arguments as the builder sees them: continuations joined, flags left out for COPY/ADD, whitespace collapsed. */
  text: string;
  /** alternative texts that count as exact (a heredoc RUN's body). */
  alternatives: string[];
  /** exec-form or JSON arguments, null for shell form. */
  json: string[] | null;
  /** COPY/ADD: the destination, as written. */
  dest: string | null;
  /** values of variables in effect at the instruction (ARG defaults and ENV of the stages up to it). */
  lookup: (name: string) => string | undefined;
  /** the SHELL in effect (["/bin/sh", "-c"] by default). */
  shell: string[];
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** words are the word-like pieces of a text, for the fuzzy comparison. */
function words(s: string): Set<string> {
  return new Set(s.match(/[^\s"'[\]{},&|;()<>=]+/g) ?? []);
}

function similarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 && wb.size === 0) return 1;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / (wa.size + wb.size - common);
}

/** goArray reads the `["a" "b"]` arrays both builders print for CMD, ENTRYPOINT and HEALTHCHECK. */
function goArray(body: string): string[] | null {
  const m = /^\[(.*)\]$/.exec(body.trim());
  if (!m) return null;
  const items: string[] = [];
  for (const q of m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      items.push(JSON.parse(`"${q[1]!}"`) as string);
    } catch {
      items.push(q[1]!);
    }
  }
  return items;
}

/** ports reads `3000 53/udp` or BuildKit's `map[3000/tcp:{} 53/udp:{}]` as a sorted list. */
function ports(s: string): string {
  return [...s.matchAll(/(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?/gi)].map((m) => `${m[1]}/${(m[2] ?? 'tcp').toLowerCase()}`).sort().join(' ');
}

function compare(recorded: string, written: string, lookup: InstructionText['lookup'], alternatives: string[] = []): StepMatch | null {
  const r = collapse(recorded);
  if (r === collapse(written) || alternatives.some((a) => collapse(a) === r)) return { confidence: 'exact', score: 4 };
  if (r === collapse(expandVars(written, lookup))) return { confidence: 'expanded', score: 3 };
  const sim = Math.max(similarity(r, written), similarity(r, expandVars(written, lookup)));
  return sim >= 0.5 ? { confidence: 'fuzzy', score: 1 + sim } : null;
}

/** matchStep says how well a recorded step matches an instruction, null when it cannot be its step. */
export function matchStep(step: RecordedStep, inst: InstructionText): StepMatch | null {
  if (step.keyword === null || step.keyword !== inst.keyword) return null;
  switch (inst.keyword) {
    case 'RUN': {
      if (inst.json !== null) return compare(step.body, inst.json.join(' '), inst.lookup);
      return compare(step.body, inst.text, (n) => step.buildArgs.get(n) ?? inst.lookup(n), inst.alternatives);
    }
    case 'COPY':
    case 'ADD': {
      if (step.hashed) {
        if (inst.dest === null) return null;
        if (step.hashed.dest === inst.dest) return { confidence: 'expanded', score: 3 };
        if (collapse(step.hashed.dest) === collapse(expandVars(inst.dest, inst.lookup))) return { confidence: 'expanded', score: 3 };
        return { confidence: 'fuzzy', score: 1 };
      }
      return compare(step.body, inst.text, inst.lookup);
    }
    case 'CMD':
    case 'ENTRYPOINT': {
      const recorded = goArray(step.body);
      const written = inst.json ?? [...inst.shell, inst.text];
      if (recorded === null) return compare(step.body, written.join(' '), inst.lookup);
      if (recorded.join('\0') === written.join('\0')) return { confidence: 'exact', score: 4 };
      return compare(recorded.join(' '), written.join(' '), inst.lookup) ?? { confidence: 'fuzzy', score: 1 };
    }
    case 'SHELL':
    case 'VOLUME': {
      const recorded = step.body.replace(/^\[|\]$/g, '');
      const written = inst.json ? inst.json.join(' ') : inst.text;
      return compare(recorded, written, inst.lookup) ?? { confidence: 'fuzzy', score: 1 };
    }
    case 'EXPOSE': {
      if (ports(step.body) === ports(inst.text)) return { confidence: 'exact', score: 4 };
      if (ports(step.body) === ports(expandVars(inst.text, inst.lookup))) return { confidence: 'expanded', score: 3 };
      return { confidence: 'fuzzy', score: 1 };
    }
    default:
      // ENV, LABEL, ARG, WORKDIR, USER, STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER: one of a kind
      // in most stages, so the same keyword is at least a fuzzy match.
      return compare(step.body, inst.text, inst.lookup) ?? { confidence: 'fuzzy', score: 1 };
  }
}

/** instructionText computes what matchStep reads of an instruction. */
export function instructionText(model: DockerfileModel, inst: Instruction, lookup: InstructionText['lookup'], shell: string[]): InstructionText {
  const json = inst.json ? inst.json.map((t) => t.value) : null;
  let text = '';
  const alternatives: string[] = [];
  let dest: string | null = null;
  if (inst.keyword === 'COPY' || inst.keyword === 'ADD') {
    const args = json ?? inst.args.map((t) => t.value);
    text = args.join(' ');
    dest = args.length > 0 ? args[args.length - 1]! : null;
  } else if (inst.keyword === 'ENV' || inst.keyword === 'LABEL' || inst.keyword === 'ARG') {
    text = inst.properties.map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`)).join(' ');
  } else if (inst.argsSpan) {
    text = joinContinuations(model.text, inst.argsSpan.start, inst.argsSpan.end, model.escape).text;
    for (const h of inst.heredocs) alternatives.push(h.content);
  }
  return { keyword: inst.keyword, text: collapse(text), alternatives, json, dest, lookup, shell };
}
