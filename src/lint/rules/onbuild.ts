import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'onbuild',
    description: 'ONBUILD triggers run hidden steps in every downstream build.',
    category: 'hygiene',
    severity: 'info',
    messages: {
      trigger: 'ONBUILD {{trigger}} runs in every image built FROM this one, with the downstream build context: the step is invisible in the child Dockerfile and invalidates its cache from the start; make the step explicit in the child instead',
      forbidden: 'ONBUILD {{trigger}} is not allowed (BuildKit rejects ONBUILD ONBUILD, FROM and MAINTAINER triggers)',
    },
    docs: docsPath('onbuild'),
    covers: covers({ hadolint: ['DL3043'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ONBUILD') return;
        const trigger = inst.trigger?.keyword ?? inst.args[0]?.value.toUpperCase() ?? '';
        const forbidden = ['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger);
        ctx.report({ messageId: forbidden ? 'forbidden' : 'trigger', span: inst.keywordSpan, data: { trigger }, ...(forbidden ? { severity: 'error' as const } : {}) });
      },
    };
  },
});
