import { covers, defineRule, docsPath } from '../define.js';
import { ships } from '../helpers.js';
import { flag } from '../../dockerfile/parse.js';

const ROOT = /^\/(?:\.|\*)?$/;

export default defineRule({
  meta: {
    id: 'copy-from-whole-filesystem',
    description: 'COPY --from of a whole filesystem (/) brings the build stage\'s OS, caches and toolchain along.',
    category: 'multi-stage',
    severity: 'warning',
    messages: {
      whole: 'COPY --from={{from}} / copies the whole filesystem of {{from}}: its OS, package caches and toolchain ship too, which defeats the multi-stage build; copy only the build output (a binary, dist/, site-packages)',
    },
    docs: docsPath('copy-from-whole-filesystem'),
    covers: covers({ hadolint: ['DL3067'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'COPY') return;
        // only a stage that ships carries the copied filesystem into the image
        if (!ships(ctx.stageOf(inst))) return;
        const from = flag(inst, 'from');
        if (!from?.value) return;
        const args = inst.json ?? inst.args;
        const sources = args.slice(0, -1);
        const root = sources.find((s) => ROOT.test(s.value));
        if (root) ctx.report({ messageId: 'whole', span: root.span, data: { from: from.value } });
      },
    };
  },
});
