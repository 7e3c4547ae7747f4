import { covers, defineRule, docsPath } from '../define.js';
import { aptVerb, hasOption, positionals, ships } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import type { Edit, RunInfo } from '../types.js';

const APT_VALUE_OPTS = ['-o', '-c', '-t', '--option', '--config-file', '--target-release'];

/** The fix inserts ` --no-install-recommends` right after the command's `install` word, wherever
 *  it is (a continuation line too); none for an exec-form RUN or a non-literal verb. */
function insertOption(run: RunInfo, c: ShellCommand): Edit | null {
  const install = positionals(c, APT_VALUE_OPTS)[0];
  if (run.inst.json !== null || !install || !install.literal || install.text !== 'install') return null;
  return { range: [install.span.end, install.span.end], text: ' --no-install-recommends' };
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
    return {
      run(run) {
        if (!ships(ctx.stageOf(run.inst))) return;
        const configured = firstConfig.get(run.inst.stage);
        if (configured !== undefined && configured <= run.inst.index) return;
        for (const c of run.commands) {
          if (aptVerb(c) !== 'install') continue;
          if (hasOption(c, ['no-install-recommends'])) continue;
          ctx.report({ messageId: 'missing', span: c.words[0]!.span, fix: () => insertOption(run, c) });
        }
      },
    };
  },
});
