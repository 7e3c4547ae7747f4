import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'run-cd',
    description: 'RUN cd … to set the directory: the change ends with the RUN.',
    category: 'hygiene',
    severity: 'info',
    messages: {
      alone: '`cd` alone has no effect: the directory change ends with this RUN; use WORKDIR {{dir}}',
      leading: 'RUN cd {{dir}} && … only changes directory for this RUN; use WORKDIR {{dir}} so later instructions run there too and the path is explicit',
    },
    docs: docsPath('run-cd'),
    covers: covers({ hadolint: ['DL3003'], trivy: ['DS013'] }),
  },
  create(ctx) {
    return {
      run(run) {
        const first = run.commands[0];
        if (!first || first.name !== 'cd' || first.nested || first.conditional || first.subshell) return;
        const dir = first.words[1]?.text ?? '~';
        if (dir.startsWith('-') || dir.includes('$')) return;
        const top = run.commands.filter((c) => !c.nested);
        ctx.report({ messageId: top.length === 1 ? 'alone' : 'leading', span: first.span, data: { dir } });
      },
    };
  },
});
