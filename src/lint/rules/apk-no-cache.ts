import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, deletes, hasOption, laterCommands, positionals, ships } from '../helpers.js';
import { cacheDir, packageCache } from '../../knowledge/package-managers.js';
import type { ShellCommand } from '../../shell/commands.js';
import { shellRun } from '../fix-helpers.js';
import type { Edit, RunInfo } from '../types.js';

const APK_VALUE_OPTS = ['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--repositories-file', '--keys-dir'];

/**
 * dropCommand removes a command and the `&&` after it (`apk update && apk add …` → `apk add …`), when
 * it runs unconditionally at the top of an `&&` chain's link: then the rest of the chain runs exactly
 * as before, only without it. Null otherwise.
 */
function dropCommand(text: string, run: RunInfo, c: ShellCommand): Edit | null {
  if (!shellRun(run) || c.nested || c.conditional || c.subshell || c.pipesTo !== null || c.redirects.length > 0) return null;
  const next = run.commands.find((o) => o.order === c.order + 1);
  if (!next || next.nested || next.subshell) return null;
  const between = text.slice(c.span.end, next.span.start);
  if (!/^(?:[ \t]|\\\r?\n|`\r?\n)*&&(?:[ \t]|\\\r?\n|`\r?\n)*$/.test(between)) return null;
  const before = text.slice(0, c.span.start);
  if (!/(?:&&|;|\n|^RUN(?: --\S+)*)\s*$/.test(before.slice(run.inst.span.start))) return null;
  return { range: [c.span.start, next.span.start], text: '' };
}

export default defineRule({
  meta: {
    id: 'apk-no-cache',
    description: 'apk add without --no-cache keeps the package index (/var/cache/apk) in the layer.',
    category: 'caches',
    severity: 'warning',
    fixable: 'code',
    messages: {
      missing: 'apk add keeps the package index in /var/cache/apk (~2-3 MB per layer); add --no-cache (it also makes apk update unnecessary)',
      buildStage: 'this stage does not ship: use RUN --mount=type=cache,target=/var/cache/apk to keep apk downloads between builds, or add --no-cache',
      update: 'apk update writes the package index into /var/cache/apk (~2-3 MB) and apk add --no-cache does not remove it; drop apk update (apk add --no-cache fetches the index itself)',
    },
    docs: docsPath('apk-no-cache'),
    covers: covers({ hadolint: ['DL3019'], trivy: ['DS025'] }),
  },
  create(ctx) {
    return {
      run(run) {
        if (cacheMount(run, packageCache('apk').dirs)) return;
        const removedLater = (order: number) => laterCommands(run, order).some((l) => deletes(l, `${cacheDir('apk')}/x`, (n) => ctx.envAt(run.inst, n)));
        const isAdd = (c: (typeof run.commands)[number]) => c.name === 'apk' && positionals(c, APK_VALUE_OPTS)[0]?.text === 'add';
        for (const c of run.commands) {
          // `apk update && apk add --no-cache …`: the index the update wrote stays
          if (c.name !== 'apk' || positionals(c, APK_VALUE_OPTS)[0]?.text !== 'update' || c.fallback) continue;
          const adds = laterCommands(run, c.order).filter(isAdd);
          if (adds.length === 0 || !adds.every((a) => hasOption(a, ['no-cache'])) || removedLater(c.order)) continue;
          if (!ships(ctx.stageOf(run.inst))) continue;
          ctx.report({ messageId: 'update', span: c.words[0]!.span, fix: () => dropCommand(ctx.model.text, run, c) });
        }
        for (const c of run.commands) {
          if (c.name !== 'apk') continue;
          const add = positionals(c, APK_VALUE_OPTS)[0];
          if (!add || add.text !== 'add') continue;
          if (hasOption(c, ['no-cache'])) continue;
          if (removedLater(c.order)) continue;
          const shipped = ships(ctx.stageOf(run.inst));
          ctx.report({
            messageId: shipped ? 'missing' : 'buildStage',
            span: c.words[0]!.span,
            ...(shipped ? {} : { severity: 'info' as const }),
            fix: (f) => f.insertTextAfter(add.span, ' --no-cache'),
          });
        }
      },
    };
  },
});
