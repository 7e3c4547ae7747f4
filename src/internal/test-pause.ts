// Test-only: WHITTLE_TEST_PAUSE_AT=POINT makes a run stop at the named point, print
// `whittle-test-paused POINT` on stderr and wait for a signal, so test/signals.test.ts can interrupt
// it where it has temporary files on disk. Without the variable this does nothing. The points:
// `spooled` (stdin or engine image spooled), `layer-writing` (a rewritten layer partly written),
// `layer-written` (squash or strip wrote its new layer), `output-writing` (an atomic write's
// temporary file or directory complete, not yet renamed into place), `verify-built` (fix --verify
// built the original Dockerfile's image), `minify-verify-ran` (minify --verify ran the check on the
// original: its container and the minified image's temporary tag are in the engine), `minify-probe-ran`
// (minify --probe ran the check on the original under strace: its container, the original's
// temporary tag, the kit and the trace directory are there).

const PAUSE_AT = process.env.WHITTLE_TEST_PAUSE_AT;

/** testPause waits forever when WHITTLE_TEST_PAUSE_AT names point; otherwise resolves at once. */
export function testPause(point: string): Promise<void> | null {
  if (PAUSE_AT !== point) return null;
  process.stderr.write(`whittle-test-paused ${point}\n`);
  return new Promise<void>(() => {
    setInterval(() => undefined, 1 << 30); // keeps the event loop alive until a signal ends the run
  });
}
