import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, cacheMountHome, deletes, homeAt, laterCommands, positionals, ships, varFor, verb } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import { appendAfter } from '../fix-helpers.js';
import { cacheDir, packageCache } from '../../knowledge/package-managers.js';

interface Tool {
  /** Cache directory for root; homeCache(home) for another user. */
  cache: string;
  homeCache(home: string): string;
  /** The cache directory set through the environment, if any. */
  configured(env: (name: string) => string | undefined): string | undefined;
  /** Command-line option that sets the cache directory. */
  flag: string;
  clean: string;
  /** The fix appends `clean` after the tool's last install of the RUN (pnpm has none: `pnpm store
   *  prune` keeps the packages node_modules links to). */
  fixable: boolean;
  installs: Set<string>;
  cleans(c: ShellCommand): boolean;
}

const TOOLS: Record<string, Tool> = {
  npm: {
    cache: cacheDir('npm'),
    homeCache: (h) => `${h}/${packageCache('npm').home}`,
    configured: (env) => env('npm_config_cache') ?? env('NPM_CONFIG_CACHE'),
    flag: '--cache',
    clean: 'npm cache clean --force',
    fixable: true,
    installs: new Set(['install', 'i', 'ci', 'add', 'update']),
    cleans: (c) => c.name === 'npm' && verb(c) === 'cache' && c.words.some((w) => w.text === 'clean'),
  },
  yarn: {
    cache: cacheDir('yarn'),
    homeCache: (h) => `${h}/${packageCache('yarn').home}`,
    configured: (env) => env('YARN_CACHE_FOLDER'),
    flag: '--cache-folder',
    clean: 'yarn cache clean',
    fixable: true,
    installs: new Set(['install', 'add', '']),
    cleans: (c) => c.name === 'yarn' && verb(c) === 'cache' && c.words.some((w) => w.text === 'clean'),
  },
  pnpm: {
    cache: cacheDir('pnpm'),
    homeCache: (h) => `${h}/${packageCache('pnpm').home}`,
    // pnpm's store-dir setting, else $PNPM_HOME/store when PNPM_HOME is set (pnpm's documented default).
    configured: (env) => env('npm_config_store_dir') ?? env('NPM_CONFIG_STORE_DIR') ?? (env('PNPM_HOME') ? `${env('PNPM_HOME')!.replace(/\/+$/, '')}/store` : undefined),
    flag: '--store-dir',
    clean: 'pnpm store prune',
    fixable: false,
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
    fixable: 'code',
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
          const words = positionals(c, ['--prefix', '-C', '--cwd', '--filter']).map((w) => w.text);
          // `yarn global add x` and `pnpm add -g x` fill the same cache as a project install
          const v = c.name === 'yarn' && words[0] === 'global' ? (words[1] === 'add' ? 'add' : 'global') : (words[0] ?? '');
          if (!tool.installs.has(v)) continue;
          // bare `yarn` installs, but `yarn --version` or `yarn --help` does not
          if (v === '' && c.words.some((w) => ['--version', '-v', '--help', '-h'].includes(w.text))) continue;
          const configured = tool.configured((name) => varFor(run, c, name, ctx.envAt(run.inst, name)) || undefined);
          const home = homeAt(ctx.model, run.inst);
          const userCache = home === null || home === '/root' ? tool.cache : tool.homeCache(home);
          const cache = configured ?? userCache;
          if (cacheMount(run, [cache, tool.cache, userCache])) continue;
          if (configured === undefined && cacheMountHome(run, home, tool.homeCache('').slice(1))) continue;
          if (c.words.some((w) => w.text === tool.flag || w.text.startsWith(`${tool.flag}=`))) {
            const idx = c.words.findIndex((w) => w.text === tool.flag || w.text.startsWith(`${tool.flag}=`));
            const dir = c.words[idx]!.text.includes('=') ? c.words[idx]!.text.split('=')[1]! : c.words[idx + 1]?.text ?? '';
            if (run.mounts.some((m) => (m.get('type') === 'cache' || m.get('type') === 'tmpfs') && (m.get('target') ?? '') === dir.replace(/\/+$/, ''))) continue;
            if (laterCommands(run, c.order).some((l) => deletes(l, `${dir}/x`, (n) => ctx.envAt(run.inst, n)))) continue;
          }
          const later = laterCommands(run, c.order);
          if (later.some((l) => tool.cleans(l) || deletes(l, `${cache}/x`, (n) => ctx.envAt(run.inst, n)))) continue;
          const data = { tool: c.name, cache, clean: tool.clean };
          // The fix empties the cache in the same layer, after the tool's last install in this RUN.
          const fix = () => {
            const last = run.commands.filter((l) => l.name === c.name && tool.installs.has(verb(l, ['--prefix', '-C', '--cwd', '--filter']) ?? '')).pop() ?? c;
            return tool.fixable ? appendAfter(ctx.facts, run, last, tool.clean) : null;
          };
          if (ships(ctx.stageOf(run.inst))) ctx.report({ messageId: 'missing', span: c.words[0]!.span, data, fix });
          else ctx.report({ messageId: 'buildStage', span: c.words[0]!.span, data, severity: 'info' });
        }
      },
    };
  },
});
