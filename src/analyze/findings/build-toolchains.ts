// build-toolchains: compilers, headers, -dev packages and language toolchains in the final image —
// the runtime does not need them; a multi-stage build leaves them in the build stage.
// Which toolchains exist, the packages that install them and the paths they occupy is
// src/knowledge/toolchains.ts (shared with lint's build-tools-in-final-stage and strip).
import { DEV_PACKAGE_LIST, toolchainOfPath } from '../../knowledge/toolchains.js';
import { forEachFinalFile, mainLayer, type FindingRule } from './rule.js';

export const buildToolchains: FindingRule = {
  meta: {
    id: 'build-toolchains',
    title: 'Build toolchains in the final image',
    severity: 'medium',
    messages: { found: 'The final image ships build tools: {{what}}.' },
    remedy: 'Use a multi-stage build: compile in a builder stage and COPY --from only the artifacts into a slim runtime stage.',
    removable: true,
  },
  check(ctx, report) {
    const items: { path: string; bytes: number; layer: number }[] = [];
    const what = new Set<string>();
    const devPackages: string[] = [];
    forEachFinalFile(ctx, (path, r) => {
      const dev = DEV_PACKAGE_LIST.exec(path)?.[1];
      if (dev !== undefined) devPackages.push(dev);
      const hit = toolchainOfPath(path);
      if (!hit) return;
      what.add(hit.label);
      items.push({ path, bytes: r.size, layer: r.layer });
    });
    if (devPackages.length > 0) what.add(`${devPackages.length} -dev packages (${devPackages.slice(0, 3).join(', ')}${devPackages.length > 3 ? ', …' : ''})`);
    if (what.size === 0) return;
    report({ messageId: 'found', data: { what: [...what].join('; ') }, paths: items, layer: mainLayer(items) });
  },
};
