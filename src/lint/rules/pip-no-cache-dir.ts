import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, cacheMountHome, deletes, hasOption, homeAt, laterCommands, pipInstall, ships, varFor } from '../helpers.js';
import { packageCache } from '../../knowledge/package-managers.js';

const PIP_CACHE = packageCache('pip').home!;

export default defineRule({
  meta: {
    id: 'pip-no-cache-dir',
    description: 'pip install keeps downloaded wheels in ~/.cache/pip unless told not to.',
    category: 'caches',
    severity: 'warning',
    fixable: 'code',
    messages: {
      missing: 'pip keeps every downloaded wheel in {{cache}} (often as large as the packages themselves); add --no-cache-dir or set ENV PIP_NO_CACHE_DIR=1',
      buildStage: 'this stage does not ship: use RUN --mount=type=cache,target={{cache}} to reuse downloads between builds',
    },
    docs: docsPath('pip-no-cache-dir'),
    covers: covers({ hadolint: ['DL3042'] }),
  },
  create(ctx) {
    return {
      run(run) {
        const home = homeAt(ctx.model, run.inst);
        const configured = ctx.envAt(run.inst, 'PIP_CACHE_DIR');
        const cache = configured || `${home ?? '/root'}/${PIP_CACHE}`;
        if (cacheMountHome(run, home, PIP_CACHE) || (configured && cacheMount(run, [configured]))) return;
        const env = ctx.envAt(run.inst, 'PIP_NO_CACHE_DIR');
        for (const c of run.commands) {
          if (!pipInstall(c)) continue;
          if (hasOption(c, ['no-cache-dir'])) continue;
          // ENV/ARG, `PIP_NO_CACHE_DIR=1 pip install …` or `export PIP_NO_CACHE_DIR=1 && pip install …`
          if ((varFor(run, c, 'PIP_NO_CACHE_DIR', env) ?? '') !== '') continue;
          const later = laterCommands(run, c.order);
          if (later.some((l) => deletes(l, `${cache}/x`, (n) => ctx.envAt(run.inst, n)) || (/^pip/.test(l.name) && l.words[1]?.text === 'cache' && l.words[2]?.text === 'purge'))) continue;
          const shipped = ships(ctx.stageOf(run.inst));
          const install = c.words.find((w) => w.text === 'install')!;
          ctx.report({
            messageId: shipped ? 'missing' : 'buildStage',
            span: c.words[0]!.span,
            ...(shipped ? {} : { severity: 'info' as const }),
            data: { cache },
            fix: (f) => f.insertTextAfter(install.span, ' --no-cache-dir'),
          });
        }
      },
    };
  },
});
