import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'workdir-relative',
    description: 'A relative WORKDIR with no absolute WORKDIR before it depends on the base image\'s directory.',
    category: 'hygiene',
    severity: 'warning',
    messages: {
      relative: 'WORKDIR {{path}} is relative to whatever directory the base image set, which can change under you; use an absolute path',
    },
    docs: docsPath('workdir-relative'),
    covers: covers({ hadolint: ['DL3000'], trivy: ['DS009'], checkov: ['CKV_DOCKER_10'], buildkit: ['WorkdirRelativePath'] }),
  },
  create(ctx) {
    const absoluteSeen = new Set<number>();
    return {
      instruction(inst) {
        if (inst.keyword !== 'WORKDIR' || inst.stage < 0) return;
        // Raw text, so Windows paths keep their backslashes; quotes removed.
        const path = (inst.argsSpan ? ctx.model.text.slice(inst.argsSpan.start, inst.argsSpan.end).trim() : '').replace(/^(["'])(.*)\1$/, '$2');
        if (path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\')) {
          absoluteSeen.add(inst.stage);
          return;
        }
        let s: number | null = inst.stage;
        while (s !== null) {
          if (absoluteSeen.has(s)) return;
          s = ctx.model.stages[s]?.baseStage ?? null;
        }
        ctx.report({ messageId: 'relative', span: inst.argsSpan ?? inst.span, data: { path } });
      },
    };
  },
});
