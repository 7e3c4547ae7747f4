// rewritten-later: files a later layer writes again — with new content, or with the same content and
// only new mode/owner (a chmod/chown that copied the whole file).
import type { DropKind } from '../merge.js';
import type { FindingRule, PathBytes } from './rule.js';

export const rewrittenLater: FindingRule = {
  meta: {
    id: 'rewritten-later',
    title: 'Files rewritten by a later layer',
    severity: 'medium',
    messages: {
      content: 'Layer {{layer}} overwrites {{files|file|files}} of earlier layers with new content; the old copies still ship.',
      metadata:
        'Layer {{layer}} rewrites {{files|file|files}} with the same content and new mode or owner: chmod/chown copied the whole file; use COPY --chmod/--chown or do it in the same RUN.',
    },
    remedy: 'Use COPY --chown/--chmod instead of a later chmod/chown; write each file once (in the same RUN), or squash the image.',
    removable: false,
  },
  check(ctx, report) {
    const groups = new Map<string, PathBytes[]>();
    for (const d of ctx.dropped) {
      if (d.how !== 'overwritten' && d.how !== 'metadata-only') continue;
      const key = `${d.how}\0${d.droppedBy}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push({ path: d.path, bytes: d.bytes });
    }
    for (const [key, paths] of groups) {
      const [how, layer] = key.split('\0') as [DropKind, string];
      report({ messageId: how === 'metadata-only' ? 'metadata' : 'content', data: { files: paths.length, layer }, paths, layer: Number(layer) });
    }
  },
};
