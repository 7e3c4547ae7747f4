// Which npm the official node image ships, as far as its tag tells: the Node split
// (src/lint/structural/multi-stage-node.ts) prunes with `npm prune --omit=dev`, which npm 7 (Node 15)
// introduced, and falls back to `--production`, which every npm accepts (npm 9 and later print a
// deprecation warning, and still omit the devDependencies), when the tag does not prove npm ≥ 7.
// package.json cannot prove it: npm enforces `engines.npm` only under engine-strict, and
// `packageManager: "npm@…"` only through corepack, so the npm that runs is the image's.

/** Node release lines by codename: node:iron is Node 20. */
const CODENAMES: Record<string, number> = {
  argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24,
};

/**
 * Tags with no version that follow the newest releases (or did until Node ≥ 16: bullseye). Frozen
 * variant tags are left out on purpose: node:jessie and node:alpine3.11 stopped on an older npm.
 */
const ROLLING = new Set(['', 'latest', 'current', 'lts', 'alpine', 'slim', 'bookworm', 'bullseye', 'trixie']);

/**
 * nodeMajorOfTag reads the Node major version an official node image tag names: `20`, `20.11-slim`,
 * `iron-alpine` → 20. Rolling tags (latest, lts, current, alpine, bookworm…) give Infinity (the newest
 * line); a tag that names no version whittle knows gives null.
 */
export function nodeMajorOfTag(tag: string | null): number | null {
  const t = (tag ?? '').toLowerCase();
  const n = /^(\d+)(?:[.-]|$)/.exec(t);
  if (n) return Number(n[1]);
  const [first = '', ...rest] = t.split('-');
  if (first in CODENAMES) return CODENAMES[first]!;
  if (ROLLING.has(first) && rest.every((p) => ROLLING.has(p) || p === 'slim')) return Infinity;
  return null;
}

/** npmKnowsOmit: whether the npm of an official node image with this tag accepts `--omit=dev` (npm ≥ 7, Node ≥ 15). */
export function npmKnowsOmit(tag: string | null): boolean {
  const major = nodeMajorOfTag(tag);
  return major !== null && major >= 15;
}
