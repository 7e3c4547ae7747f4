// .dockerignore parsing and matching, written by hand after moby's `patternmatcher` and buildkit's
// `frontend/dockerfile/dockerignore.ReadAll` rather than taken from @balena/dockerignore. Checked
// on the 31 cases of test/context-cases.ts, @balena/dockerignore agrees on path matching in 30, but
// it answers "is this path ignored?" only: it has no notion of which excluded directories the
// builder's walk enters, so for `a` + `!**/keep.txt` it reports `a/b/keep.txt` as sent while Docker
// 20.10's legacy builder never walks into `a` and does not send it. whittle needs that walk rule
// (Matcher.mustWalk) and the deciding pattern anyway, which is most of the matcher.
// Rules followed here (checked against a Docker 20.10 engine by test/engine/context.test.ts):
// - a line whose first byte is `#` is a comment (a `#` after leading spaces is a pattern);
// - lines are trimmed; empty lines are dropped; a leading `!` marks a re-include (trimmed again);
// - each pattern is path.Clean'ed and a leading `/` is stripped;
// - `*` matches within one path segment, `?` one non-`/` character, `[...]` a class, `\` escapes;
//   `**` matches any number of segments (`**/` may match none; a trailing `**` matches everything);
// - a path is excluded when the last pattern matching it or one of its parent directories is not a
//   `!` pattern.
// Patterns are compiled to patternmatcher's regular expression, whose source is then run by the
// automaton of pattern-nfa.ts in one linear pass per path (V8's backtracking took 11 s and more on
// a hostile pattern; bench/dockerignore.mjs).
// The directory walk (walk.ts) still enters an excluded directory when a `!` pattern exists that
// could match inside it, as the legacy builder's archive walk does.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import { kindOf } from '../internal/regular-file.js';
import { compileSource, literalMatcher, type MatchSteps, type PatternMatcher } from './pattern-nfa.js';

export interface IgnorePattern {
  /** The cleaned pattern without `!`. */
  pattern: string;
  exclusion: boolean;
  /** 1-based line in the .dockerignore file. */
  line: number;
  /** The pattern's automaton: matches rel or a parent of it in one linear pass (pattern-nfa.ts). */
  matcher: PatternMatcher;
}

/** parseDockerignore reads the patterns of a .dockerignore file the way BuildKit's ReadAll does. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    if (i === 0 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.startsWith('#')) continue;
    let p = raw.trim();
    if (p === '') continue;
    let exclusion = false;
    if (p.startsWith('!')) {
      exclusion = true;
      p = p.slice(1).trim();
    }
    if (p.length > 0) {
      p = path.posix.normalize(p);
      if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    out.push({ pattern: p, exclusion, line: i + 1, matcher: /[*?[\]\\^]/.test(p) ? compileSource(compile(p)) : literalMatcher(p) });
  }
  return out;
}

// patternmatcher's shouldEscape set: `^` is not in it, so `[^a]` negates a class as in Go's regexp.
const SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * compile turns one cleaned pattern into the source of an anchored regular expression (flags `su`),
 * as patternmatcher.compile does. The source defines the pattern's meaning; it is run by the
 * automaton of pattern-nfa.ts, never by the backtracking RegExp engine.
 */
export function compile(pattern: string): string {
  let re = '^';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        if (i + 1 >= chars.length) re += '.*';
        else re += '(.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '\\') {
      if (i + 1 < chars.length) {
        i++;
        re += escapeChar(chars[i]!);
      } else {
        re += '\\\\';
      }
    } else if (ch === '[') {
      // Go's filepath.Match negates a class with `^` (and regexp does too); keep the class as written.
      re += '[';
    } else if (ch === ']') {
      re += ']';
    } else if (SPECIAL.has(ch)) {
      re += '\\' + ch;
    } else {
      // An unescaped `^` reaches the regexp as is (class negation, or an anchor that cannot match).
      re += ch === '^' ? '^' : escapeChar(ch);
    }
  }
  // Docker reports a syntax error for the build; a source that cannot compile matches nothing here.
  return re + '$';
}

function escapeChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
}

/** Matcher answers "is this context path excluded?" for slash-separated paths relative to the root. */
export class Matcher {
  readonly hasExclusions: boolean;
  constructor(readonly patterns: readonly IgnorePattern[]) {
    this.hasExclusions = patterns.some((p) => p.exclusion);
  }

  /** excluded is patternmatcher.MatchesOrParentMatches: the last matching pattern decides. */
  excluded(rel: string): boolean {
    return this.decidingPattern(rel)?.exclusion === false;
  }

  /** decidingPattern returns the last pattern whose verdict applies to rel, or undefined. */
  decidingPattern(rel: string, steps?: MatchSteps): IgnorePattern | undefined {
    let matched = false;
    let decider: IgnorePattern | undefined;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      if (p.matcher.matchesOrParent(rel, steps)) {
        matched = !p.exclusion;
        decider = p;
      }
    }
    return decider;
  }

  /**
   * mustWalk tells whether an excluded directory still has to be entered because some `!` pattern
   * could re-include something inside it (the legacy builder's rule: the pattern starts with the
   * directory's path).
   */
  mustWalk(dirRel: string): boolean {
    if (!this.hasExclusions) return false;
    const prefix = dirRel + '/';
    return this.patterns.some((p) => p.exclusion && (p.pattern + '/').startsWith(prefix));
  }
}

/** IgnoreFile is the ignore file a build uses and its text. */
export interface IgnoreFile {
  path: string;
  text: string;
}

/** ignoreCandidates lists the ignore files BuildKit looks for, in order of precedence. */
export function ignoreCandidates(contextDir: string, dockerfilePath: string): string[] {
  return [`${dockerfilePath}.dockerignore`, path.join(contextDir, '.dockerignore')];
}

/**
 * findIgnoreFile reads the ignore file a build of dockerfilePath with contextDir as its context
 * uses: `<Dockerfile>.dockerignore` beside the Dockerfile wins over `<context>/.dockerignore`, as in
 * BuildKit. Null when there is none; a candidate that exists but cannot be read is an error.
 * The one lookup for `whittle lint` (context = the Dockerfile's directory), `whittle context` and
 * `whittle fix --verify`.
 */
export async function findIgnoreFile(contextDir: string, dockerfilePath: string): Promise<IgnoreFile | null> {
  for (const cand of ignoreCandidates(contextDir, dockerfilePath)) {
    // a FIFO or device would block or never end: refused before it is opened
    const kind = await stat(cand).then(kindOf, () => null);
    if (kind !== null && kind !== 'a directory') throw new WhittleError('unsupported', `${cand} is ${kind}, not a regular file: a .dockerignore is read from a file`);
    try {
      return { path: cand, text: await readFile(cand, 'utf8') };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') continue;
      throw wrap(`reading ${cand}`, err);
    }
  }
  return null;
}
