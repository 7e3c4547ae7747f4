import { covers, defineRule, docsPath } from '../define.js';

export default defineRule({
  meta: {
    id: 'duplicate-stage-name',
    description: 'Two stages with the same AS name.',
    category: 'hygiene',
    severity: 'error',
    messages: {
      duplicate: 'stage name {{name}} is already used on line {{line}}; COPY --from={{name}} and --target={{name}} become ambiguous (BuildKit refuses this)',
    },
    docs: docsPath('duplicate-stage-name'),
    covers: covers({ hadolint: ['DL3024'], trivy: ['DS012'], checkov: ['CKV_DOCKER_11'], buildkit: ['DuplicateStageName'] }),
  },
  create(ctx) {
    return {
      end() {
        const first = new Map<string, number>();
        for (const s of ctx.model.stages) {
          if (s.name === null || !s.nameSpan) continue;
          const seen = first.get(s.name);
          if (seen === undefined) first.set(s.name, s.index);
          else ctx.report({ messageId: 'duplicate', span: s.nameSpan, data: { name: s.name, line: ctx.model.lines.positionAt(ctx.model.stages[seen]!.from.span.start).line + 1 } });
        }
      },
    };
  },
});
