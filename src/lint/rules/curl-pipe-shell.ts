import { covers, defineRule, docsPath } from '../define.js';

const INTERPRETERS = /^(?:sh|bash|ash|dash|zsh|ksh|python\d?(?:\.\d+)?|perl|ruby|node|php)$/;

export default defineRule({
  meta: {
    id: 'curl-pipe-shell',
    description: 'A download piped straight into a shell or interpreter (curl … | sh).',
    category: 'safety',
    severity: 'warning',
    messages: {
      pipe: '{{fetch}} output runs directly in {{shell}}: nothing checks what is executed (no checksum or signature), and {{pipefail}}; download to a file, verify it (sha256sum -c or a signature), then run it',
    },
    docs: docsPath('curl-pipe-shell'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        for (const c of run.commands) {
          if (c.name !== 'curl' && c.name !== 'wget') continue;
          const target = c.pipesTo === null ? undefined : run.commands[c.pipesTo];
          if (!target) continue;
          const shell = INTERPRETERS.test(target.name) ? target.name : null;
          if (!shell) continue;
          ctx.report({
            messageId: 'pipe',
            span: { start: c.words[0]!.span.start, end: target.span.end },
            data: {
              fetch: c.name,
              shell,
              pipefail: run.pipefail ? 'a failed download still runs whatever arrived' : 'without `set -o pipefail` a failed download can run a truncated script and the build still passes',
            },
          });
        }
      },
    };
  },
});
