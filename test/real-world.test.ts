// The real-world suite (test/real-world/dockerfiles.ts): whittle reports exactly the findings a person
// reviewed on each file (true ones and the false positives listed with their reason), and `whittle fix` (safe) leaves a file that
// lints no worse and is a fixed point. test/fix-semantics.test.ts runs the same files through its
// build simulation.
import { beforeAll, describe, expect, it } from 'vitest';
import { fixTextSync } from '../src/fix/engine.js';
import { lintTextSync } from '../src/lint/engine.js';
import { initShellParser } from '../src/shell/parser.js';
import { REAL_WORLD, findingOf } from './real-world/dockerfiles.js';

beforeAll(async () => {
  await initShellParser();
});

describe('real-world Dockerfiles', () => {
  it.each(REAL_WORLD.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const opts = f.target ? { target: f.target } : {};
    const found = lintTextSync(f.text, opts).diagnostics.map((d) => `${d.range.start.line + 1} ${d.ruleId}/${d.messageId}`);
    expect(found).toEqual(f.findings.map(findingOf));
    const fixed = fixTextSync(f.text, opts);
    expect(fixed.rejected).toBeNull();
    expect(fixTextSync(fixed.output, opts).output).toBe(fixed.output);
  });
});
