// dist/ must not need dev dependencies: every src module that imports vitest has to be one that
// tsconfig.build.json excludes (*.test.ts and testing.ts helpers such as the lint RuleTester).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('build excludes test-only modules', () => {
  const config = readFileSync(join(root, 'tsconfig.build.json'), 'utf8');

  it('tsconfig.build.json excludes tests and testing.ts helpers', () => {
    expect(config).toContain('"src/**/*.test.ts"');
    expect(config).toContain('"src/**/testing.ts"');
  });

  it('no module that the build compiles imports vitest', () => {
    const built = walk(join(root, 'src')).filter((f) => !f.endsWith('.test.ts') && !f.endsWith('/testing.ts'));
    const offenders = built.filter((f) => /from ['"]vitest(?:\/[\w-]+)?['"]/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});
