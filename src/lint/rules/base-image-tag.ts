import { covers, defineRule, docsPath } from '../define.js';
import { expandVars, parseImageRef } from '../helpers.js';

export default defineRule({
  meta: {
    id: 'base-image-tag',
    description: 'FROM without a tag, or with :latest, builds on whatever the registry serves that day.',
    category: 'base',
    severity: 'warning',
    messages: {
      untagged: '{{image}} has no tag, so it means :latest: every build can pull a different base (new OS, new runtime, different size); pin a version tag (and ideally a digest)',
      latest: '{{image}} moves with every release: builds are not reproducible and size or behaviour can change without a Dockerfile change; pin a version tag (and ideally a digest)',
    },
    docs: docsPath('base-image-tag'),
    covers: covers({ hadolint: ['DL3006', 'DL3007'], trivy: ['DS001'], checkov: ['CKV_DOCKER_7'] }),
  },
  create(ctx) {
    const globals = new Map<string, string>();
    for (const a of ctx.model.globalArgs) for (const p of a.properties) globals.set(p.name, p.value ?? '');
    return {
      stage(facts) {
        const s = facts.stage;
        if (s.baseStage !== null || !s.imageSpan) return;
        const image = expandVars(s.image, (n) => globals.get(n));
        if (image.includes('$') || image.toLowerCase() === 'scratch') return;
        const ref = parseImageRef(image);
        if (ref.digest) return;
        if (ref.tag === null) ctx.report({ messageId: 'untagged', span: s.imageSpan, data: { image } });
        else if (ref.tag === 'latest') ctx.report({ messageId: 'latest', span: s.imageSpan, data: { image } });
      },
    };
  },
});
