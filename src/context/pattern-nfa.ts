// A .dockerignore pattern matcher that runs in time linear in the path, written by hand because
// the regular expression patternmatcher builds (src/context/dockerignore.ts, `compile`) backtracks:
// `**/**/**/**/**/**/*a*b*c*d*e*` took 32 s on one path 30 directories deep in V8's engine. The
// source of that very expression is parsed here (the small subset of JavaScript `u`-mode syntax
// that `compile` can produce: literals, `\` escapes, `.`, classes, one kind of group, `*` and `?`,
// the `^`/`$` anchors) into a Thompson automaton, which is run as a set of states over the path's
// code points: at most (states) steps per character, never any backtracking. Matching the regex
// source rather than re-deriving the glob keeps every odd pattern (a `*` inside a class, a class
// that can match `/`) answering exactly as the regular expression did; a source that the
// JavaScript engine rejects matches nothing, as before.
// One run over the path also answers for each of its parent directories (the prefixes ending
// before a `/`), which patternmatcher.MatchesOrParentMatches tests one by one.

/** MatchSteps counts the automaton's steps, so a test can prove the bound without timing it. */
export interface MatchSteps {
  count: number;
}

const K_CHAR = 0;
const K_SPLIT = 1;
const K_BOL = 2;
const K_EOL = 3;
const K_MATCH = 4;

type Atom =
  | { t: 'any' }
  | { t: 'lit'; cp: number }
  | { t: 'class'; negate: boolean; ranges: number[] }
  | { t: 'group'; seq: Item[] }
  | { t: 'bol' }
  | { t: 'eol' };

interface Item {
  atom: Atom;
  quant: '' | '*' | '?';
}

/** The characters JavaScript allows after `\` in `u` mode outside a class (identity escapes). */
const SYNTAX = new Set(Array.from('^$\\.*+?()[]{}|/').map((c) => c.codePointAt(0)!));
const DASH = 0x2d;

class SourceParser {
  private i = 0;
  constructor(private readonly cps: number[]) {}

  parse(): Item[] {
    const seq = this.sequence();
    if (this.i !== this.cps.length) throw new Error('unbalanced )');
    return seq;
  }

  private sequence(): Item[] {
    const items: Item[] = [];
    while (this.i < this.cps.length) {
      const c = this.cps[this.i]!;
      if (c === 0x29 /* ) */) break;
      if (c === 0x2a /* * */ || c === 0x3f /* ? */) {
        const last = items[items.length - 1];
        if (!last || last.quant !== '' || last.atom.t === 'bol' || last.atom.t === 'eol') throw new Error('nothing to repeat');
        last.quant = c === 0x2a ? '*' : '?';
        this.i++;
        // A `?` after a quantifier makes it lazy, which changes nothing for a yes/no match.
        if (this.cps[this.i] === 0x3f) this.i++;
        continue;
      }
      items.push({ atom: this.atom(), quant: '' });
    }
    return items;
  }

  private atom(): Atom {
    const c = this.cps[this.i++]!;
    switch (c) {
      case 0x5e /* ^ */:
        return { t: 'bol' };
      case 0x24 /* $ */:
        return { t: 'eol' };
      case 0x2e /* . */:
        return { t: 'any' };
      case 0x5c /* \ */: {
        const e = this.cps[this.i++];
        if (e === undefined || !SYNTAX.has(e)) throw new Error('escape outside the subset');
        return { t: 'lit', cp: e };
      }
      case 0x28 /* ( */: {
        const seq = this.sequence();
        if (this.cps[this.i] !== 0x29) throw new Error('unclosed group');
        this.i++;
        return { t: 'group', seq };
      }
      case 0x5b /* [ */:
        return this.charClass();
      case 0x5d: // ]
      case 0x7b: // {
      case 0x7d: // }
      case 0x7c: // |
      case 0x2b: // +
        throw new Error('syntax outside the subset');
      default:
        return { t: 'lit', cp: c };
    }
  }

