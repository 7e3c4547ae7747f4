import { covers, defineRule, docsPath } from '../define.js';
import type { Instruction } from '../../dockerfile/model.js';

function flagsKey(inst: Instruction): string {
  return inst.flags.map((f) => `${f.name}=${f.value ?? ''}`).sort().join(' ');
}

export default defineRule({
  meta: {
    id: 'consecutive-run',
    description: 'Consecutive RUN instructions that could be one RUN (one layer).',
    category: 'layers',
    severity: 'info',
    messages: {
      merge: '{{count}} consecutive RUNs make {{count}} layers, and files one deletes still ship in the layer another created; join them with && into one RUN unless the split is deliberate for caching',
    },
    docs: docsPath('consecutive-run'),
    covers: covers({ hadolint: ['DL3059'] }),
  },
  create(ctx) {
    return {
      stage(facts) {
        // Layers of a build-only stage never ship; splitting RUNs there only helps the build cache.
        if (!facts.ships) return;
        let group: Instruction[] = [];
        const flush = (): void => {
          if (group.length >= 2) ctx.report({ messageId: 'merge', span: group[1]!.keywordSpan, data: { count: group.length } });
          group = [];
        };
        for (const inst of facts.stage.instructions) {
          if (inst.keyword !== 'RUN') {
            flush();
            continue;
          }
          const prev = group[group.length - 1];
          if (prev && flagsKey(prev) !== flagsKey(inst)) flush();
          group.push(inst);
        }
        flush();
      },
    };
  },
});
