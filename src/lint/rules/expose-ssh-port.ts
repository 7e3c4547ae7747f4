import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'expose-ssh-port',
    description: 'EXPOSE 22: containers should not run an SSH server.',
    category: 'safety',
    severity: 'warning',
    messages: {
      ssh: 'EXPOSE {{port}} publishes SSH: an sshd in a container is an extra daemon, credential store and attack surface; use docker exec / kubectl exec for access',
    },
    docs: docsPath('expose-ssh-port'),
    covers: covers({ trivy: ['DS004'], checkov: ['CKV_DOCKER_1'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'EXPOSE') return;
        for (const a of inst.args) {
          const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(a.value);
          if (!m) continue;
          const lo = Number(m[1]);
          const hi = m[2] ? Number(m[2]) : lo;
          if ((m[3] ?? 'tcp').toLowerCase() === 'tcp' && lo <= 22 && hi >= 22) ctx.report({ messageId: 'ssh', span: a.span, data: { port: a.value } });
        }
      },
    };
  },
});
