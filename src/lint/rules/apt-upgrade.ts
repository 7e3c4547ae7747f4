import { covers, defineRule, docsPath } from '../define.js';
import { aptVerb, positionals, ships, verb } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';

const APT_UPGRADES = new Set(['upgrade', 'dist-upgrade', 'full-upgrade']);

/** upgradeOf names the upgrade-everything command, or null. */
function upgradeOf(c: ShellCommand): string | null {
  const apt = aptVerb(c);
  if (apt !== null) return APT_UPGRADES.has(apt) ? `${c.name} ${apt}` : null;
  if (c.name === 'apk') return verb(c, ['-X', '--repository']) === 'upgrade' ? 'apk upgrade' : null;
  if (c.name === 'yum' || c.name === 'dnf' || c.name === 'microdnf') {
    const p = positionals(c);
    const v = p[0]?.text;
    if ((v === 'upgrade' || v === 'update' || v === 'distro-sync') && p.length === 1) return `${c.name} ${v}`;
    return null;
  }
  if (c.name === 'zypper') {
    const v = verb(c);
    return v === 'up' || v === 'update' || v === 'dup' || v === 'dist-upgrade' ? `zypper ${v}` : null;
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'apt-upgrade',
    description: 'Upgrading every package in the Dockerfile (apt-get upgrade, apk upgrade, yum update…) instead of using a newer base image.',
    category: 'caches',
    severity: 'warning',
    messages: {
      upgrade: '{{command}} rewrites every upgraded package into this layer (the base image\'s files stay underneath, so the bytes count twice) and makes builds unreproducible; pull a newer base image (or pin a patched tag) instead',
    },
    docs: docsPath('apt-upgrade'),
    covers: covers({ hadolint: ['DL3005', 'DL3035'], trivy: ['DS024'] }),
  },
  create(ctx) {
    return {
      run(run) {
        // the cost is bytes shipped twice: a stage that does not ship (or is not built) costs none
        if (!ships(ctx.stageOf(run.inst))) return;
        for (const c of run.commands) {
          const command = upgradeOf(c);
          if (command) ctx.report({ messageId: 'upgrade', span: { start: c.words[0]!.span.start, end: c.span.end }, data: { command } });
        }
      },
    };
  },
});
