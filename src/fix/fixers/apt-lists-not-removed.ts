// Fixer for apt-lists-not-removed: append `&& rm -rf /var/lib/apt/lists/*` right after the last
// apt-get command of the RUN that reported `apt-get update`, when that command installs packages
// (install, upgrade, …) and the lint rule found no removal after it. No fix when:
// - the last apt command is `update` itself or something other than an install (the lists are
//   probably needed later);
// - a later RUN anywhere in the file uses apt-get/apt-cache without its own `apt-get update` first,
//   because it would find no lists;
// - the command does not run unconditionally at the top level of the RUN (see appendAfter);
// - the stage does not ship (the rule then advises a cache mount instead).
import { aptVerb } from '../../lint/helpers.js';
import type { Diagnostic, Edit, RunInfo } from '../../lint/types.js';
import { appendAfter, factsOf, runAt } from './_shared.js';

const INSTALLS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall']);
/** apt verbs that work without package lists. */
const LISTLESS = new Set(['update', 'clean', 'autoclean', 'autoremove', 'remove', 'purge']);
export const APT_LISTS_CLEANUP = 'rm -rf /var/lib/apt/lists/*';

/** needsLists: the RUN runs an apt command that reads the package lists before any apt-get update. */
function needsLists(run: RunInfo): boolean {
  for (const c of run.commands) {
    const v = aptVerb(c);
    if (v === 'update') return false;
    if (c.name === 'apt-cache' || (v !== null && !LISTLESS.has(v))) return true;
  }
  return false;
}

export function fixAptListsNotRemoved(text: string, d: Diagnostic): Edit[] | null {
  if (d.messageId === 'buildStage') return null;
  const facts = factsOf(text);
  const run = runAt(facts, d.offsets[0]);
  if (!run) return null;
  const apt = run.commands.filter((c) => {
    const v = aptVerb(c);
    return v === 'update' || (v !== null && INSTALLS.has(v));
  });
  const last = apt[apt.length - 1];
  if (!last || !INSTALLS.has(aptVerb(last) ?? '')) return null;
  if (facts.analysis.runs.some((r) => r.inst.index > run.inst.index && needsLists(r))) return null;
  const edit = appendAfter(facts, run, last, APT_LISTS_CLEANUP);
  return edit ? [edit] : null;
}
