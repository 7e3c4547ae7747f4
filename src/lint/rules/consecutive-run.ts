// consecutive-run: reports groups of consecutive RUNs with equal flags in a stage that ships. Its fix
// joins consecutive RUNs with equal flags into one RUN, ` && `-chained.
// `RUN a` / `# note` / `RUN b` becomes `RUN a \` / `# note` / `    && b`: the first RUN's bytes and
// the second's script stay, comments between them stay (as comment lines inside the continuation,
// which the builder skips), blank lines between them go (an empty continuation line is deprecated).
// The escape character, the line ends (CRLF too) and the indentation of continuation lines are the
// file's own. A RUN joins the one before it only when that is provably the same as running it
// separately after it:
// - neither is exec form, a heredoc, or run by a non-POSIX SHELL, and both scripts parse;
// - the earlier script changes no shell state a later script could see: no cd/pushd/export/set/
//   umask/alias/trap/exec/exit/source/read…, no bare variable assignments, declarations or
//   functions (inside a subshell, `$(…)` or a pipeline they do not count), no for-loop variable a
//   later script mentions, no shell comment (the `\` would comment out the rest);
// - the later script is one statement that is not an `||` list (`a && b || c` would run c when a
//   fails), and nothing runs in the background (`&`).
// A group of RUNs is split at the RUNs that cannot join; each part with two or more RUNs is merged.
import type { Node } from 'web-tree-sitter';
import type { Instruction } from '../../dockerfile/model.js';
import { runScript } from '../../dockerfile/script.js';
import { parseShell } from '../../shell/parser.js';
import { covers, defineRule, docsPath } from '../define.js';
import { lineStart, shellRun } from '../fix-helpers.js';
import { positionals } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import { PACKAGE_CACHES } from '../../knowledge/package-managers.js';
import type { Edit, Facts, RunInfo } from '../types.js';

const PERSISTS = new Set([
  'cd', 'pushd', 'popd', 'export', 'unset', 'set', 'shopt', 'umask', 'alias', 'unalias', 'source', '.', 'exec', 'trap', 'ulimit',
  'readonly', 'declare', 'typeset', 'local', 'eval', 'hash', 'enable', 'read', 'getopts', 'mapfile', 'readarray', 'let', 'exit',
  'return', 'builtin', 'shift', 'wait', 'disown', 'bind', 'complete',
]);
const ISOLATING = new Set(['subshell', 'command_substitution', 'process_substitution', 'pipeline']);

interface Shape {
  /** Safe to have another script run after it in the same shell. */
  earlier: boolean;
  /** Safe to run after another script with `&&`. */
  later: boolean;
  loopVars: string[];
}

function flagsKey(inst: Instruction): string {
  return inst.flags.map((f) => `${f.name}=${f.value ?? ''}`).sort().join(' ');
}

