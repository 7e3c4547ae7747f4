import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, cacheMountHome, deletes, homeAt, laterCommands, ships, verb } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';

interface Tool {
  /** Cache directory for root; homeCache(home) for another user. */
  cache: string;
  homeCache(home: string): string;
  clean: string;
  installs: Set<string>;
  cleans(c: ShellCommand): boolean;
}

const TOOLS: Record<string, Tool> = {
  npm: {
    cache: '/root/.npm',
    homeCache: (h) => `${h}/.npm`,
    clean: 'npm cache clean --force',
    installs: new Set(['install', 'i', 'ci', 'add', 'update']),
    cleans: (c) => c.name === 'npm' && verb(c) === 'cache' && c.words.some((w) => w.text === 'clean'),
  },
  yarn: {
    cache: '/usr/local/share/.cache/yarn',
    homeCache: (h) => `${h}/.cache/yarn`,
    clean: 'yarn cache clean',
    installs: new Set(['install', 'add', '']),
    cleans: (c) => c.name === 'yarn' && verb(c) === 'cache' && c.words.some((w) => w.text === 'clean'),
  },
  pnpm: {
    cache: '/root/.local/share/pnpm/store',
    homeCache: (h) => `${h}/.local/share/pnpm/store`,
    clean: 'pnpm store prune',
    installs: new Set(['install', 'i', 'add']),
    cleans: (c) => c.name === 'pnpm' && verb(c) === 'store' && c.words.some((w) => w.text === 'prune'),
  },
};

export default defineRule({
  meta: {
    id: 'node-package-cache',
    description: 'npm, yarn and pnpm keep a copy of every downloaded package in their cache directory.',
    category: 'caches',
    severity: 'warning',
    messages: {
      missing: '{{tool}} keeps a second copy of every downloaded package in {{cache}} (tens to hundreds of MB); run `{{clean}}` in the same RUN, or use a cache mount',
      buildStage: 'this stage does not ship: use RUN --mount=type=cache,target={{cache}} so {{tool}} reuses downloads between builds',
    },
    docs: docsPath('node-package-cache'),
    covers: covers({ hadolint: ['DL3060'] }),
  },
  create(ctx) {
    return {
      run(run) {
        for (const c of run.commands) {
          const tool = TOOLS[c.name];
          if (!tool) continue;
          const v = verb(c, ['--prefix', '-C', '--cwd', '--filter']) ?? '';
          if (!tool.installs.has(v)) continue;
          const configured = ctx.envAt(run.inst, c.name === 'yarn' ? 'YARN_CACHE_FOLDER' : 'npm_config_cache') ?? ctx.envAt(run.inst, 'NPM_CONFIG_CACHE');
          const home = homeAt(ctx.model, run.inst);
          const userCache = home === null || home === '/root' ? tool.cache : tool.homeCache(home);
          const cache = configured ?? userCache;
          if (cacheMount(run, [cache, tool.cache, userCache])) continue;
          if (configured === undefined && cacheMountHome(run, home, tool.homeCache('').slice(1))) continue;
          if (c.words.some((w) => w.text.startsWith('--cache=') || w.text === '--cache' || w.text.startsWith('--cache-folder'))) {
            const idx = c.words.findIndex((w) => w.text.startsWith('--cache'));
            const dir = c.words[idx]!.text.includes('=') ? c.words[idx]!.text.split('=')[1]! : c.words[idx + 1]?.text ?? '';
            if (run.mounts.some((m) => (m.get('type') === 'cache' || m.get('type') === 'tmpfs') && (m.get('target') ?? '') === dir.replace(/\/+$/, ''))) continue;
            if (laterCommands(run, c.order).some((l) => deletes(l, `${dir}/x`, (n) => ctx.envAt(run.inst, n)))) continue;
          }
          const later = laterCommands(run, c.order);
          if (later.some((l) => tool.cleans(l) || deletes(l, `${cache}/x`, (n) => ctx.envAt(run.inst, n)))) continue;
          const data = { tool: c.name, cache, clean: tool.clean };
          if (ships(ctx.stageOf(run.inst))) ctx.report({ messageId: 'missing', span: c.words[0]!.span, data });
          else ctx.report({ messageId: 'buildStage', span: c.words[0]!.span, data, severity: 'info' });
        }
      },
    };
  },
});
