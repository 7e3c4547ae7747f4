// The one timestamp a build writes into every file, the history and the config's `created`:
// SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the time of the last git commit that
// touched the given paths, else FALLBACK_EPOCH with a warning, never 1970 without a word.
import { WhittleError } from '../errors.js';

/** FALLBACK_EPOCH is 2000-01-01T00:00:00Z: a fixed, documented time for a project with neither. */
export const FALLBACK_EPOCH = 946_684_800;

export interface Epoch {
  seconds: number;
  /** where it came from, for messages: SOURCE_DATE_EPOCH, the last commit, or the fallback. */
  from: 'SOURCE_DATE_EPOCH' | 'git' | 'fallback';
}

/** parseSourceDateEpoch reads the variable, or fails on a value that is not whole seconds. */
export function parseSourceDateEpoch(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  if (!/^\d+$/.test(value)) throw new WhittleError('usage', `SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** gitCommitTime is the commit time of the last commit touching paths in dir (all of dir when none), or null outside git. */
export async function gitCommitTime(dir: string, paths: readonly string[] = []): Promise<number | null> {
  try {
    // loaded only here: with SOURCE_DATE_EPOCH set no process is started
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout } = await promisify(execFile)('git', ['-C', dir, 'log', '-1', '--format=%ct', '--', ...(paths.length > 0 ? paths : ['.'])], { timeout: 30_000 });
    const t = stdout.trim();
    return /^\d+$/.test(t) ? Number(t) : null;
  } catch {
    return null;
  }
}

/** epochFor decides the timestamp of files from dir (or of `paths` in it). */
export async function epochFor(dir: string, env: NodeJS.ProcessEnv, paths: readonly string[] = []): Promise<Epoch> {
  const fromEnv = parseSourceDateEpoch(env.SOURCE_DATE_EPOCH);
  if (fromEnv !== null) return { seconds: fromEnv, from: 'SOURCE_DATE_EPOCH' };
  const fromGit = await gitCommitTime(dir, paths);
  if (fromGit !== null) return { seconds: fromGit, from: 'git' };
  return { seconds: FALLBACK_EPOCH, from: 'fallback' };
}
