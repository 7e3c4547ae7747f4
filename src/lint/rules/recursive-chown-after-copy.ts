// recursive-chown-after-copy: reports `chown -R`/`chmod -R` over what an earlier COPY/ADD of the stage
// added, or over a tree an earlier RUN of the stage filled (git clone, tar -x -C, npm ci into
// node_modules…: src/lint/writes.ts); the RUN case gets no fix (the chown belongs at the end of that
// RUN, and what ran in between may depend on the old owner). Its fix for the COPY case: `COPY src /app` followed by `RUN chown -R user:group /app`
// becomes `COPY --chown=user:group src /app` and the RUN goes. Only the case that is provably the
// same image minus the duplicated layer is fixed:
// - the RUN is `chown -R|--recursive user:group TARGET…` (literal words, both user and group given:
//   COPY --chown=user alone would set the group to the user's id), alone (the RUN goes) or first in
//   an `&&` chain (`chown … && ` goes: what follows ran after it on files it had already handed
//   over, and now runs on files the COPY handed over), and runs as root;
// - every TARGET is the COPY's destination, and the COPY comes right before the RUN (only comments,
//   LABEL, EXPOSE, ENV and ARG between), has no --chown/--chmod and is not a heredoc;
// - the destination is new: a direct child of `/` or of a directory every distribution has (/opt,
//   /srv, /home, /usr/local, …), and no earlier WORKDIR, COPY, ADD, VOLUME or RUN of the stage (or the
//   stages it is built FROM) names it. COPY --chown owns exactly what the copy creates, so the two
//   agree only when the copy creates the destination; a base image that already ships that very
//   path is the one case the Dockerfile cannot show.
// chmod -R gets no fix: COPY --chmod needs BuildKit, and the legacy builder rejects it.
import type { Instruction, Stage } from '../../dockerfile/model.js';
import type { ShellCommand } from '../../shell/commands.js';
import { covers, defineRule, docsPath } from '../define.js';
import { instructionLines, shellRun } from '../fix-helpers.js';
import { normPath, positionals, ships, stageChain } from '../helpers.js';
import type { Edit, Facts, RunInfo } from '../types.js';
import { treesWritten } from '../writes.js';

const OWNER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const NEUTRAL = new Set(['LABEL', 'EXPOSE', 'ENV', 'ARG']);
const EXISTING_PARENTS = new Set(['/', '/opt', '/srv', '/home', '/usr/local', '/usr/local/lib', '/usr/local/share', '/usr/local/bin', '/usr/share', '/var', '/var/lib', '/etc']);
const SYSTEM = new Set([
  '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var',
  '/usr/local', '/usr/share', '/var/lib', '/usr/local/lib', '/usr/local/share', '/usr/local/bin',
]);

/** chain lists the stage and the stages it is built FROM, base first. */
function chain(facts: Facts, stage: Stage): Stage[] {
  return stageChain(facts.model, stage).reverse();
}

/** workdirAt resolves WORKDIR before inst along the stage chain; null when a WORKDIR has variables. */
function workdirAt(stages: Stage[], inst: Instruction): string | null {
  let wd = '/';
  for (const s of stages) {
    for (const i of s.instructions) {
      if (i === inst) return wd;
      if (i.keyword !== 'WORKDIR' || !i.args[0]) continue;
      if (i.args[0].value.includes('$')) return null;
      wd = normPath(i.args[0].value, wd);
    }
  }
  return wd;
}

function destOf(inst: Instruction): string | null {
  const words = inst.json ?? inst.args;
  const dest = words.length >= 2 ? words[words.length - 1]!.value : null;
  return dest === null || dest.includes('$') ? null : dest;
}

function touches(p: string, target: string): boolean {
  return p === target || p.startsWith(`${target}/`) || target.startsWith(`${p === '/' ? '' : p}/`);
}

