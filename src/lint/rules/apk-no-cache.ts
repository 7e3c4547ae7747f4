import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, deletes, hasOption, laterCommands, positionals, ships } from '../helpers.js';
import { cacheDir, packageCache } from '../../knowledge/package-managers.js';

const APK_VALUE_OPTS = ['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--repositories-file', '--keys-dir'];

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
    },
    docs: docsPath('apk-no-cache'),
    covers: covers({ hadolint: ['DL3019'], trivy: ['DS025'] }),
  },
  create(ctx) {
    return {
      run(run) {
        if (cacheMount(run, packageCache('apk').dirs)) return;
        for (const c of run.commands) {
          if (c.name !== 'apk') continue;
          const add = positionals(c, APK_VALUE_OPTS)[0];
          if (!add || add.text !== 'add') continue;
          if (hasOption(c, ['no-cache'])) continue;
          if (laterCommands(run, c.order).some((l) => deletes(l, `${cacheDir('apk')}/x`, (n) => ctx.envAt(run.inst, n)))) continue;
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
