// The sample outputs in docs/ are what whittle prints today: scripts/docs-samples.mjs regenerates
// every `<!-- sample: whittle … -->` block, and --check fails on any block that differs. Runs the
// built CLI (npm test builds dist/ first).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('docs samples', () => {
  it('are marked in the docs that show output', () => {
    const marked = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && readFileSync(join(root, 'docs', f), 'utf8').includes('<!-- sample: whittle '));
    expect(marked.sort()).toEqual(expect.arrayContaining(['analyze.md', 'fix.md', 'lint-json.md']));
  });

  it('match what the commands print', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/docs-samples.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
