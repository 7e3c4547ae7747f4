// Every Dockerfile of the lint corpus through `whittle fix`: no pass is rejected, fixing the result
// again changes nothing, the result parses (every RUN's script too), no rule reports more findings
// than before, and no fixable finding remains.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { fixTextSync } from '../src/fix/engine.js';
import { analyzeDockerfile } from '../src/lint/analysis.js';
import { lintTextSync } from '../src/lint/engine.js';
import { initShellParser } from '../src/shell/parser.js';
import { corpus } from './lint-corpus.fixtures.js';

beforeAll(async () => {
  await initShellParser();
});

function byRule(text: string, dockerignore?: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of lintTextSync(text, { dockerignore: dockerignore ?? null }).diagnostics) m.set(d.ruleId, (m.get(d.ruleId) ?? 0) + 1);
  return m;
}

describe('fix over the lint corpus', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const opts = { dockerignore: c.dockerignore ?? null };
    const r = fixTextSync(c.text, opts);
    expect(r.rejected).toBeNull();
    expect(r.remaining).toEqual([]);
    const again = fixTextSync(r.output, opts);
    expect(again.output).toBe(r.output);
    expect(again.applied).toEqual([]);
    const model = parseDockerfile(r.output);
    expect(model.instructions.filter((i) => !i.known).length).toBe(parseDockerfile(c.text).instructions.filter((i) => !i.known).length);
    expect(model.stages.length).toBe(parseDockerfile(c.text).stages.length);
    for (const run of analyzeDockerfile(model).runs) if (run.shell && !run.foreignShell) expect(run.shell.hasErrors).toBe(false);
    const before = byRule(c.text, c.dockerignore);
    for (const [id, n] of byRule(r.output, c.dockerignore)) expect(n, id).toBeLessThanOrEqual(before.get(id) ?? 0);
    // CRLF files stay CRLF, LF files stay LF.
    expect(r.output.includes('\r\n')).toBe(c.text.includes('\r\n'));
  });
});