  private charClass(): Atom {
    let negate = false;
    if (this.cps[this.i] === 0x5e) {
      negate = true;
      this.i++;
    }
    const ranges: number[] = [];
    for (;;) {
      if (this.i >= this.cps.length) throw new Error('unclosed class');
      if (this.cps[this.i] === 0x5d) {
        this.i++;
        return { t: 'class', negate, ranges };
      }
      const lo = this.classAtom();
      if (this.cps[this.i] === DASH && this.i + 1 < this.cps.length && this.cps[this.i + 1] !== 0x5d) {
        this.i++;
        const hi = this.classAtom();
        if (lo > hi) throw new Error('range out of order');
        ranges.push(lo, hi);
      } else {
        ranges.push(lo, lo);
      }
    }
  }

  private classAtom(): number {
    const c = this.cps[this.i++]!;
    if (c !== 0x5c) return c;
    const e = this.cps[this.i++];
    if (e === undefined || !(SYNTAX.has(e) || e === DASH)) throw new Error('class escape outside the subset');
    return e;
  }
}

/** PatternAutomaton is one compiled pattern: a Thompson automaton over code points. */
export class PatternAutomaton {
  private readonly kind: number[] = [];
  private readonly out1: number[] = [];
  private readonly out2: number[] = [];
  private readonly test: Array<((cp: number) => boolean) | null> = [];
  private readonly start: number;
  private readonly mark: Int32Array;
  private gen = 0;

  constructor(items: Item[]) {
    const match = this.add(K_MATCH, -1, -1, null);
    this.start = this.seq(items, match);
    this.mark = new Int32Array(this.kind.length);
  }

  private add(kind: number, a: number, b: number, test: ((cp: number) => boolean) | null): number {
    this.kind.push(kind);
    this.out1.push(a);
    this.out2.push(b);
    this.test.push(test);
    return this.kind.length - 1;
  }

  private seq(items: Item[], next: number): number {
    for (let k = items.length - 1; k >= 0; k--) next = this.item(items[k]!, next);
    return next;
  }

  private item(it: Item, next: number): number {
    if (it.quant === '') return this.atom(it.atom, next);
    if (it.quant === '?') {
      const body = this.atom(it.atom, next);
      return this.add(K_SPLIT, body, next, null);
    }
    const loop = this.add(K_SPLIT, -1, next, null);
    this.out1[loop] = this.atom(it.atom, loop);
    return loop;
  }

  private atom(a: Atom, next: number): number {
    switch (a.t) {
      case 'bol':
        return this.add(K_BOL, next, -1, null);
      case 'eol':
        return this.add(K_EOL, next, -1, null);
      case 'group':
        return this.seq(a.seq, next);
      case 'any':
        return this.add(K_CHAR, next, -1, () => true);
      case 'lit': {
        const want = a.cp;
        return this.add(K_CHAR, next, -1, (cp) => cp === want);
      }
      case 'class': {
        const { ranges, negate } = a;
        return this.add(K_CHAR, next, -1, (cp) => {
          for (let r = 0; r < ranges.length; r += 2) if (cp >= ranges[r]! && cp <= ranges[r + 1]!) return !negate;
          return negate;
        });
      }
    }
  }

  /** The number of states, the factor of the bound: steps ≤ (code points + 1) × 3 × states. */
  get size(): number {
    return this.kind.length;
  }

  /**
   * matchesOrParent tells whether the pattern matches `rel` or one of its parent directories
   * (each prefix of rel that ends before a `/`), in one pass over rel.
   */
  matchesOrParent(rel: string, steps?: MatchSteps): boolean {
    const n = this.kind.length;
    // Two state lists (read from, written to) and their `$` lists, reused for every character.
    let cur = new Int32Array(n);
    let nxt = new Int32Array(n);
    let curEnds = new Int32Array(n);
    let nxtEnds = new Int32Array(n);
    const stack = new Int32Array(3 * n + 1);
    this.gen++;
    let [count, endCount] = this.closure(this.start, true, cur, 0, curEnds, 0, stack, steps);
    for (let i = 0; i < rel.length; i++) {
      let cp = rel.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < rel.length) {
        const lo = rel.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      // A parent directory ends here: does the pattern match the text read so far?
      if (cp === 0x2f && this.acceptsAtEnd(cur, count, curEnds, endCount, stack, steps)) return true;
      if (count === 0) return false;
      this.gen++;
      let nc = 0;
      let ne = 0;
      for (let k = 0; k < count; k++) {
        const s = cur[k]!;
        if (steps) steps.count++;
        if (this.kind[s] === K_CHAR && this.test[s]!(cp)) [nc, ne] = this.closure(this.out1[s]!, false, nxt, nc, nxtEnds, ne, stack, steps);
      }
      [cur, nxt] = [nxt, cur];
      [curEnds, nxtEnds] = [nxtEnds, curEnds];
      count = nc;
      endCount = ne;
    }
    return this.acceptsAtEnd(cur, count, curEnds, endCount, stack, steps);
  }

