import { covers, defineRule, docsPath } from '../define.js';

const FORBIDDEN = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

export default defineRule({
  meta: {
    id: 'onbuild-forbidden-trigger',
    description: 'ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER are rejected by the builder.',
    category: 'syntax',
    severity: 'error',
    messages: {
      forbidden: 'ONBUILD {{trigger}} is not allowed: the builder rejects ONBUILD ONBUILD, FROM and MAINTAINER triggers, so every image built FROM this one fails',
    },
    docs: docsPath('onbuild-forbidden-trigger'),
    covers: covers({ hadolint: ['DL3043'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ONBUILD') return;
        const trigger = inst.trigger?.keyword ?? inst.args[0]?.value.toUpperCase() ?? '';
        if (FORBIDDEN.has(trigger)) ctx.report({ messageId: 'forbidden', span: inst.keywordSpan, data: { trigger } });
      },
    };
  },
});
