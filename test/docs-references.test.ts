// Comments and docs that name a file of this repository must name one that exists: a moved or
// deleted module leaves no pointer behind. Scans src/ (code and comments, tests aside: they make up
// paths on purpose), docs/, README.md and bench/ for paths under src/, test/, docs/, bench/ and
// examples/. A path in another project is written with its owner (hadolint's `Hadolint/Rule`…) or
// after `OWNER/REPO:`, which this check skips.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function walk(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out;
}

const sources = [
  ...walk(join(root, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts')),
  ...walk(join(root, 'docs'), (f) => f.endsWith('.md')),
  ...walk(join(root, 'bench'), (f) => /\.(?:mjs|js|ts|md)$/.test(f)),
  join(root, 'README.md'),
];

const PATH = /(?<![\w./:-])((?:src|test|docs|bench|examples)\/[A-Za-z0-9_.\-/]*[A-Za-z0-9_/])/g;

/** exists: the path as written, or a `.js` import path whose source is `.ts`. */
function exists(p: string): boolean {
  const abs = join(root, p);
  return existsSync(abs) || (p.endsWith('.js') && existsSync(abs.replace(/\.js$/, '.ts')));
}

describe('paths named in code comments and docs', () => {
  it.each(sources.map((f) => [relative(root, f), f] as const))('%s names only files that exist', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const missing = new Set<string>();
    for (const m of text.matchAll(PATH)) {
      const p = m[1]!;
      // Paths inside images or other projects (`src/.git`, `src/main.rs`) are not ours: check names of
      // this repository's kinds of file, and directories written with their trailing slash.
      if (/[*<>{}$]/.test(p) || p.includes('..') || !/(?:\.(?:ts|js|mjs|md|json)|\/)$/.test(p)) continue;
      if (!exists(p)) missing.add(p);
    }
    expect([...missing]).toEqual([]);
  });
});
