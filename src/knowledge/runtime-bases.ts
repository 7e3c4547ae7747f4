// The runtime bases whittle puts under an app's final stage when it rebuilds it on a smaller base:
// the distroless images (gcr.io/distroless: no shell, no package manager) and the Alpine ones (musl
// libc, busybox). For each stack, which image, and what the program that runs the app is called in
// it: distroless nodejs keeps node at /nodejs/bin/node (not on PATH), distroless python3 has Debian
// 12's Python 3.11 at /usr/bin/python3, the Alpine node and python images keep node and python in
// /usr/local/bin like the Debian-based official ones. Read by the runtime-stage rewrite
// (src/lint/structural/runtime-stage.ts) that makes the `distroless` and `alpine` variants.

export type RuntimeFlavour = 'distroless' | 'alpine';

/** The stacks a runtime stage is made for: a Node or Python app, a static binary, a dynamically linked one (glibc). */
export type RuntimeStack = 'node' | 'python' | 'static' | 'dynamic';

export interface RuntimeBase {
  /** the image reference the new final stage is FROM. */
  image: string;
  /** the interpreter that runs the app, by absolute path (null for binaries). */
  interpreter: string | null;
  /** the Python version the image runs (`3.11`), when it is fixed by the image. */
  pythonVersion?: string;
}

/** Node release lines distroless publishes as gcr.io/distroless/nodejsNN-debian12. */
const DISTROLESS_NODE = new Set([18, 20, 22]);
/** The Python of gcr.io/distroless/python3-debian12: Debian 12's. */
export const DISTROLESS_PYTHON_VERSION = '3.11';
/** The Alpine release of alpine-based runtimes whittle picks. */
export const ALPINE_RELEASE = '3.20';

/**
 * runtimeBase is the base of a runtime stage for a stack and flavour; `version` is the Node major or
 * Python minor the build stage's image names (null when its tag names none). A string is the reason
 * there is no such base.
 */
export function runtimeBase(flavour: RuntimeFlavour, stack: RuntimeStack, version: string | null): RuntimeBase | string {
  if (flavour === 'distroless') {
    switch (stack) {
      case 'node': {
        const major = version === null ? 20 : Number(version);
        if (!DISTROLESS_NODE.has(major)) return `distroless publishes Node ${[...DISTROLESS_NODE].join(', ')}, not Node ${version}`;
        return { image: `gcr.io/distroless/nodejs${major}-debian12`, interpreter: '/nodejs/bin/node' };
      }
      case 'python':
        if (version !== DISTROLESS_PYTHON_VERSION) {
          return `gcr.io/distroless/python3-debian12 runs Python ${DISTROLESS_PYTHON_VERSION}; the build stage's Python is ${version ?? 'of a version its tag does not name'}, and packages built for one do not load in the other`;
        }
        return { image: 'gcr.io/distroless/python3-debian12', interpreter: '/usr/bin/python3', pythonVersion: DISTROLESS_PYTHON_VERSION };
      case 'static':
        return { image: 'gcr.io/distroless/static-debian12', interpreter: null };
      case 'dynamic':
        return { image: 'gcr.io/distroless/base-debian12', interpreter: null };
    }
  }
  switch (stack) {
    case 'node':
      return { image: `node:${version ?? '20'}-alpine`, interpreter: '/usr/local/bin/node' };
    case 'python':
      if (version === null) return 'the build stage\'s image tag names no Python version for the Alpine image to match';
      return { image: `python:${version}-alpine`, interpreter: '/usr/local/bin/python3', pythonVersion: version };
    case 'static':
      return { image: `alpine:${ALPINE_RELEASE}`, interpreter: null };
    case 'dynamic':
      return 'the program is linked against glibc (built with cgo or for a glibc system); Alpine has musl libc, where it does not start';
  }
}

/** nodeVersionOfTag is the Node major an official node image tag names (`20`, `20.11-slim`, `20-bookworm`), or null. */
export function nodeVersionOfTag(tag: string | null): string | null {
  return /^(\d+)(?:[.-]|$)/.exec(tag ?? '')?.[1] ?? null;
}

/** pythonVersionOfTag is the Python minor an official python image tag names (`3.11`, `3.11.9-bookworm`), or null. */
export function pythonVersionOfTag(tag: string | null): string | null {
  const m = /^(\d+)\.(\d+)(?:[.-]|$)/.exec(tag ?? '');
  return m ? `${m[1]}.${m[2]}` : null;
}
