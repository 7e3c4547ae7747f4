import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'onbuild',
    description: 'ONBUILD triggers run hidden steps in every downstream build.',
    category: 'hygiene',
    severity: 'info',
    messages: {
      trigger: 'ONBUILD {{trigger}} runs in every image built FROM this one, with the downstream build context: the step is invisible in the child Dockerfile and invalidates its cache from the start; make the step explicit in the child instead',
    },
    docs: docsPath('onbuild'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ONBUILD') return;
        const trigger = inst.trigger?.keyword ?? inst.args[0]?.value.toUpperCase() ?? '';
        // Triggers the builder rejects outright are onbuild-forbidden-trigger's.
        if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger)) return;
        ctx.report({ messageId: 'trigger', span: inst.keywordSpan, data: { trigger } });
      },
    };
  },
});
