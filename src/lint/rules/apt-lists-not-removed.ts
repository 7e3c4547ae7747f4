import { covers, defineRule, docsPath } from '../define.js';
import { aptVerb, cacheMount, deletes, ships } from '../helpers.js';
import type { RunInfo } from '../types.js';
import { cacheDir } from '../../knowledge/package-managers.js';

const LISTS = cacheDir('apt-lists');
/** A typical file apt-get update writes, to test removals against (`rm -f /var/lib/apt/lists/*_*`). */
const LIST_FILE = `${LISTS}/deb.debian.org_debian_dists_bookworm_InRelease`;
const INSTALLS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall']);

export default defineRule({
  meta: {
    id: 'apt-lists-not-removed',
    description: 'apt-get update leaves package lists in the layer unless the same RUN removes /var/lib/apt/lists/* after installing.',
    category: 'caches',
    severity: 'warning',
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
    const laterCleanupLine = (run: RunInfo): number | null => {
      for (const other of ctx.runs) {
        if (other.inst.stage !== run.inst.stage || other.inst.index <= run.inst.index) continue;
        if (other.commands.some((c) => deletes(c, LIST_FILE, (n) => ctx.envAt(other.inst, n)))) return ctx.model.lines.positionAt(other.inst.span.start).line + 1;
      }
      return null;
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
        const cleanups = run.commands.filter((c) => !c.fallback && deletes(c, LIST_FILE, (n) => ctx.envAt(run.inst, n)));
        if (cleanups.some((c) => c.order > lastApt)) return;
        const stage = ctx.stageOf(run.inst);
        const span = update.words[0]!.span;
        if (!ships(stage)) {
          ctx.report({ messageId: 'buildStage', span, severity: 'info' });
          return;
        }
        if (cleanups.length > 0) {
          ctx.report({ messageId: 'beforeInstall', span: cleanups[0]!.span });
          return;
        }
        const line = laterCleanupLine(run);
        if (line !== null) ctx.report({ messageId: 'otherLayer', span, data: { line } });
        else ctx.report({ messageId: 'missing', span });
      },
    };
  },
});
