import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'sudo',
    description: 'sudo in RUN: builds already run as the current USER, and sudo in the image is a privilege-escalation path.',
    category: 'safety',
    severity: 'warning',
    messages: {
      sudo: 'sudo has unpredictable TTY and signal behaviour in builds and leaves a privilege-escalation path in the image; switch with USER root … USER app around the steps that need root (or use gosu at runtime)',
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
        }
      },
    };
  },
});
