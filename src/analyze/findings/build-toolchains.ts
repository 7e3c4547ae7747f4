// build-toolchains: compilers, headers, -dev packages and language toolchains in the final image —
// the runtime does not need them; a multi-stage build leaves them in the build stage.
import { finalEntries, mainLayer, type FindingRule } from './rule.js';

/** TOOLCHAIN_PATHS match files that belong to a build toolchain. */
const TOOLCHAIN_PATHS: { what: string; pattern: RegExp }[] = [
  { what: 'C/C++ compilers', pattern: /^usr\/(?:local\/)?bin\/(?:[\w-]*-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|cpp)(?:-[\d.]+)?$|^usr\/(?:lib|libexec)\/gcc\// },
  { what: 'headers (usr/include)', pattern: /^usr\/(?:local\/)?include\// },
  { what: 'make', pattern: /^usr\/(?:local\/)?bin\/(?:g?make|cmake)$/ },
  { what: 'node-gyp', pattern: /(?:^|\/)node_modules\/(?:npm\/node_modules\/)?node-gyp\// },
  { what: 'pkg-config files', pattern: /^usr\/(?:lib|share|lib\/[^/]+)\/pkgconfig\// },
  { what: 'Go toolchain', pattern: /^usr\/local\/go\// },
  { what: 'Rust toolchain', pattern: /^usr\/(?:local\/)?bin\/(?:rustc|cargo)$|^usr\/local\/(?:cargo|rustup)\/|(?:^|\/)\.rustup\/toolchains\// },
];
const DEV_PACKAGE = /^var\/lib\/dpkg\/info\/([^/]*-dev)(?::[^/]*)?\.list$/;

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
    for (const [path, r] of finalEntries(ctx)) {
      const dev = DEV_PACKAGE.exec(path)?.[1];
      if (dev !== undefined) devPackages.push(dev);
      const hit = TOOLCHAIN_PATHS.find((t) => t.pattern.test(path));
      if (!hit) continue;
      what.add(hit.what);
      items.push({ path, bytes: r.size, layer: r.layer });
    }
    if (devPackages.length > 0) what.add(`${devPackages.length} -dev packages (${devPackages.slice(0, 3).join(', ')}${devPackages.length > 3 ? ', …' : ''})`);
    if (what.size === 0) return;
    report({ messageId: 'found', data: { what: [...what].join('; ') }, paths: items, layer: mainLayer(items) });
  },
};
