import { describe, expect, it } from 'vitest';
import { compile, Matcher, parseDockerignore } from './dockerignore.js';
import { compileSource, type MatchSteps } from './pattern-nfa.js';

/** The matching of whittle ≤ this change: the backtracking RegExp, tested on rel and every parent. */
function regexMatchesOrParent(source: string, rel: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(source, 'su');
  } catch {
    return false;
  }
  if (re.test(rel)) return true;
  const parents = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parents.length; i++) if (re.test(parents.slice(0, i).join('/'))) return true;
  return false;
}

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const PATTERN_ALPHABET = ['a', 'b', '/', '*', '**', '?', '[', ']', '^', '!', '-', '\\', '.', '(', ')', '$', '+', '{', '}', '|', 'é', '😀', ' ', '\n'];
const PATH_ALPHABET = ['a', 'b', '/', '.', '-', '[', ']', '^', '*', '\\', 'é', '😀', ' ', '\n', '$'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** A path that the hostile patterns almost match: the backtracking engine tried every split of it. */
function hostilePath(depth: number): string {
  return Array.from({ length: depth }, () => 'abcd'.repeat(3)).join('/') + '/' + 'abcd'.repeat(4);
}

/** pathLike writes the pattern with its wildcards filled in, so that many of the paths match. */
function pathLike(r: () => number, pattern: string): string {
  return pattern.replace(/\*\*|\*|\?/g, () => Array.from({ length: Math.floor(r() * 3) }, () => pick(r, PATH_ALPHABET)).join('') || pick(r, PATH_ALPHABET));
}

const HOSTILE = ['**/**/**/**/**/**/*a*b*c*d*e*', '*/*/**/*a*a*a*a*a*a*a*b', '**/a**a**a**a**a**a**b', '[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*z'];

describe('pattern automaton', () => {
  it('answers as the regular expression did, on 4,000 random patterns and paths', () => {
    const r = rng(18);
    let matches = 0;
    for (let n = 0; n < 4000; n++) {
      const pattern = Array.from({ length: 1 + Math.floor(r() * 7) }, () => pick(r, PATTERN_ALPHABET)).join('');
      const source = compile(pattern);
      const m = compileSource(source);
      for (let k = 0; k < 6; k++) {
        const rel = k % 2 === 0 ? Array.from({ length: Math.floor(r() * 8) }, () => pick(r, PATH_ALPHABET)).join('') : pathLike(r, pattern);
        const want = regexMatchesOrParent(source, rel);
        if (want) matches++;
        expect({ pattern, rel, got: m.matchesOrParent(rel) }).toEqual({ pattern, rel, got: want });
        // The matcher a .dockerignore line gets (a literal one for a pattern without wildcards).
        for (const p of parseDockerignore(pattern)) {
          expect({ line: pattern, rel, got: p.matcher.matchesOrParent(rel) }).toEqual({ line: pattern, rel, got: regexMatchesOrParent(compile(p.pattern), rel) });
        }
      }
    }
    // The sample is not all misses: a good share of the cases match.
    expect(matches).toBeGreaterThan(2000);
  });

  it('agrees with the regular expression on the patterns of dockerignore files', () => {
    const patterns = ['*.md', '**/*.md', 'a/**', '**', 'a/**/b', '[^a]*', '[!a]*', 'a\\*b', '?', 'src/lib/*.test.js', '**/.git', 'x**y', '[a-c]/?'];
    const paths = ['a', 'a.md', 'a/b', 'a/x/y/b', 'b/c.md', 'x/y/z.md', 'a*b', 'src/lib/util.test.js', '.git', 'q/.git/config', 'xy', 'x/y', 'b/z', 'd'];
    for (const pattern of patterns) {
      const source = compile(pattern);
      for (const rel of paths) expect([pattern, rel, compileSource(source).matchesOrParent(rel)]).toEqual([pattern, rel, regexMatchesOrParent(source, rel)]);
    }
  });

  it('matches a hostile pattern in steps bounded by (code points + 1) × 3 × states, linear in the depth', () => {
    for (const pattern of HOSTILE) {
      const m = compileSource(compile(pattern));
      const counts: number[] = [];
      for (const depth of [30, 60, 120]) {
        const rel = hostilePath(depth);
        const steps: MatchSteps = { count: 0 };
        m.matchesOrParent(rel, steps);
        expect(steps.count).toBeLessThanOrEqual((Array.from(rel).length + 1) * 3 * m.size);
        counts.push(steps.count);
      }
      // Doubling the path at most doubles the work (plus the constant of the file name).
      expect(counts[1]!).toBeLessThanOrEqual(2 * counts[0]! + 3 * m.size * 17);
      expect(counts[2]!).toBeLessThanOrEqual(2 * counts[1]! + 3 * m.size * 17);
    }
  });

  it('the Matcher of a hostile .dockerignore decides a deep path in bounded steps', () => {
    const matcher = new Matcher(parseDockerignore(HOSTILE.join('\n') + '\n!**/keep\n'));
    const rel = hostilePath(30);
    const steps: MatchSteps = { count: 0 };
    matcher.decidingPattern(rel, steps);
    const bound = matcher.patterns.reduce((sum, p) => sum + (Array.from(rel).length + 1) * 3 * p.matcher.size, 0);
    expect(steps.count).toBeGreaterThan(0);
    expect(steps.count).toBeLessThanOrEqual(bound);
  });

  it('a pattern whose expression does not compile matches nothing', () => {
    for (const pattern of ['[z-a]', 'a]', '[unclosed', '**[']) {
      expect(() => new RegExp(compile(pattern), 'su')).toThrow();
      expect(compileSource(compile(pattern)).matchesOrParent('z')).toBe(false);
    }
  });
});
