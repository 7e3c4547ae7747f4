// rewritten-later: files a later layer writes again — with new content, with the same content and
// new mode/owner by a chmod/chown (which copies the whole file), or with the same content by
// anything else (npm install or apt writing a file again). chmod/chown is blamed only when the
// content provably or plausibly stayed (same digest, or same size where there are no digests), only
// mode or owner changed, and the layer's instruction runs chmod, chown or chgrp.
import type { FindingRule, PathBytes } from './rule.js';

/** CHMOD_CHOWN finds chmod, chown or chgrp run as a command in a RUN instruction. */
const CHMOD_CHOWN = /^RUN\b.*?(?:^|[\s;&|(`])(?:\S*\/)?(?:chmod|chown|chgrp)\s/s;

/** blamesChmodChown says whether an instruction (as analyze renders it: `RUN chown -R …`) changes modes or owners. */
export function blamesChmodChown(instruction: string | null | undefined): boolean {
  return instruction != null && CHMOD_CHOWN.test(instruction);
}

type Kind = 'content' | 'metadata' | 'same';

export const rewrittenLater: FindingRule = {
  meta: {
    id: 'rewritten-later',
    title: 'Files rewritten by a later layer',
    severity: 'medium',
    messages: {
      content: 'Layer {{layer}} overwrites {{files|file|files}} of earlier layers with new content; the old copies still ship.',
      metadata:
        'Layer {{layer}} rewrites {{files|file|files}} with the same content and new mode or owner: chmod/chown copied the whole file; use COPY --chmod/--chown or do it in the same RUN.',
      same: 'Layer {{layer}} writes {{files|file|files}} of earlier layers again with the same content; the old copies still ship.',
    },
    remedy: 'Use COPY --chown/--chmod instead of a later chmod/chown; write each file once (in the same RUN), or squash the image.',
    removable: false,
  },
  check(ctx, report) {
    const groups = new Map<string, PathBytes[]>();
    for (const d of ctx.dropped) {
      if (d.how !== 'overwritten' && d.how !== 'metadata-only') continue;
      const r = d.rewrite;
      let kind: Kind = d.how === 'metadata-only' ? 'same' : 'content';
      if (r && r.content !== 'different' && r.metadataChanged && blamesChmodChown(ctx.instructions[d.droppedBy])) kind = 'metadata';
      const key = `${kind}\0${d.droppedBy}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push({ path: d.path, bytes: d.bytes });
    }
    for (const [key, paths] of groups) {
      const [kind, layer] = key.split('\0') as [Kind, string];
      report({ messageId: kind, data: { files: paths.length, layer }, paths, layer: Number(layer) });
    }
  },
};
