// package-caches: package-manager caches and indexes that reach the final filesystem, per cache and layer.
// Which caches exist and where is src/knowledge/package-managers.ts (shared with lint and strip).
import { APT_DOCKER_CLEAN, cacheOfPath, type PackageCache } from '../../knowledge/package-managers.js';
import { forEachFinalFile, type FindingRule, type PathBytes } from './rule.js';

export const packageCaches: FindingRule = {
  meta: {
    id: 'package-caches',
    title: 'Package-manager caches left in the image',
    severity: 'medium',
    messages: {
      left: 'Layer {{layer}} leaves the {{cache}} ({{files|file|files}}) in the final image.',
      noDockerClean:
        'Layer {{layer}} leaves the {{cache}} ({{files|file|files}}) in the final image: the image lacks /{{hook}}, the apt hook of the official debian and ubuntu images that deletes downloaded packages, so run `{{clean}}` in the same RUN.',
    },
    remedy: 'Clean the cache in the same RUN that fills it (rm -rf /var/lib/apt/lists/*, apk add --no-cache, pip --no-cache-dir, npm cache clean --force), or mount it with RUN --mount=type=cache.',
    removable: true,
  },
  check(ctx, report) {
    const groups = new Map<string, { cache: PackageCache; layer: number; paths: PathBytes[] }>();
    forEachFinalFile(ctx, (path, r) => {
      const cache = cacheOfPath(path);
      if (!cache || !cache.finding) return;
      const key = `${cache.id}\0${r.layer}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { cache, layer: r.layer, paths: [] }));
      g.paths.push({ path, bytes: r.size });
    });
    // archives docker-clean would have deleted: the base lacks the hook (or a layer removed it)
    const hookMissing = !ctx.tree.has(APT_DOCKER_CLEAN.path);
    for (const { cache, layer, paths } of groups.values()) {
      const data = { cache: cache.label, files: paths.length, layer };
      if (hookMissing && (cache.id === 'apt-archives' || cache.id === 'apt-pkgcache')) {
        report({ messageId: 'noDockerClean', data: { ...data, hook: APT_DOCKER_CLEAN.path, clean: APT_DOCKER_CLEAN.clean }, paths, layer });
      } else report({ messageId: 'left', data, paths, layer });
    }
  },
};
