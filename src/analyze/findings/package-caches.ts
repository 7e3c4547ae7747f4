// package-caches: package-manager caches and indexes that reach the final filesystem, per cache and layer.
import { finalEntries, type FindingRule, type PathBytes } from './rule.js';

/** CACHES lists each cache with the paths that belong to it. */
export const CACHES: { name: string; pattern: RegExp }[] = [
  { name: 'apt lists', pattern: /^var\/lib\/apt\/lists\/./ },
  { name: 'apt archives', pattern: /^var\/cache\/apt\/(?:archives\/.*\.deb|[^/]+\.bin)$/ },
  { name: 'apk cache', pattern: /^(?:var\/cache\/apk|etc\/apk\/cache)\/./ },
  { name: 'dnf/yum cache', pattern: /^var\/cache\/(?:dnf|yum)\/./ },
  { name: 'pip cache', pattern: /(?:^|\/)\.cache\/pip\// },
  { name: 'npm cache', pattern: /(?:^|\/)\.npm\// },
  { name: 'yarn cache', pattern: /^usr\/local\/share\/\.cache\/yarn\/|(?:^|\/)\.cache\/yarn\// },
  { name: 'go build cache', pattern: /(?:^|\/)\.cache\/go-build\/|(?:^|\/)go\/pkg\/mod\/cache\// },
];

export const packageCaches: FindingRule = {
  meta: {
    id: 'package-caches',
    title: 'Package-manager caches left in the image',
    severity: 'medium',
    messages: { left: 'The {{cache}} ({{files}} files) left by layer {{layer}} ships in the final image.' },
    remedy: 'Clean the cache in the same RUN that fills it (rm -rf /var/lib/apt/lists/*, apk add --no-cache, pip --no-cache-dir, npm cache clean --force), or mount it with RUN --mount=type=cache.',
    removable: true,
  },
  check(ctx, report) {
    const groups = new Map<string, PathBytes[]>();
    for (const [path, r] of finalEntries(ctx)) {
      const cache = CACHES.find((c) => c.pattern.test(path));
      if (!cache) continue;
      const key = `${cache.name}\0${r.layer}`;
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
