import { describe, expect, it } from 'vitest';
import { evaluateGates, parseDiveBytes, parseDiveCi } from './gates.js';
import { analyze } from './index.js';
import { file, input, whiteout } from './testing.js';

describe('parseDiveCi', () => {
  it('reads the three rules, with comments, quotes and units', () => {
    const text = '# dive ci\nrules:\n  lowest-efficiency: 0.95 # keep high\n  highest-wasted-bytes: "20MB"\n  highest-user-wasted-percent: 0.20\n';
    expect(parseDiveCi(text)).toEqual({ dive: { lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.2 } });
  });

  it('leaves disabled rules out', () => {
    expect(parseDiveCi('rules:\n  lowest-efficiency: disabled\n  highest-wasted-bytes: 1MiB\n')).toEqual({ dive: { highestWastedBytes: 1024 * 1024 } });
  });

  it.each([['rules:\n  lowest-efficiency: high\n'], ['rules:\n  biggest: 1\n'], ['rules:\n  highest-wasted-bytes: 20 parsecs\n'], ['rules\n']])('rejects %j', (text) => {
    expect(() => parseDiveCi(text)).toThrow(/dive-ci:\d+/);
  });

  it.each([['20MB', 20e6], ['1.5GiB', 1.5 * 1024 ** 3], ['512', 512], ['3kb', 3000]])('parseDiveBytes(%s) = %d', (text, n) => {
    expect(parseDiveBytes(text)).toBe(n);
  });
});

describe('evaluateGates', () => {
  // dive's figures for this image: a (600 B) is seen twice (600, then 0 for the whiteout of a file), b once:
  // efficiency = (0 + 400) / (600 + 400) = 0.4, wasted bytes 600, user bytes 0.
  const a = analyze(input([[file('a', 600), file('b', 400)], [whiteout('a')]]));

  it('compares each limit with the figure it names', () => {
    const r = evaluateGates(a, { maxSize: 999, minEfficiency: 0.5, maxWastedBytes: 600, maxWastedRatio: 0.5 });
    expect(r.map((g) => [g.gate, g.passed, g.actual])).toEqual([
      ['max-size', false, 1000],
      ['min-efficiency', false, 0.4],
      ['max-wasted', true, 600],
      ['max-wasted', false, 0.6],
    ]);
  });

  it('evaluates .dive-ci rules on dive’s figures', () => {
    const r = evaluateGates(a, { dive: { lowestEfficiency: 0.3, highestWastedBytes: 599, highestUserWastedPercent: 0.1 } });
    expect(r.map((g) => [g.gate, g.passed, g.actual])).toEqual([
      ['lowest-efficiency', true, 0.4],
      ['highest-wasted-bytes', false, 600],
      ['highest-user-wasted-percent', true, 0],
    ]);
    expect(a.dive.wastedBytes).toBe(600);
  });

  it('has no results without gates', () => {
    expect(evaluateGates(a, {})).toEqual([]);
  });
});
