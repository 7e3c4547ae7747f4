import { covers, defineRule, docsPath } from '../define.js';
import { aptVerb, cacheMount, deletes, ships } from '../helpers.js';
import { appendAfter } from '../fix-helpers.js';
import type { Edit, Facts, RunInfo } from '../types.js';
import { cacheDir, APT_INSTALL_VERBS } from '../../knowledge/package-managers.js';

const LISTS = cacheDir('apt-lists');
/** A typical file apt-get update writes, to test removals against (`rm -f /var/lib/apt/lists/*_*`). */
const LIST_FILE = `${LISTS}/deb.debian.org_debian_dists_bookworm_InRelease`;
const INSTALLS = APT_INSTALL_VERBS;
/** apt verbs that work without package lists. */
const LISTLESS = new Set(['update', 'clean', 'autoclean', 'autoremove', 'remove', 'purge']);
const APT_LISTS_CLEANUP = `rm -rf ${LISTS}/*`;

/** needsLists: the RUN runs an apt command that reads the package lists before any apt-get update. */
function needsLists(run: RunInfo): boolean {
  for (const c of run.commands) {
    const v = aptVerb(c);
    if (v === 'update') return false;
    if (c.name === 'apt-cache' || (v !== null && !LISTLESS.has(v))) return true;
  }
  return false;
}

/**
 * removeLists appends `&& rm -rf /var/lib/apt/lists/*` right after the RUN's last apt-get command,
 * when that command installs packages (install, upgrade, …). None when the last apt command is
 * `update` itself or something other than an install (the lists are probably needed later), when a
 * later RUN anywhere in the file uses apt-get/apt-cache without its own `apt-get update` first (it
 * would find no lists), or when the command does not run unconditionally at the top level of the
 * RUN (see appendAfter).
 */
function removeLists(facts: Facts, run: RunInfo): Edit | null {
  const apt = run.commands.filter((c) => {
    const v = aptVerb(c);
    return v === 'update' || (v !== null && INSTALLS.has(v));
  });
  const last = apt[apt.length - 1];
  if (!last || !INSTALLS.has(aptVerb(last) ?? '')) return null;
  if (facts.analysis.runs.some((r) => r.inst.index > run.inst.index && needsLists(r))) return null;
  return appendAfter(facts, run, last, APT_LISTS_CLEANUP);
}

export default defineRule({
  meta: {
    id: 'apt-lists-not-removed',
    description: 'apt-get update leaves package lists in the layer unless the same RUN removes /var/lib/apt/lists/* after installing.',
    category: 'caches',
    severity: 'warning',
    fixable: 'code',
    messages: {
      missing: 'apt lists stay in this layer (~20-40 MB); remove /var/lib/apt/lists/* in the same RUN, after the install (apt-get clean does not remove them)',
      beforeInstall: 'this removes the apt lists before apt-get update/install writes them, so the new lists stay in the layer (~20-40 MB); move `rm -rf /var/lib/apt/lists/*` after the last apt-get install',
      otherLayer: 'apt lists stay in this layer (~20-40 MB): removing them in a later RUN (line {{line}}) only hides them, the bytes ship anyway; remove them in this RUN, after the install',
      buildStage: 'this stage does not ship, so the lists cost rebuild time, not image size: use RUN --mount=type=cache,target=/var/lib/apt,sharing=locked (and target=/var/cache/apt) to keep apt downloads between builds',
    },
    docs: docsPath('apt-lists-not-removed'),
    covers: covers({ hadolint: ['DL3009'] }),
  },
  create(ctx) {
    // the RUNs that delete the lists, found once (asked for every apt-get update: a scan each time is quadratic)
    let cleaners: RunInfo[] | undefined;
    const laterCleanupLine = (run: RunInfo): number | null => {
      cleaners ??= ctx.runs.filter((other) => other.commands.some((c) => aptVerb(c) === 'dist-clean' || deletes(c, LIST_FILE, (n) => ctx.envAt(other.inst, n))));
      const other = cleaners.find((o) => o.inst.stage === run.inst.stage && o.inst.index > run.inst.index);
      return other ? ctx.model.lines.positionAt(other.inst.span.start).line + 1 : null;
    };
    return {
      run(run) {
        const updates = run.commands.filter((c) => aptVerb(c) === 'update');
        const update = updates[0];
        if (!update) return;
        if (cacheMount(run, [LISTS])) return;
        const lastApt = Math.max(...run.commands.filter((c) => {
          const v = aptVerb(c);
          return v === 'update' || (v !== null && INSTALLS.has(v));
        }).map((c) => c.order));
        // `apt-get dist-clean` (apt 2.7+, Debian trixie) removes the lists as well as the archives
        const cleanups = run.commands.filter((c) => !c.fallback && (aptVerb(c) === 'dist-clean' || deletes(c, LIST_FILE, (n) => ctx.envAt(run.inst, n))));
        if (cleanups.some((c) => c.order > lastApt)) return;
        const stage = ctx.stageOf(run.inst);
        const span = update.words[0]!.span;
        if (!ships(stage)) {
          ctx.report({ messageId: 'buildStage', span, severity: 'info' });
          return;
        }
        const fix = () => removeLists(ctx.facts, run);
        if (cleanups.length > 0) {
          ctx.report({ messageId: 'beforeInstall', span: cleanups[0]!.span, fix });
          return;
        }
        const line = laterCleanupLine(run);
        if (line !== null) ctx.report({ messageId: 'otherLayer', span, data: { line }, fix });
        else ctx.report({ messageId: 'missing', span, fix });
      },
    };
  },
});