  /**
   * closure adds `s` and what it reaches without reading a character to `into` (from index
   * `count`), and the `$` states it meets to `ends`; it returns the new lengths of both.
   */
  private closure(s: number, atStart: boolean, into: Int32Array, count: number, ends: Int32Array, endCount: number, stack: Int32Array, steps?: MatchSteps): [number, number] {
    let top = 0;
    stack[top++] = s;
    while (top > 0) {
      const t = stack[--top]!;
      if (this.mark[t] === this.gen) continue;
      this.mark[t] = this.gen;
      if (steps) steps.count++;
      switch (this.kind[t]) {
        case K_SPLIT:
          stack[top++] = this.out2[t]!;
          stack[top++] = this.out1[t]!;
          break;
        case K_BOL:
          if (atStart) stack[top++] = this.out1[t]!;
          break;
        case K_EOL:
          ends[endCount++] = t;
          break;
        default:
          into[count++] = t;
      }
    }
    return [count, endCount];
  }

  /** acceptsAtEnd tells whether the states, with the text ending here, reach the match state. */
  private acceptsAtEnd(cur: Int32Array, count: number, ends: Int32Array, endCount: number, stack: Int32Array, steps?: MatchSteps): boolean {
    for (let k = 0; k < count; k++) if (this.kind[cur[k]!] === K_MATCH) return true;
    if (endCount === 0) return false;
    // Follow `$` (and whatever follows it without reading) with the text's end as the position;
    // the marks of this pass are a generation of their own, so the lists above stay valid.
    const saved = this.gen;
    this.gen = -saved - 1;
    let top = 0;
    for (let k = 0; k < endCount; k++) stack[top++] = this.out1[ends[k]!]!;
    let found = false;
    while (top > 0 && !found) {
      const t = stack[--top]!;
      if (this.mark[t] === this.gen) continue;
      this.mark[t] = this.gen;
      if (steps) steps.count++;
      const k = this.kind[t];
      if (k === K_MATCH) found = true;
      else if (k === K_SPLIT) {
        stack[top++] = this.out2[t]!;
        stack[top++] = this.out1[t]!;
      } else if (k === K_EOL) stack[top++] = this.out1[t]!;
    }
    this.gen = saved;
    return found;
  }
}

/**
 * literalMatcher is the matcher of a pattern without any of `* ? [ ] \\ ^`: its expression matches
 * that text only, so it matches rel or a parent exactly when rel is the text or starts with it and `/`.
 */
export function literalMatcher(text: string): PatternMatcher {
  const dir = text + '/';
  return {
    matchesOrParent(rel: string, steps?: MatchSteps): boolean {
      if (steps) steps.count++;
      return rel === text || rel.startsWith(dir);
    },
    size: 1,
  };
}

/** NEVER is the automaton of a pattern whose expression does not compile: it matches nothing. */
const NEVER = { matchesOrParent: (_rel: string, _steps?: MatchSteps) => false, size: 0 };

export type PatternMatcher = Pick<PatternAutomaton, 'matchesOrParent' | 'size'>;

/**
 * compileSource builds the matcher of a regular expression source made by dockerignore's
 * `compile` (anchored, flags `su`). A source JavaScript rejects matches nothing.
 */
export function compileSource(source: string): PatternMatcher {
  try {
    new RegExp(source, 'su');
  } catch {
    return NEVER;
  }
  // `compile` produces nothing outside the subset (src/context/pattern-nfa.test.ts compares the two
  // on random patterns); should it ever, the pattern matches nothing rather than crash the run.
  try {
    return new PatternAutomaton(new SourceParser(Array.from(source, (c) => c.codePointAt(0)!)).parse());
  } catch {
    return NEVER;
  }
}
