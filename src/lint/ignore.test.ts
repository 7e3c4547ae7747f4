import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../dockerfile/parse.js';
import { collectSuppressions, hadolintMap, isSuppressed } from './ignore.js';
import { rules } from './rules/index.js';

describe('suppressions', () => {
  it('maps every hadolint id a rule covers back to the rule', () => {
    const map = hadolintMap(rules);
    expect(map.get('DL3009')).toEqual(['apt-lists-not-removed']);
    expect(map.get('DL3019')).toEqual(['apk-no-cache']);
  });

  it('scopes a comment inside a RUN continuation to that RUN', () => {
    const m = parseDockerfile('FROM x\nRUN a \\\n  # whittle ignore=sudo\n  && sudo b\nRUN sudo c\n');
    const s = collectSuppressions(m, hadolintMap(rules));
    const run1 = m.instructions[1]!;
    const run2 = m.instructions[2]!;
    expect(isSuppressed(s, 'sudo', run1.span.end - 3)).toBe(true);
    expect(isSuppressed(s, 'sudo', run2.span.start + 4)).toBe(false);
  });
});