/** chownOnCopy moves `chown -R user:group DEST` onto the COPY as --chown, where provably the same. */
function chownOnCopy(facts: Facts, run: RunInfo, cmd: ShellCommand): Edit[] | null {
  const text = facts.model.text;
  if (cmd.name !== 'chown' || !shellRun(run) || run.inst.heredocs.length > 0) return null;
  if (cmd.prefix.length > 0 || cmd.assignments.size > 0 || cmd.redirects.length > 0) return null;
  // Either the RUN is only the chown, or the chown comes first and `&&` chains the rest after it.
  let removal: [number, number] | null = null;
  if (run.commands.length > 1) {
    const next = run.commands[1]!;
    if (cmd.order !== 0 || cmd.conditional || cmd.nested || cmd.subshell || cmd.pipesTo !== null || next.fallback) return null;
    const between = text.slice(cmd.span.end, next.span.start);
    const esc = facts.model.escape === '\\' ? '\\\\' : facts.model.escape;
    const gap = `(?:[ \\t]|${esc}\\r?\\n)*`;
    if (!new RegExp(`^${gap}&&${gap}$`).test(between)) return null;
    removal = [cmd.span.start, next.span.start];
  } else if (run.shell!.statements !== 1) return null;
  if (cmd.words.some((w) => !w.literal)) return null;
  const opts = cmd.words.slice(1).filter((w) => w.text.startsWith('-'));
  if (opts.length !== 1 || (opts[0]!.text !== '-R' && opts[0]!.text !== '--recursive')) return null;
  const [owner, ...targets] = positionals(cmd).map((w) => w.text);
  if (!owner || !OWNER.test(owner) || targets.length === 0) return null;

  const stage = facts.model.stages[run.inst.stage];
  if (!stage) return null;
  const stages = chain(facts, stage);
  const all = stages.flatMap((s) => s.instructions);
  const at = all.indexOf(run.inst);
  let k = at - 1;
  while (k >= 0 && NEUTRAL.has(all[k]!.keyword)) k--;
  const copy = all[k];
  if (!copy || copy.keyword !== 'COPY' || copy.stage !== run.inst.stage || copy.heredocs.length > 0) return null;
  if (copy.flags.some((f) => f.name === 'chown' || f.name === 'chmod')) return null;
  // The RUN's user must be root, or chown would have failed.
  const user = all.slice(0, at).filter((i) => i.keyword === 'USER').pop();
  if (user && !/^(?:root|0)(?::(?:root|0))?$/.test(user.args[0]?.value ?? '')) return null;

  const dest = destOf(copy);
  const copyWd = workdirAt(stages, copy);
  const runWd = workdirAt(stages, run.inst);
  if (dest === null || copyWd === null || runWd === null) return null;
  const target = normPath(dest, copyWd);
  if (targets.some((t) => t.includes('*') || normPath(t, runWd) !== target)) return null;
  const parent = target.slice(0, target.lastIndexOf('/')) || '/';
  if (SYSTEM.has(target) || target === '/' || !EXISTING_PARENTS.has(parent)) return null;
  for (const i of all.slice(0, k)) {
    if (i.keyword === 'WORKDIR' || i.keyword === 'COPY' || i.keyword === 'ADD') {
      const p = i.keyword === 'WORKDIR' ? i.args[0]?.value : destOf(i);
      if (p === undefined || p === null || touches(normPath(p, workdirAt(stages, i) ?? '/'), target)) return null;
    } else if (i.keyword === 'VOLUME' || i.keyword === 'RUN') {
      if (text.slice(i.span.start, i.span.end).includes(target)) return null;
    }
  }
  const chownOf = { range: [copy.keywordSpan.end, copy.keywordSpan.end] as [number, number], text: ` --chown=${owner}` };
  if (removal) return [chownOf, { range: removal, text: '' }];
  const [from, to] = instructionLines(text, run.inst);
  if (text.slice(from, run.inst.span.start).trim() !== '') return null;
  return [chownOf, { range: [from, to], text: '' }];
}

