// Structural fix for build-tools-in-final-stage when a single Go stage builds and ships its binary:
// the stage becomes the builder (`AS build`), the `go build` gets CGO_ENABLED=0 so the binary is
// static, and a final `gcr.io/distroless/static-debian12:nonroot` stage gets only the binary (and the
// WORKDIR), followed by the runtime instructions that were already after the build. The toolchain,
// sources and caches (~800 MB) stop shipping.
// Declined unless all of this holds: it is the file's last stage, FROM an official golang image; the
// build names its output with -o; no RUN, COPY, ADD, ARG, SHELL, ONBUILD or HEALTHCHECK follows the
// build (distroless has no shell); no ENV before the build other than Go's own (GO*, CGO_*), since
// the runtime stage would lose it; CMD/ENTRYPOINT are in exec form and run the built binary;
// CGO_ENABLED is not set to 1 (a cgo program needs libc: a person should pick the base).
import type { Edit, Facts } from '../types.js';
import { parseImageRef } from '../helpers.js';
import { normPath } from '../helpers.js';
import { builderOf, insertAfter, splitTarget, workdirAt } from './split-stage.js';

const RUNTIME = new Set(['EXPOSE', 'ENV', 'CMD', 'ENTRYPOINT', 'USER', 'LABEL', 'STOPSIGNAL', 'VOLUME', 'WORKDIR']);
export const GO_RUNTIME_BASE = 'gcr.io/distroless/static-debian12:nonroot';

export function fixGoMultiStage(facts: Facts, offset: number, messageId: string): Edit[] | null {
  const text = facts.model.text;
  if (messageId !== 'command') return null;
  const target = splitTarget(facts, offset);
  if (!target) return null;
  const { stage, flagged: run } = target;
  if (!run.shell || run.inst.json !== null) return null;
  const ref = parseImageRef(stage.image);
  if (!ref.official || ref.name !== 'golang' || /alpine/.test(ref.tag ?? '')) return null;
  const build = run.commands.find((c) => c.name === 'go' && c.words[1]?.text === 'build');
  if (!build || build.conditional || build.words[0]!.span.start !== offset) return null;
  if (build.assignments.get('CGO_ENABLED') !== undefined && build.assignments.get('CGO_ENABLED') !== '0') return null;
  const o = build.words.findIndex((w) => w.text === '-o');
  const out = o > 0 ? build.words[o + 1] : undefined;
  if (!out || !out.literal) return null;
  const insts = stage.instructions;
  const at = insts.indexOf(run.inst);
  for (const inst of insts.slice(0, at)) {
    if (inst.keyword === 'ENV' && inst.properties.some((p) => !/^(GO|CGO_)/.test(p.name))) return null;
    if (inst.keyword === 'USER') return null;
  }
  const workdir = workdirAt(stage, run.inst);
  const binary = normPath(out.text, workdir);
  const after = insts.slice(at + 1);
  if (after.some((i) => !RUNTIME.has(i.keyword))) return null;
  const commands = after.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  if (commands.length === 0 || commands.some((i) => i.json === null)) return null;
  const first = (after.find((i) => i.keyword === 'ENTRYPOINT') ?? commands[0]!).json![0]?.value ?? '';
  const name = binary.slice(binary.lastIndexOf('/') + 1);
  const onPath = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$/.test(binary);
  if (first !== binary && !(onPath && first === name)) return null;

  const builder = builderOf(facts.model, stage);
  if (!builder) return null;
  const edits: Edit[] = builder.edit ? [builder.edit] : [];
  if (build.assignments.get('CGO_ENABLED') === undefined) {
    const goWord = build.words[0]!.span.start;
    edits.push({ range: [goWord, goWord], text: 'CGO_ENABLED=0 ' });
  }
  edits.push(insertAfter(text, run.inst, [`FROM ${GO_RUNTIME_BASE}`, `COPY --from=${builder.name} ${binary} ${binary}`, ...(workdir !== '/' ? [`WORKDIR ${workdir}`] : [])]));
  return edits;
}
