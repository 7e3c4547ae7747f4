// shells-and-package-managers: shells and package managers present in the final image — what an attacker
// who gets code execution would use first; distroless or scratch images ship without them.
import { PACKAGE_MANAGER_PROGRAMS } from '../../knowledge/package-managers.js';
import { forEachFinalFile, mainLayer, type FindingRule, type PathBytes } from './rule.js';

const BIN_DIRS = /^(?:bin|sbin|usr\/bin|usr\/sbin|usr\/local\/bin|usr\/local\/sbin)\/([^/]+)$/;
export const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);

export const shellsAndPackageManagers: FindingRule = {
  meta: {
    id: 'shells-and-package-managers',
    title: 'Shells and package managers in the final image',
    severity: 'low',
    messages: {
      shells: 'The image ships shells ({{names}}).',
      managers: 'The image ships package managers ({{names}}).',
    },
    remedy:
      'Use a distroless or scratch runtime stage in a multi-stage build; the trade-off: no shell for debugging (use an ephemeral debug container) and no RUN in derived images.',
    removable: false,
  },
  check(ctx, report) {
    const found = { shells: [] as (PathBytes & { name: string; layer: number })[], managers: [] as (PathBytes & { name: string; layer: number })[] };
    forEachFinalFile(ctx, (path, r) => {
      const name = BIN_DIRS.exec(path)?.[1];
      if (name === undefined) return;
      const item = { path, bytes: r.size, name, layer: r.layer };
      if (SHELLS.has(name)) found.shells.push(item);
      else if (PACKAGE_MANAGER_PROGRAMS.has(name)) found.managers.push(item);
    });
    for (const kind of ['shells', 'managers'] as const) {
      const items = found[kind];
      if (items.length === 0) continue;
      const names = [...new Set(items.map((i) => i.name))].sort().join(', ');
      report({ messageId: kind, data: { names }, paths: items.map(({ path, bytes }) => ({ path, bytes })), layer: mainLayer(items), bytes: 0 });
    }
  },
};
