// The library API cannot be called too early: the sync entry points refuse to run before the shell
// grammar has loaded (every shell-based rule would silently find nothing), and the async ones load it.
// The order of these tests matters: the first runs before anything in this file loads the grammar.
import { describe, expect, it } from 'vitest';
import { lintTextSync } from '../lint/engine.js';
import { fixText, fixTextSync } from './engine.js';

const APT = 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n';

describe('library entry points', () => {
  it('lintTextSync and fixTextSync throw before the shell grammar is loaded', () => {
    expect(() => lintTextSync(APT)).toThrow(/initShellParser/);
    expect(() => fixTextSync(APT)).toThrow(/initShellParser/);
  });

  it('fixText loads the grammar itself and applies the shell-based fixes', async () => {
    const r = await fixText(APT);
    expect(r.applied.map((a) => a.ruleId).sort()).toEqual(['apt-lists-not-removed', 'apt-no-install-recommends']);
    expect(r.output).toBe('FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\n');
    expect(lintTextSync(r.output).diagnostics.filter((d) => d.fix)).toEqual([]);
  });
});
