import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../dockerfile/parse.js';
import { buildkitMap, collectSuppressions, hadolintMap, isSuppressed } from './ignore.js';
import { rules } from './rules/index.js';

describe('suppressions', () => {
  it('maps every hadolint id a rule covers back to the rule', () => {
    const map = hadolintMap(rules);
    expect(map.get('DL3009')).toEqual(['apt-lists-not-removed']);
    expect(map.get('DL3019')).toEqual(['apk-no-cache']);
  });

  it('honours BuildKit\'s # check=skip= directive for the rules covering those checks', () => {
    const bk = buildkitMap(rules);
    const one = collectSuppressions(parseDockerfile('# check=skip=JSONArgsRecommended,NoSuchCheck;error=true\nFROM x\nCMD a b\n'), hadolintMap(rules), bk);
    expect([...one.global]).toEqual(['json-args-recommended']);
    const all = collectSuppressions(parseDockerfile('# check=skip=all\nFROM x\n'), hadolintMap(rules), bk);
    expect([...all.global].sort()).toEqual(rules.filter((r) => r.meta.covers.buildkit.length > 0).map((r) => r.meta.id).sort());
    expect(all.global.has('apt-lists-not-removed')).toBe(false);
    // Only as a parser directive at the top: later it is a plain comment.
    expect(collectSuppressions(parseDockerfile('FROM x\n# check=skip=JSONArgsRecommended\nCMD a b\n'), hadolintMap(rules), bk).global.size).toBe(0);
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
