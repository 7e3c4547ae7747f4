// package-caches: package-manager caches and indexes that reach the final filesystem, per cache and layer.
// Which caches exist and where is src/knowledge/package-managers.ts (shared with lint and strip).
import { cacheOfPath } from '../../knowledge/package-managers.js';
import { finalEntries, type FindingRule, type PathBytes } from './rule.js';

export const packageCaches: FindingRule = {
  meta: {
    id: 'package-caches',
    title: 'Package-manager caches left in the image',
    severity: 'medium',
    messages: { left: 'The {{cache}} ({{files|file|files}}) left by layer {{layer}} ships in the final image.' },
    remedy: 'Clean the cache in the same RUN that fills it (rm -rf /var/lib/apt/lists/*, apk add --no-cache, pip --no-cache-dir, npm cache clean --force), or mount it with RUN --mount=type=cache.',
    removable: true,
  },
  check(ctx, report) {
    const groups = new Map<string, PathBytes[]>();
    for (const [path, r] of finalEntries(ctx)) {
      const cache = cacheOfPath(path);
      if (!cache || !cache.finding) continue;
      const key = `${cache.label}\0${r.layer}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push({ path, bytes: r.size });
    }
    for (const [key, paths] of groups) {
      const [cache, layer] = key.split('\0') as [string, string];
      report({ messageId: 'left', data: { cache, files: paths.length, layer }, paths, layer: Number(layer) });
    }
  },
};
