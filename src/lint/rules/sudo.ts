import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'sudo',
    description: 'sudo in RUN: builds already run as the current USER, and sudo in the image is a privilege-escalation path.',
    category: 'safety',
    severity: 'warning',
    messages: {
      sudo: 'sudo has unpredictable TTY and signal behaviour in builds and leaves a privilege-escalation path in the image; switch with USER root … USER app around the steps that need root (or use gosu at runtime)',
      nopasswd: 'a NOPASSWD rule in {{file}} lets the user become root without a password: anything that gets into the container as that user owns it; drop the rule and do the root steps at build time (USER root … USER app)',
    },
    docs: docsPath('sudo'),
    covers: covers({ hadolint: ['DL3004'], trivy: ['DS010'], checkov: ['CKV2_DOCKER_1'] }),
  },
  create(ctx) {
    return {
      run(run) {
        for (const c of run.commands) {
          const w = c.prefix.find((p) => p.text === 'sudo' || p.text.endsWith('/sudo'));
          if (w) ctx.report({ messageId: 'sudo', span: w.span });
          // `echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers` (or a file in sudoers.d, through tee)
          if (!c.words.some((x) => /NOPASSWD/.test(x.text))) continue;
          const target = [...c.redirects.filter((r) => r.operator.includes('>')).map((r) => r.target), ...(c.name === 'tee' ? c.words.slice(1).map((x) => x.text) : [])]
            .find((t) => /^\/etc\/sudoers(?:$|\.d\/)/.test(t));
          const piped = c.pipesTo !== null ? run.commands.find((o) => o.order === c.pipesTo) : undefined;
          const teeTarget = piped?.name === 'tee' ? piped.words.slice(1).map((x) => x.text).find((t) => /^\/etc\/sudoers(?:$|\.d\/)/.test(t)) : undefined;
          const file = target ?? teeTarget;
          if (file) ctx.report({ messageId: 'nopasswd', span: { start: c.words[0]!.span.start, end: c.span.end }, data: { file } });
        }
      },
    };
  },
});
