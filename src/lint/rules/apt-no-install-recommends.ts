import { covers, defineRule, docsPath } from '../define.js';
import { aptPackages, aptVerb, hasOption, positionals, ships } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import type { Edit, RunInfo } from '../types.js';

const APT_VALUE_OPTS = ['-o', '-c', '-t', '--option', '--config-file', '--target-release'];

/** Programs that talk TLS when given an https URL, and those that always do (package registries). */
const URL_CLIENTS = new Set(['curl', 'wget', 'git', 'svn']);
const TLS_ALWAYS: Readonly<Record<string, readonly string[]>> = { pip: ['install', 'download'], pip3: ['install', 'download'], npm: ['install', 'i', 'ci'], yarn: ['install', 'add', ''], gem: ['install'], go: ['get', 'install', 'mod'], cargo: ['install', 'fetch', 'build'] };

/** usesTls: a command that needs the CA certificates apt's Recommends would have brought (ca-certificates is a Recommends of curl, wget, git, openssl). */
function usesTls(c: ShellCommand): boolean {
  if (URL_CLIENTS.has(c.name) && c.words.some((w) => /https:\/\/|^git@|ssh:\/\//.test(w.text) || w.text.includes('$'))) return true;
  const verbs = TLS_ALWAYS[c.name];
  return verbs !== undefined && verbs.includes(positionals(c)[0]?.text ?? '');
}

/**
 * The fix inserts ` --no-install-recommends` right after the command's `install` word, wherever it is
 * (a continuation line too); none for an exec-form RUN or a non-literal verb. Without Recommends, apt
 * no longer installs ca-certificates: when this RUN (from the install on) or a later RUN of the stage
 * downloads over TLS, the fix also names ca-certificates in the install, so the download that worked
 * before still works.
 */
function insertOption(run: RunInfo, c: ShellCommand, tlsLater: boolean): Edit[] | null {
  const install = positionals(c, APT_VALUE_OPTS)[0];
  if (run.inst.json !== null || !install || !install.literal || install.text !== 'install') return null;
  const edits: Edit[] = [{ range: [install.span.end, install.span.end], text: ' --no-install-recommends' }];
  const packages = aptPackages(c);
  const tls = tlsLater || run.commands.some((o) => o.order > c.order && usesTls(o));
  if (tls && !packages.some((p) => p.text === 'ca-certificates')) {
    const last = packages[packages.length - 1];
    if (!last) return null;
    edits.push({ range: [last.span.end, last.span.end], text: ' ca-certificates' });
  }
  return edits;
}

const RECOMMENDS_OFF = /APT::Install-Recommends\s*=?\s*"?(?:false|0)\b/i;

export default defineRule({
  meta: {
    id: 'apt-no-install-recommends',
    description: 'apt-get install without --no-install-recommends also installs every "recommended" package.',
    category: 'caches',
    severity: 'warning',
    fixable: 'code',
    messages: {
      missing: 'apt-get install pulls in recommended packages too (often tens to hundreds of MB you did not ask for); add --no-install-recommends',
    },
    docs: docsPath('apt-no-install-recommends'),
    covers: covers({ hadolint: ['DL3015'], trivy: ['DS029'] }),
  },
  create(ctx) {
    // An earlier RUN (or this one) may write `APT::Install-Recommends "false";` into apt.conf.d: the
    // first such RUN of each stage, found once per file.
    const firstConfig = new Map<number, number>();
    for (const r of ctx.runs) {
      if (firstConfig.has(r.inst.stage)) continue;
      if (r.commands.some((c) => RECOMMENDS_OFF.test(c.words.map((w) => w.text).join(' ')))) firstConfig.set(r.inst.stage, r.inst.index);
    }
    // the last RUN of each stage that downloads over TLS, found once, when a fix first asks
    let tls: Map<number, number> | undefined;
    const lastTls = () => {
      if (!tls) {
        tls = new Map();
        for (const r of ctx.runs) if (r.commands.some(usesTls)) tls.set(r.inst.stage, Math.max(tls.get(r.inst.stage) ?? -1, r.inst.index));
      }
      return tls;
    };
    return {
      run(run) {
        if (!ships(ctx.stageOf(run.inst))) return;
        const configured = firstConfig.get(run.inst.stage);
        if (configured !== undefined && configured <= run.inst.index) return;
        for (const c of run.commands) {
          if (aptVerb(c) !== 'install') continue;
          if (hasOption(c, ['no-install-recommends'])) continue;
          // a dry run (-s, --simulate, --dry-run, --just-print, --no-act, --recon) installs nothing
          if (hasOption(c, ['simulate', 'dry-run', 'just-print', 'no-act', 'recon'], 's')) continue;
          const tlsLater = () => (lastTls().get(run.inst.stage) ?? -1) > run.inst.index;
          ctx.report({ messageId: 'missing', span: c.words[0]!.span, fix: () => insertOption(run, c, tlsLater()) });
        }
      },
    };
  },
});
