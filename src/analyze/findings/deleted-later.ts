// deleted-later: files a layer adds and a later layer deletes (or hides under an opaque directory):
// their bytes still ship in the lower layer.
import type { FindingRule, PathBytes } from './rule.js';

export const deletedLater: FindingRule = {
  meta: {
    id: 'deleted-later',
    title: 'Files deleted in a later layer still ship',
    severity: 'medium',
    messages: { deleted: '{{files|file|files}} added by layer {{layer}} {{files?is|are}} deleted by a later layer; {{files?its|their}} bytes still ship in layer {{layer}}.' },
    remedy: 'Delete files in the same RUN that creates them, use a multi-stage build and copy only what the runtime needs, or squash the image.',
    removable: false,
  },
  check(ctx, report) {
    const byLayer = new Map<number, PathBytes[]>();
    for (const d of ctx.dropped) {
      if (d.how !== 'deleted' && d.how !== 'opaque') continue;
      let list = byLayer.get(d.addedBy);
      if (!list) byLayer.set(d.addedBy, (list = []));
      list.push({ path: d.path, bytes: d.bytes });
    }
    for (const [layer, paths] of byLayer) report({ messageId: 'deleted', data: { files: paths.length, layer }, paths, layer });
  },
};
