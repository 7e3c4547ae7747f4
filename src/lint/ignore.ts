// Inline suppressions. `# whittle ignore=rule-a,rule-b` (or `# hadolint ignore=DL3008,DL3009`, mapped
// through each rule's covers.hadolint) on the lines before an instruction silences those rules for
// that instruction; a comment inside a RUN's continuation lines applies to that RUN.
// `# whittle global ignore=…` / `# hadolint global ignore=…` applies to the whole file, and so does
// BuildKit's `# check=skip=JSONArgsRecommended,…` parser directive (`skip=all`: every rule that covers
// a BuildKit check), mapped through covers.buildkit.
import type { DockerfileModel } from '../dockerfile/model.js';
import type { Span } from '../dockerfile/positions.js';
import type { Rule } from './types.js';

export interface Suppressions {
  /** Rule ids ignored everywhere in the file. */
  global: Set<string>;
  /** Rule ids ignored within an instruction's span. */
  scoped: { span: Span; ids: Set<string> }[];
}

const PATTERN = /^(whittle|hadolint)\s+(global\s+)?ignore\s*=\s*([\w\-, ]+)/i;

export function hadolintMap(rules: readonly Rule[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of rules) {
    for (const id of r.meta.covers.hadolint) {
      const list = map.get(id.toUpperCase()) ?? [];
      list.push(r.meta.id);
      map.set(id.toUpperCase(), list);
    }
  }
  return map;
}

/** buildkitMap maps BuildKit check names (case-insensitive) to the rules that cover them. */
export function buildkitMap(rules: readonly Rule[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of rules) {
    for (const id of r.meta.covers.buildkit) map.set(id.toLowerCase(), [...(map.get(id.toLowerCase()) ?? []), r.meta.id]);
  }
  return map;
}

export function collectSuppressions(model: DockerfileModel, hadolint: Map<string, string[]>, buildkit: Map<string, string[]> = new Map()): Suppressions {
  const out: Suppressions = { global: new Set(), scoped: [] };
  for (const d of model.directives) {
    if (d.name !== 'check') continue;
    // `# check=skip=A,B;error=true`
    for (const part of d.value.split(';')) {
      const [key, value] = part.split('=', 2).map((x) => x.trim());
      if (key?.toLowerCase() !== 'skip' || !value) continue;
      for (const name of value.split(',').map((x) => x.trim().toLowerCase())) {
        const mapped = name === 'all' ? [...buildkit.values()].flat() : (buildkit.get(name) ?? []);
        for (const id of mapped) out.global.add(id);
      }
    }
  }
  for (const c of model.comments) {
    const m = PATTERN.exec(c.text);
    if (!m) continue;
    const ids = new Set<string>();
    // Ids are separated by commas; anything after the list (a reason) is ignored.
    const list = /^[\w-]+(?:\s*,\s*[\w-]+)*/.exec(m[3]!.trim())?.[0] ?? '';
    for (const raw of list.split(',')) {
      const id = raw.trim();
      if (!id) continue;
      if (m[1]!.toLowerCase() === 'hadolint') for (const mapped of hadolint.get(id.toUpperCase()) ?? []) ids.add(mapped);
      else ids.add(id.toLowerCase());
    }
    if (m[2]) {
      for (const id of ids) out.global.add(id);
      continue;
    }
    const inst = model.instructions.find((i) => i.span.end > c.span.start);
    if (inst) out.scoped.push({ span: inst.span, ids });
  }
  return out;
}

export function isSuppressed(s: Suppressions, ruleId: string, offset: number): boolean {
  if (s.global.has(ruleId)) return true;
  return s.scoped.some((x) => x.ids.has(ruleId) && offset >= x.span.start && offset <= x.span.end);
}