export default defineRule({
  meta: {
    id: 'recursive-chown-after-copy',
    description: 'chown -R / chmod -R over files an earlier COPY added duplicates them into a new layer.',
    category: 'layers',
    severity: 'warning',
    fixable: 'code',
    reshapes: 'runs',
    messages: {
      duplicate: '{{command}} -R rewrites every file the COPY on line {{line}} added, so they ship twice (once per layer); use COPY --{{flag}}=… instead',
      afterRun: '{{command}} -R rewrites every file the RUN on line {{line}} wrote into {{path}}, so they ship twice (once per layer); run it at the end of that RUN instead',
    },
    docs: docsPath('recursive-chown-after-copy'),
    covers: covers({}),
  },
  create(ctx) {
    let runOf: Map<Instruction, RunInfo> | undefined;
    return {
      run(run) {
        const recursive = run.commands.filter((c) => (c.name === 'chown' || c.name === 'chmod') && c.words.some((w) => /^-[a-zA-Z]*R[a-zA-Z]*$/.test(w.text) || w.text === '--recursive'));
        if (recursive.length === 0) return; // most RUNs: nothing to look back for
        const stage = ctx.stageOf(run.inst);
        if (!stage || !ships(stage)) return;
        runOf ??= new Map(ctx.runs.map((r) => [r.inst, r]));
        // Destinations of earlier COPY/ADD in this stage, resolved against WORKDIR.
        const copies: { dest: string; inst: Instruction }[] = [];
        let workdir = '/';
        for (const inst of stage.stage.instructions) {
          if (inst.index >= run.inst.index) break;
          if (inst.keyword === 'WORKDIR' && inst.args[0]) workdir = normPath(inst.args[0].value, workdir);
          if ((inst.keyword === 'COPY' || inst.keyword === 'ADD') && inst.args.length >= 2 && !inst.flags.some((f) => f.name === 'chown' || f.name === 'chmod')) {
            copies.push({ dest: normPath(inst.json ? inst.json[inst.json.length - 1]!.value : inst.args[inst.args.length - 1]!.value, workdir), inst });
          }
        }
        const runWorkdir = workdir;
        // Trees earlier RUNs of this stage filled, each with the RUN that did, resolved against its WORKDIR.
        const written: { path: string; inst: Instruction }[] = [];
        workdir = '/';
        for (const inst of stage.stage.instructions) {
          if (inst.index >= run.inst.index) break;
          if (inst.keyword === 'WORKDIR' && inst.args[0]) workdir = normPath(inst.args[0].value, workdir);
          const earlier = inst.keyword === 'RUN' ? runOf.get(inst) : undefined;
          if (earlier) for (const path of treesWritten(earlier, workdir)) written.push({ path, inst });
        }
        for (const c of recursive) {
          const words = positionals(c).slice(1).filter((w) => w.literal);
          const targets = words.map((w) => normPath(w.text, runWorkdir));
          const hit = copies.find((cp) => targets.some((t) => t === cp.dest || cp.dest.startsWith(`${t === '/' ? '' : t}/`) || t.startsWith(`${cp.dest}/`)));
          if (!hit) {
            // A tree a RUN filled counts when it lies inside what the chown walks (not when the chown
            // only walks part of it: a tarball extracted into /usr/local need not hold /usr/local/app).
            const inside = (t: string, w: string): boolean => w === t || w.startsWith(`${t === '/' ? '' : t}/`);
            const byRun = written.find((w) => targets.some((t) => inside(t, w.path)));
            if (byRun) {
              ctx.report({
                messageId: 'afterRun',
                span: c.words[0]!.span,
                data: { command: c.name, line: ctx.model.lines.positionAt(byRun.inst.span.start).line + 1, path: byRun.path },
              });
            }
            continue;
          }
          ctx.report({
            messageId: 'duplicate',
            span: c.words[0]!.span,
            data: { command: c.name, line: ctx.model.lines.positionAt(hit.inst.span.start).line + 1, flag: c.name },
            fix: () => chownOnCopy(ctx.facts, run, c),
          });
        }
      },
    };
  },
});
