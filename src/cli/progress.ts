// Progress for long reads and pushes: a single updating line on a TTY's stderr, nothing in pipes or CI.
import { formatBytes } from './format.js';

export interface Progress {
  /** label replaces the default `reading layers k/n` text. */
  update(p: { bytes: number; layersDone: number; layers: number; label?: string }): void;
  done(): void;
}

const SILENT: Progress = { update: () => {}, done: () => {} };

/** progressFor shows progress only when stderr is a terminal and CI is not set. */
export function progressFor(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  if (!stream.isTTY || env.CI) return SILENT;
  let last = 0;
  let shown = false;
  const started = Date.now();
  return {
    update({ bytes, layersDone, layers, label }) {
      const now = Date.now();
      if (now - last < 100 || now - started < 300) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${label ?? `reading layers ${layersDone}/${layers}`} · ${formatBytes(bytes)}${label ? '' : ' uncompressed'}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
