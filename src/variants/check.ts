// The check every variant runs: --check-cmd ARGS, --check-http PORT/PATH, or the image's
// HEALTHCHECK; and how its runs become a row's verdict and timing (median and spread).
import { WhittleError } from '../errors.js';
import type { Check, CheckRun } from './types.js';

/** splitWords splits a --check-cmd value as a shell would split plain words and quotes (no expansion). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let any = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      any = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      any = true;
    } else if (/\s/.test(c)) {
      if (any || cur !== '') out.push(cur);
      cur = '';
      any = false;
    } else cur += c;
  }
  if (quote) throw new WhittleError('usage', `--check-cmd: unterminated ${quote} quote`);
  if (any || cur !== '') out.push(cur);
  return out;
}

/** parseCheck turns the flags into the one check every variant runs. */
export function parseCheck(flags: { checkCmd?: string; checkHttp?: string }): Check {
  if (flags.checkCmd !== undefined && flags.checkHttp !== undefined) throw new WhittleError('usage', '--check-cmd and --check-http cannot be used together');
  if (flags.checkCmd !== undefined) {
    const args = splitWords(flags.checkCmd);
    if (args.length === 0) throw new WhittleError('usage', '--check-cmd needs a command');
    return { kind: 'cmd', args };
  }
  if (flags.checkHttp !== undefined) {
    const m = /^(\d{1,5})(\/.*)?$/.exec(flags.checkHttp);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new WhittleError('usage', `--check-http needs PORT/PATH (e.g. 8080/health), got ${JSON.stringify(flags.checkHttp)}`);
    return { kind: 'http', port: Number(m[1]), path: m[2] ?? '/' };
  }
  return { kind: 'healthcheck' };
}

/** describeCheck is the check in words, for the table's heading. */
export function describeCheck(c: Check): string {
  switch (c.kind) {
    case 'cmd':
      return `docker run --rm IMAGE ${c.args.join(' ')}: exit code and stdout`;
    case 'http':
      return `GET http://127.0.0.1:<port>${c.path} (container port ${c.port}): status and body`;
    case 'healthcheck':
      return "the image's HEALTHCHECK reaching healthy";
    case 'none':
      return 'none (no --check-cmd, --check-http or HEALTHCHECK): variants are built, not proven';
  }
}

/** median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Verdict is what a variant's check runs add up to. */
export interface Verdict {
  ok: boolean;
  reason: string | null;
  answer: string;
  medianMs: number;
  spreadMs: number;
  runs: number;
}

/**
 * judge turns a warm-up run and the timed runs into a verdict: every run must pass and give the
 * reference answer (the as-is image's; none for as-is itself). Timing: median and max − min.
 */
export function judge(warmup: CheckRun, runs: readonly CheckRun[], reference: string | null): Verdict {
  const ms = runs.map((r) => r.ms);
  const timing = { medianMs: ms.length ? median(ms) : warmup.ms, spreadMs: ms.length ? Math.max(...ms) - Math.min(...ms) : 0, runs: runs.length };
  const bad = [warmup, ...runs].find((r) => !r.ok);
  if (bad) return { ok: false, reason: `check failed: ${bad.detail || bad.answer}`, answer: bad.answer, ...timing };
  const other = [warmup, ...runs].find((r) => r.answer !== (reference ?? warmup.answer));
  if (other) {
    const wanted = reference ?? warmup.answer;
    return { ok: false, reason: `check answered ${JSON.stringify(clip(other.answer))}, as-is answered ${JSON.stringify(clip(wanted))}`, answer: other.answer, ...timing };
  }
  return { ok: true, reason: null, answer: warmup.answer, ...timing };
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
