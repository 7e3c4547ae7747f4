// Structural fix for root-user when the final stage has no USER: create an unprivileged user the
// way the base's distribution does and switch to it before the container's command (after every
// RUN, which may need root). node images already have `node`, distroless has `nonroot` (65532),
// scratch gets 65532:65532; Debian-family bases use groupadd/useradd --system, Alpine-family
// addgroup -S/adduser -S. Declined for an explicit `USER root` (someone chose it), for bases whose
// family whittle cannot tell, and when a stage builds FROM the final one. Files COPY'd earlier stay
// owned by root: readable, not writable, which is what a service should have. The working directory
// the container starts in (the last WORKDIR, when it is not / and not under the user's home) is given
// to the user, that directory alone (`mkdir -p DIR && chown user:group DIR`, no -R: no file is copied
// into a new layer), so a process that writes new files where it starts can still; on distroless and
// scratch, which have no shell to run that, it stays root's.
import type { Edit, Facts } from '../types.js';
import { githubAction, normPath, parseImageRef, stageChain } from '../helpers.js';
import type { DockerfileModel, Stage } from '../../dockerfile/model.js';

const DEBIAN_FAMILY = new Set(['debian', 'ubuntu', 'python', 'ruby', 'golang', 'rust', 'openjdk', 'eclipse-temurin', 'php', 'perl', 'buildpack-deps', 'httpd', 'nginx']);

function rootStage(model: DockerfileModel, stage: Stage): Stage {
  return stageChain(model, stage).at(-1)!;
}

