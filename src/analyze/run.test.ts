import { describe, expect, it } from 'vitest';
import { file, whiteout } from './testing.js';
import { sameSizeRewrites } from './run.js';

describe('sameSizeRewrites', () => {
  it('names both copies of a file a later layer writes again with the same size, and nothing else', () => {
    const layers = [
      [file('etc/status', 400), file('bin/tool', 1000), file('same-layer', 5), file('same-layer', 5)],
      [file('bin/tool', 999), whiteout('etc/other')],
      [file('etc/status', 400)],
    ];
    const out = sameSizeRewrites(layers);
    expect([...out.keys()].sort()).toEqual([0, 2]);
    expect([...out.get(0)!]).toEqual(['etc/status']);
    expect([...out.get(2)!]).toEqual(['etc/status']);
  });
  it('compares with the latest version below', () => {
    const out = sameSizeRewrites([[file('a', 1)], [file('a', 2)], [file('a', 2)]]);
    expect([...out.entries()].map(([k, v]) => [k, [...v]])).toEqual([[1, ['a']], [2, ['a']]]);
  });
});
