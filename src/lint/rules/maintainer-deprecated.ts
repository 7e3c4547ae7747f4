import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'maintainer-deprecated',
    description: 'MAINTAINER is deprecated; use a LABEL.',
    category: 'hygiene',
    severity: 'info',
    fixable: 'code',
    messages: {
      deprecated: 'MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors="…" so tools that read OCI annotations find it',
    },
    docs: docsPath('maintainer-deprecated'),
    covers: covers({ hadolint: ['DL4000'], trivy: ['DS022'], checkov: ['CKV_DOCKER_6'], buildkit: ['MaintainerDeprecated'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'MAINTAINER') return;
        const who = inst.argsSpan ? ctx.model.text.slice(inst.argsSpan.start, inst.argsSpan.end).trim() : '';
        const simple = who !== '' && !who.includes('\n') && !who.includes(ctx.model.escape);
        ctx.report({
          messageId: 'deprecated',
          span: inst.keywordSpan,
          ...(simple ? { fix: (f) => f.replace(inst.span, `LABEL org.opencontainers.image.authors=${JSON.stringify(who.replace(/^"(.*)"$/, '$1'))}`) } : {}),
        });
      },
    };
  },
});