/** userSteps gives the instructions that create and switch to an unprivileged user on this base, or null. */
function userSteps(image: string): string[] | null {
  if (image === 'scratch') return ['USER 65532:65532'];
  if (/(^|\/)distroless\//.test(image)) return ['USER nonroot'];
  const ref = parseImageRef(image);
  const tag = (ref.tag ?? '').toLowerCase();
  if (ref.official && ref.name === 'node') return ['USER node'];
  if ((ref.official && ref.name === 'alpine') || /(^|-)alpine/.test(tag)) {
    return ['RUN addgroup -S app && adduser -S -G app -h /home/app -s /sbin/nologin app', 'USER app'];
  }
  if (ref.official && DEBIAN_FAMILY.has(ref.name)) {
    return ['RUN groupadd --system app && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app', 'USER app'];
  }
  return null;
}

/**
 * mustStayRoot: images the switch would break, so the suggestion declines.
 * - A base image (no CMD or ENTRYPOINT of its own): images built FROM it install packages as root.
 * - A GitHub Action (a `com.github.actions.*` LABEL): the runner mounts its workspace as root and
 *   documents that action containers run as root.
 * - An entrypoint made executable for its owner only (`chmod 744`, `chmod 700`, `chmod u+x`,
 *   `COPY --chmod=744`): another user gets "permission denied".
 * - A VOLUME: the engine creates it owned by root, and the process could no longer write to it.
 */
function mustStayRoot(facts: Facts, stage: Stage): boolean {
  const insts = stageChain(facts.model, stage).flatMap((s) => s.instructions);
  const own = (k: string) => insts.some((i) => i.keyword === k);
  if (!own('CMD') && !own('ENTRYPOINT')) return true;
  if (githubAction(facts.model, stage)) return true;
  if (own('VOLUME')) return true;
  const entry = insts.filter((i) => i.keyword === 'ENTRYPOINT').pop() ?? insts.filter((i) => i.keyword === 'CMD').pop();
  const program = entry ? (entry.json ?? entry.args)[0]?.value : undefined;
  if (program && program.startsWith('/')) {
    const ownerOnly = /^(?:[0-7]?[0-7][0-6][0-6]|u\+x|u=rwx)$/;
    for (const run of facts.analysis.runs) {
      if (!insts.includes(run.inst)) continue;
      for (const c of run.commands) {
        if (c.name !== 'chmod') continue;
        const words = c.words.slice(1).map((w) => w.text).filter((w) => !w.startsWith('-'));
        if (words.slice(1).includes(program) && ownerOnly.test(words[0] ?? '')) return true;
      }
    }
    for (const i of insts) {
      const chmod = i.keyword === 'COPY' || i.keyword === 'ADD' ? i.flags.find((f) => f.name === 'chmod')?.value : undefined;
      const dest = (i.json ?? i.args).at(-1)?.value;
      if (chmod && ownerOnly.test(chmod) && dest && (dest === program || program.startsWith(dest.endsWith('/') ? dest : `${dest}/`))) return true;
    }
  }
  return false;
}

/** workdirFor: the command that gives the user the directory the container starts in, or null (none to give, or no shell). */
function workdirFor(model: DockerfileModel, stage: Stage, user: string): string | null {
  const name = /^USER ([a-z_][a-z0-9_-]*)$/.exec(user)?.[1];
  if (!name || name === 'nonroot') return null;
  let dir = '/';
  for (const s of stageChain(model, stage).reverse()) {
    for (const i of s.instructions) {
      if (i.keyword !== 'WORKDIR') continue;
      const v = i.args[0]?.value ?? '/';
      if (v.includes('$')) return null;
      dir = normPath(v, dir);
    }
  }
  if (dir === '/' || dir === '/tmp' || dir === '/root' || dir === '/home' || dir.startsWith('/home/') || !/^[A-Za-z0-9_./-]+$/.test(dir)) return null;
  return `mkdir -p ${dir} && chown ${name}:${name} ${dir}`;
}

export function fixNonRootUser(facts: Facts, offset: number, messageId: string): Edit[] | null {
  const text = facts.model.text;
  if (messageId !== 'missing') return null;
  const { model } = facts;
  const stage = model.stages.find((s) => s.from.keywordSpan.start === offset);
  if (!stage || model.stages.some((s) => s.baseStage === stage.index)) return null;
  if (mustStayRoot(facts, stage)) return null;
  const base = rootStage(model, stage);
  if (base.image.includes('$')) return null;
  const steps = userSteps(base.image);
  if (!steps) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // before the first CMD/ENTRYPOINT/HEALTHCHECK that follows the stage's last RUN; else at the end
  const insts = stage.instructions;
  let lastRun = -1;
  insts.forEach((inst, i) => {
    if (inst.keyword === 'RUN' || inst.keyword === 'ONBUILD') lastRun = i;
  });
  const before = insts.findIndex((inst, i) => i > lastRun && ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(inst.keyword));
  const previous = before >= 0 ? insts[before - 1] : insts[insts.length - 1];
  const [made, user] = steps.length === 2 ? [steps[0]!.replace(/^RUN /, ''), steps[1]!] : [null, steps[0]!];
  const create = [made, workdirFor(model, stage, user)].filter((x) => x !== null).join(' && ') || null;
  const edits: Edit[] = [];
  let userText = `${user}${eol}`;
  if (create !== null) {
    // right after a shell-form RUN, the user is created in that RUN: a RUN of its own would be a layer more
    if (previous?.keyword === 'RUN' && previous.json === null && previous.heredocs.length === 0 && previous.flags.length === 0) {
      edits.push({ range: [previous.span.end, previous.span.end], text: ` ${model.escape}${eol}    && ${create}` });
    } else userText = `RUN ${create}${eol}${userText}`;
  }
  if (before >= 0) {
    const at = insts[before]!.span.start;
    edits.push({ range: [at, at], text: userText });
    return edits;
  }
  const last = insts[insts.length - 1] ?? stage.from;
  const tail = text.slice(last.span.end).match(/^[^\n]*\n?/)?.[0] ?? '';
  const at = last.span.end + tail.length;
  const needsBreak = at === text.length && !text.endsWith('\n');
  edits.push({ range: [at, at], text: `${needsBreak ? eol : ''}${userText}` });
  return edits;
}
