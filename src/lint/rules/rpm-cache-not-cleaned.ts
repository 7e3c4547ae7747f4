import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, deletes, laterCommands, positionals, ships, verb } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import { cacheDir } from '../../knowledge/package-managers.js';

/** Each manager's cache directories: `dnf` is dnf5 from Fedora 41 on, which keeps its cache in /var/cache/libdnf5. */
const MANAGERS: Record<string, { caches: string[]; clean: string }> = {
  yum: { caches: [cacheDir('yum')], clean: 'yum clean all' },
  dnf: { caches: [cacheDir('dnf'), cacheDir('dnf5')], clean: 'dnf clean all' },
  dnf5: { caches: [cacheDir('dnf5')], clean: 'dnf5 clean all' },
  microdnf: { caches: [cacheDir('yum')], clean: 'microdnf clean all' },
  zypper: { caches: [cacheDir('zypper')], clean: 'zypper clean --all' },
};
const INSTALL_VERBS = new Set(['install', 'in', 'groupinstall', 'update', 'upgrade', 'up', 'reinstall', 'localinstall', 'dist-upgrade', 'dup']);

function cleans(c: ShellCommand, manager: string): boolean {
  if (c.name === manager || (manager === 'microdnf' && c.name === 'dnf')) {
    const v = verb(c);
    return v === 'clean' || v === 'cc';
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'rpm-cache-not-cleaned',
    description: 'yum, dnf, dnf5, microdnf and zypper keep metadata and packages in /var/cache unless cleaned in the same RUN.',
    category: 'caches',
    severity: 'warning',
    messages: {
      missing: '{{manager}} leaves repository metadata and downloaded packages in {{cache}} (often 50-200 MB); run `{{clean}}` (or rm -rf {{cache}}) in the same RUN, after the install',
      buildStage: 'this stage does not ship: use RUN --mount=type=cache,target={{cache}} to keep {{manager}} downloads between builds',
    },
    docs: docsPath('rpm-cache-not-cleaned'),
    covers: covers({ hadolint: ['DL3032', 'DL3036', 'DL3040'], trivy: ['DS015', 'DS019', 'DS020', 'DS027'] }),
  },
  create(ctx) {
    return {
      run(run) {
        for (const c of run.commands) {
          const m = MANAGERS[c.name];
          if (!m) continue;
          const v = positionals(c, ['--setopt', '-x', '--exclude', '--releasever', '--installroot'])[0]?.text;
          if (!v || !INSTALL_VERBS.has(v)) continue;
          // a cache mount on, or a removal of, either of dnf's directories counts: the Dockerfile's
          // author knows which dnf the base has
          if (cacheMount(run, m.caches)) continue;
          const later = laterCommands(run, c.order);
          if (later.some((l) => cleans(l, c.name) || m.caches.some((dir) => deletes(l, `${dir}/x`, (n) => ctx.envAt(run.inst, n))))) continue;
          const data = { manager: c.name, cache: m.caches.join(' and '), clean: m.clean };
          if (ships(ctx.stageOf(run.inst))) ctx.report({ messageId: 'missing', span: c.words[0]!.span, data });
          else ctx.report({ messageId: 'buildStage', span: c.words[0]!.span, data, severity: 'info' });
          return;
        }
      },
    };
  },
});
