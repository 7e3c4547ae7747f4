// `whittle build --watch`: the one-shot build's steps (src/cli/build.ts's buildAndWrite) run again
// by the loop of src/build/watch.ts on every change, printing one line per build (or, with --json,
// one JSON object per line: JSON Lines) and one `whittle:` line for a build that fails, which does
// not end the watch. SIGINT and SIGTERM end it with status 0; what a build had in flight is removed
// (src/internal/cleanup.ts) and every output is written atomically, so the output keeps the last
// image written. Printing only.
import { performance } from 'node:perf_hooks';
import type { BuildResult } from '../build/index.js';
import { watchProject } from '../build/watch.js';
import { describeCause, WhittleError } from '../errors.js';
import { setSignalStatus } from '../internal/cleanup.js';
import { escapeControl } from '../internal/escape-text.js';
import type { AttachResult, WriteResult } from '../transports/index.js';
import { formatBytes } from './format.js';

export interface SbomSummary {
  path: string;
  format: string;
  attached?: AttachResult;
}

/** Written is one build and its write: written false when the image was the one written last (nothing was written). */
export interface Written {
  result: BuildResult;
  write: WriteResult;
  /** the built image's manifest digest (a sink may write another form of it: write.manifestDigest). */
  imageDigest: string;
  written: boolean;
  sbom?: SbomSummary;
}

const DEPENDENCIES = { installed: 'installed', cache: 'from the cache', session: 'reused' } as const;

/** changedNote names what started a build: up to three paths, and how many more. */
function changedNote(changed: readonly string[] | undefined): string {
  if (changed === undefined) return '';
  const shown = changed.slice(0, 3).map((p) => escapeControl(p)).join(', ');
  return ` (${shown}${changed.length > 3 ? `, +${changed.length - 3}` : ''})`;
}

/** watch builds and writes, then again on every change, until the process is stopped; it never resolves. */
export async function watch(
  dir: string,
  flags: { json?: boolean; prebuilt?: boolean; buildScript?: string },
  leaveOut: readonly string[],
  buildAndWrite: (changed: readonly string[] | undefined, last: Written | null) => Promise<Written>,
  summaryOf: (w: Written) => object,
): Promise<never> {
  setSignalStatus(0); // stopping is how a watch ends
  let count = 0;
  let last: Written | null = null;
  const run = async (changed: readonly string[] | undefined) => {
    const build = ++count;
    const start = performance.now();
    try {
      const w = await buildAndWrite(changed, last);
      const ms = Math.round(performance.now() - start);
      if (w.written) last = w;
      const { result } = w;
      if (flags.json) {
        process.stdout.write(
          JSON.stringify({ build, status: w.written ? 'written' : 'unchanged', changed: changed ?? null, ms, dependencies: result.dependencySource, ...summaryOf(w) }) + '\n',
        );
      } else if (!w.written) {
        process.stdout.write(`build ${build}${changedNote(changed)}: unchanged (${w.write.manifestDigest}), not written, in ${ms} ms\n`);
      } else {
        process.stdout.write(
          `build ${build}${changedNote(changed)}: app ${result.appFiles} files, ${formatBytes(result.appLayer.size)} (${result.appLayer.digest}); ` +
            `dependencies ${DEPENDENCIES[result.dependencySource]} (${result.dependencyLayer.digest}); ` +
            `wrote ${escapeControl(w.write.reference)} (${w.write.manifestDigest})${w.sbom ? ` and ${escapeControl(w.sbom.path)}` : ''} in ${ms} ms\n`,
        );
      }
    } catch (err) {
      const ms = Math.round(performance.now() - start);
      const message = err instanceof WhittleError ? err.message : describeCause(err);
      if (flags.json) {
        process.stdout.write(
          JSON.stringify({ build, status: 'failed', changed: changed ?? null, ms, error: { code: err instanceof WhittleError ? err.code : 'internal', message } }) + '\n',
        );
      }
      process.stderr.write(`whittle: ${escapeControl(message)}\n`);
    }
  };
  // the watch ends only when stopped, or when the project directory goes (an error: nothing is left to watch)
  let gone: (err: WhittleError) => void = () => undefined;
  const ended = new Promise<never>((_, reject) => (gone = reject));
  await watchProject({
    dir,
    ...(flags.prebuilt ? { prebuilt: true } : {}),
    ...(flags.buildScript !== undefined ? { buildScript: flags.buildScript } : {}),
    leaveOut,
    run,
    onGone: () => gone(new WhittleError('not-found', `${dir}: the project directory was removed or moved while watching`)),
  });
  process.stderr.write(`whittle: watching ${escapeControl(dir)} for changes (Ctrl-C stops)\n`);
  return ended;
}