function commandName(node: Node): string {
  const name = node.childForFieldName('name');
  return (name?.text ?? '').replace(/^.*\//, '').replace(/^['"]|['"]$/g, '');
}

function shapeOf(script: string): Shape | null {
  const tree = parseShell(script);
  if (!tree) return null;
  try {
    const root = tree.rootNode;
    if (root.hasError) return null;
    let earlier = true;
    let background = false;
    const loopVars: string[] = [];
    const visit = (n: Node, isolated: boolean): void => {
      if (!n.isNamed && n.type === '&') background = true;
      if (n.type === 'comment') earlier = false;
      if (!isolated) {
        if (n.type === 'declaration_command' || n.type === 'unset_command' || n.type === 'function_definition') earlier = false;
        if (n.type === 'variable_assignment' && n.parent?.type !== 'command') earlier = false;
        if (n.type === 'command' && PERSISTS.has(commandName(n))) earlier = false;
        if (n.type === 'for_statement' || n.type === 'c_style_for_statement') {
          const v = n.childForFieldName('variable');
          if (v) loopVars.push(v.text);
          else earlier = false;
        }
      }
      for (const c of n.children) if (c) visit(c, isolated || ISOLATING.has(n.type));
    };
    visit(root, false);
    const statements = root.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    let later = statements.length === 1;
    for (let s: Node | null | undefined = statements[0]; later && s?.type === 'list'; s = s.namedChildren[0]) {
      if (s.children.some((c) => c !== null && !c.isNamed && c.type === '||')) later = false;
    }
    if (background) return { earlier: false, later: false, loopVars };
    return { earlier, later, loopVars };
  } finally {
    tree.delete();
  }
}

function parses(script: string): boolean {
  const tree = parseShell(script);
  if (!tree) return false;
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

interface Member {
  run: RunInfo;
  script: string;
  shape: Shape;
}

function member(facts: Facts, run: RunInfo): Member | null {
  const inst = run.inst;
  if (!shellRun(run) || inst.heredocs.length > 0 || inst.argsSpan === null) return null;
  // The RUN must start its own line (only indentation before the keyword).
  const text = facts.model.text;
  if (text.slice(lineStart(text, inst.span.start), inst.span.start).trim() !== '') return null;
  const src = runScript(facts.model, inst);
  if (!src || src.heredoc) return null;
  const args = text.slice(inst.argsSpan.start, inst.argsSpan.end);
  if (args.endsWith(facts.model.escape)) return null;
  const shape = shapeOf(src.text);
  return shape ? { run, script: src.text, shape } : null;
}

function joinable(a: Member, b: Member, rest: Member[]): boolean {
  if (!a.shape.earlier || !b.shape.later) return false;
  const mentions = (v: string) => [b, ...rest].some((m) => m.script.includes(`$${v}`) || m.script.includes(`\${${v}`));
  return !a.shape.loopVars.some(mentions);
}

/** continuationIndent is the indentation of the file's first continuation line, or four spaces. */
function continuationIndent(facts: Facts): string {
  const esc = facts.model.escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const m = new RegExp(`${esc}[ \\t]*\\r?\\n([ \\t]+)\\S`).exec(facts.model.text);
  return m ? m[1]! : '    ';
}

/** joint replaces the end of a's line through b's keyword and flags with ` \`, comments, `&& `. */
function joint(facts: Facts, a: Instruction, b: Instruction, indent: string): Edit {
  const text = facts.model.text;
  const from = a.argsSpan!.end;
  const eol = text.indexOf('\n', from);
  const trailing = text.slice(from, eol + 1);
  const gap = text.slice(eol + 1, lineStart(text, b.span.start));
  const comments = gap.split(/(?<=\n)/).filter((l) => l.trim().startsWith('#')).join('');
  const own = text.slice(lineStart(text, b.span.start), b.span.start);
  const cr = trailing.endsWith('\r\n') ? '\r\n' : '\n';
  const body = trailing.replace(/\r?\n$/, '');
  // b's own indentation stays; an unindented RUN gets the file's continuation indentation.
  return { range: [from, b.argsSpan!.start], text: `${body} ${facts.model.escape}${cr}${comments}${own === '' ? indent : own}&& ` };
}

/** joinRuns joins the group of RUNs around `second` where each join is provably the same build. */
function joinRuns(facts: Facts, second: Instruction): Edit[] | null {
  const stage = facts.model.stages[second.stage];
  if (!stage) return null;
  const list = stage.instructions;
  const at = list.indexOf(second);
  let first = at - 1;
  while (first > 0 && list[first - 1]!.keyword === 'RUN' && flagsKey(list[first - 1]!) === flagsKey(second)) first--;
  let last = at;
  while (last + 1 < list.length && list[last + 1]!.keyword === 'RUN' && flagsKey(list[last + 1]!) === flagsKey(second)) last++;
  const group = list.slice(first, last + 1);
  if (group.length < 2 || group.some((i) => i.keyword !== 'RUN')) return null;
  const runs = group.map((inst) => facts.analysis.runs.find((r) => r.inst === inst));
  const members = runs.map((r) => (r ? member(facts, r) : null));
  const indent = continuationIndent(facts);
  const edits: Edit[] = [];
  for (let i = 0; i + 1 < members.length; i++) {
    const a = members[i];
    const b = members[i + 1];
    if (!a || !b) continue;
    // b's script runs after every earlier member of the part it joins.
    let j = i;
    while (j > 0 && edits.some((e) => e.range[1] === group[j]!.argsSpan!.start)) j--;
    const part = members.slice(j, i + 1);
    if (part.some((m) => !m || !joinable(m, b, members.slice(i + 2).filter((x): x is Member => x !== null)))) continue;
    if (!parses(`${a.script} && ${b.script}`)) continue;
    edits.push(joint(facts, a.run.inst, b.run.inst, indent));
  }
  return edits.length > 0 ? edits : null;
}

/** Programs that delete or rewrite files whatever their arguments. */
const REMOVING_PROGRAMS = new Set(['rm', 'rmdir', 'unlink', 'mv', 'chmod', 'chown', 'chgrp', 'truncate', 'shred']);
/** Package managers' verbs that remove installed packages (from whatever layer installed them). */
const UNINSTALL_VERBS: Readonly<Record<string, readonly string[]>> = {
  'apt-get': ['remove', 'purge', 'autoremove'],
  apt: ['remove', 'purge', 'autoremove'],
  apk: ['del'],
  dnf: ['remove', 'erase', 'autoremove'],
  yum: ['remove', 'erase', 'autoremove'],
  microdnf: ['remove'],
  zypper: ['remove', 'rm'],
  pip: ['uninstall'],
  pip3: ['uninstall'],
  npm: ['uninstall', 'remove', 'rm', 'prune'],
  yarn: ['remove'],
  pnpm: ['remove', 'rm', 'prune'],
  gem: ['uninstall', 'cleanup'],
  conda: ['remove', 'uninstall'],
};

/** Package managers' verbs that fetch a package index (which then sits in the layer until removed). */
const INDEX_UPDATES: Readonly<Record<string, readonly string[]>> = { 'apt-get': ['update'], apt: ['update'], apk: ['update'], dnf: ['makecache'], yum: ['makecache'], zypper: ['refresh', 'ref'] };

/** Package managers' verbs that empty their caches: in a RUN of their own, the cache stays in the layer that filled it. */
const CLEAN_VERBS: Readonly<Record<string, readonly string[]>> = {
  'apt-get': ['clean', 'autoclean', 'dist-clean'],
  apt: ['clean', 'autoclean', 'dist-clean'],
  apk: ['cache'],
  dnf: ['clean'],
  yum: ['clean'],
  microdnf: ['clean'],
  zypper: ['clean'],
  pip: ['cache'],
  pip3: ['cache'],
  npm: ['cache'],
  yarn: ['cache', 'autoclean'],
  pnpm: ['store'],
  conda: ['clean'],
};

function rewritesFiles(c: ShellCommand): boolean {
  if (REMOVING_PROGRAMS.has(c.name)) return true;
  if (c.name === 'find') return c.words.some((w) => w.text === '-delete' || w.text === 'rm');
  if (c.name === 'sed' || c.name === 'perl') return c.words.some((w) => /^-[a-zA-Z]*i/.test(w.text) || w.text.startsWith('--in-place'));
  return false;
}

/** ownedBy: a path one of `earlier` commands (of the same RUN) wrote: one a word of theirs names, or a cache of a package manager among them. */
function ownedBy(path: string, earlier: readonly ShellCommand[]): boolean {
  const base = path.replace(/\/+$/, '').replace(/^.*\//, '');
  if (earlier.some((e) => e.words.some((w) => w.text === path || (base !== '' && base !== '*' && (w.text === base || w.text.endsWith(`/${base}`)))))) return true;
  const dir = path.replace(/\/\*$/, '');
  return PACKAGE_CACHES.some((c) => c.dirs.some((d) => dir === d || dir.startsWith(`${d}/`)) && earlier.some((e) => c.managers.includes(e.name)));
}

/**
 * removesEarlier says whether a RUN deletes or rewrites what an earlier layer holds, which is when
 * separate layers cost bytes (the earlier layer keeps what the later one deletes, and the later one
 * holds a whole copy of what it rewrites): a package removed, a cache emptied by a manager the RUN
 * did not run before, or a file deleted, moved, chmod-ed or edited in place that the RUN did not
 * write itself. A clean-up of the RUN's own install or download (`curl -o x … && chmod +x x`,
 * `apt-get update && … && rm -rf /var/lib/apt/lists/*`, what the safe fixes append) does not count.
 */
function removesEarlier(commands: readonly ShellCommand[]): boolean {
  const verb = (c: ShellCommand) => positionals(c)[0]?.text ?? '';
  return commands.some((c, k) => {
    const earlier = commands.slice(0, k);
    if (UNINSTALL_VERBS[c.name]?.includes(verb(c))) return true;
    if (CLEAN_VERBS[c.name]?.includes(verb(c))) return !earlier.some((e) => e.name === c.name);
    if (!rewritesFiles(c)) return false;
    // chmod/chown/chgrp name a mode or an owner first; find names its start directories
    const targets = positionals(c).slice(['chmod', 'chown', 'chgrp'].includes(c.name) ? 1 : 0).filter((w) => w.literal).map((w) => w.text);
    const paths = c.name === 'find' ? targets.filter((t) => !t.startsWith('-')).slice(0, 1) : targets;
    return paths.length === 0 ? k === 0 : paths.some((t) => !ownedBy(t, earlier));
  });
}

export default defineRule({
  meta: {
    id: 'consecutive-run',
    description: 'Consecutive RUN instructions that could be one RUN (one layer).',
    category: 'layers',
    severity: 'info',
    fixable: 'code',
    reshapes: 'runs',
    messages: {
      merge: '{{count}} consecutive RUNs make {{count}} layers, and files one deletes still ship in the layer another created; join them with && into one RUN unless the split is deliberate for caching',
    },
    docs: docsPath('consecutive-run'),
    covers: covers({ hadolint: ['DL3059'] }),
  },
  create(ctx) {
    let runOf: Map<Instruction, RunInfo> | undefined;
    return {
      stage(facts) {
        // Layers of a build-only stage never ship; splitting RUNs there only helps the build cache.
        if (!facts.ships) return;
        runOf ??= new Map(ctx.runs.map((r) => [r.inst, r]));
        let group: Instruction[] = [];
        // RUNs split on purpose (a slow step before an often-changing one) cost only a layer each:
        // the group is reported when a later RUN deletes or rewrites files, which an earlier layer keeps
        const runs = runOf;
        const removing = (inst: Instruction) => {
          const run = runs.get(inst);
          return run ? removesEarlier(run.commands) : true;
        };
        // a package index fetched in a RUN of its own (`RUN apt-get update`) stays in that layer: only
        // the RUN that installs from it can remove it, so the two belong together
        const indexOnly = (inst: Instruction) => {
          const last = runs.get(inst)?.commands.at(-1);
          return last !== undefined && INDEX_UPDATES[last.name]?.includes(positionals(last)[0]?.text ?? '') === true;
        };
        const flush = (): void => {
          if (group.length >= 2 && (group.slice(1).some(removing) || group.slice(0, -1).some(indexOnly))) {
            const second = group[1]!;
            ctx.report({ messageId: 'merge', span: second.keywordSpan, data: { count: group.length }, fix: () => joinRuns(ctx.facts, second) });
          }
          group = [];
        };
        for (const inst of facts.stage.instructions) {
          if (inst.keyword !== 'RUN') {
            flush();
            continue;
          }
          const prev = group[group.length - 1];
          if (prev && flagsKey(prev) !== flagsKey(inst)) flush();
          group.push(inst);
        }
        flush();
      },
    };
  },
});
