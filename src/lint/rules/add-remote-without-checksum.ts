import { covers, defineRule, docsPath } from '../define.js';
import { flag } from '../../dockerfile/parse.js';

export default defineRule({
  meta: {
    id: 'add-remote-without-checksum',
    description: 'ADD of a URL without --checksum trusts whatever the server returns at build time.',
    category: 'context',
    severity: 'warning',
    messages: {
      unpinned: 'ADD {{url}} downloads whatever the server returns at build time (a changed or tampered file goes unnoticed, and the layer cache cannot tell); add --checksum=sha256:<digest>',
    },
    docs: docsPath('add-remote-without-checksum'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ADD' || flag(inst, 'checksum')) return;
        const args = inst.json ?? inst.args;
        for (const s of args.slice(0, -1)) {
          if (/^https?:\/\//i.test(s.value) && !/\.git(?:#.*)?$/i.test(s.value)) ctx.report({ messageId: 'unpinned', span: s.span, data: { url: s.value } });
        }
      },
    };
  },
});
