// Structural fix for heavy-base-image: `FROM node:20` → `FROM node:20-slim` (node, python, ruby,
// debian; the Debian release a tag names is kept: src/knowledge/base-images.ts). The slim variants keep glibc and the package manager but drop what the full images take
// from buildpack-deps: compilers, make, git, curl, wget, headers. So the swap is declined when any
// RUN of the stage (or of a stage built FROM it) uses one of those tools without installing it in
// the same stage, and for every other image (ubuntu, golang, rust, JDKs: their smaller variants
// change the build, which needs a person). `--verify` builds both and compares.
import type { Edit, Facts } from '../types.js';
import { parseImageRef } from '../helpers.js';
import { slimTag } from '../../knowledge/base-images.js';


/** Tools the full images carry and the slim ones do not, with the Debian packages that provide them. */
const FULL_ONLY: Record<string, string[]> = {
  gcc: ['gcc', 'build-essential'], 'g++': ['g++', 'build-essential'], cc: ['gcc', 'build-essential'], make: ['make', 'build-essential'],
  git: ['git'], curl: ['curl'], wget: ['wget'], 'node-gyp': ['build-essential'], patch: ['patch'], bzip2: ['bzip2'], unzip: ['unzip'],
};

export function fixSlimBase(facts: Facts, offset: number, messageId: string): Edit[] | null {
  const text = facts.model.text;
  const { model, analysis } = facts;
  const stage = model.stages.find((s) => s.imageSpan && s.imageSpan.start === offset);
  if (!stage || !stage.imageSpan || stage.image.includes('$') || stage.image.includes('@')) return null;
  const ref = parseImageRef(stage.image);
  const slim = ref.official ? slimTag(ref.name, ref.tag ?? '') : null;
  if (slim === null) return null;
  const stages = new Set([stage.index]);
  for (const s of model.stages) if (s.baseStage !== null && stages.has(s.baseStage)) stages.add(s.index);
  const runs = analysis.runs.filter((r) => stages.has(r.inst.stage));
  const installed = new Set<string>();
  for (const r of runs) {
    for (const c of r.commands) {
      const words = c.words.map((w) => w.text);
      const i = words.findIndex((w) => w === 'install');
      if (i > 0 && /apt-get|apt$/.test(words[0] ?? '')) for (const w of words.slice(i + 1)) if (!w.startsWith('-')) installed.add(w.replace(/=.*$/, ''));
    }
  }
  for (const r of runs) {
    if (r.shell === null) return null; // a script whittle could not read: it may use anything
    for (const c of r.commands) {
      const program = (c.words[0]?.text ?? '').split('/').pop()!;
      const packages = FULL_ONLY[program];
      if (packages && !packages.some((p) => installed.has(p))) return null;
    }
  }
  const image = `${ref.registry ? `${ref.registry}/` : ''}${ref.path}:${slim}`;
  return [{ range: [stage.imageSpan.start, stage.imageSpan.end], text: image }];
}
