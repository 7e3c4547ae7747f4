// `npm pack` gives a package that works where it is installed: prepack builds dist/, the tarball
// holds the CLI, the library, its types and the rule docs the text output links to, and the
// installed command runs (dependencies resolved as an install would: from a node_modules beside it).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs a built, working package', async () => {
    const out = await mkdtemp(join(tmpdir(), 'whittle-pack-'));
    dirs.push(out);
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    const files = new Set(info!.files.map((f) => f.path));
    for (const f of ['bin/whittle.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'docs/rules/apk-no-cache.md', 'package.json', 'README.md']) expect(files, f).toContain(f);
    expect([...files].filter((f) => f.endsWith('.test.js') || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);

    execFileSync('tar', ['-xzf', join(out, info!.filename), '-C', out]);
    const pkg = join(out, 'package');
    await symlink(join(root, 'node_modules'), join(pkg, 'node_modules'));
    expect(execFileSync(process.execPath, [join(pkg, 'bin/whittle.js'), '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const rules = JSON.parse(execFileSync(process.execPath, [join(pkg, 'bin/whittle.js'), 'rules', '--json'], { encoding: 'utf8' })) as { id: string }[];
    expect(rules.length).toBe((await readdir(join(root, 'docs/rules'))).filter((f) => f !== 'README.md').length);
  });
});
