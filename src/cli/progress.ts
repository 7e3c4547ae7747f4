// Progress for long reads and pushes: a single updating line on a TTY's stderr, nothing in pipes or CI.
import { formatBytes } from './format.js';
import type { Image } from '../image/image.js';
import { stat } from 'node:fs/promises';
import { localTargetOf, writeImage, type LocalTarget, type WriteOptions, type WriteResult } from '../sinks/index.js';

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

/** writeWithProgress writes an image, showing blobs pushed to a registry on a TTY. */
export async function writeWithProgress(image: Image, reference: string, opts: WriteOptions): Promise<WriteResult> {
  const progress = progressFor();
  let blobs = 0;
  let bytes = 0;
  const total = (await image.layers()).length + 1;
  const registry = {
    ...opts.registry,
    onBlob: (digest: string, action: 'exists' | 'mounted' | 'uploaded', size: number) => {
      blobs++;
      if (action === 'uploaded') bytes += size;
      progress.update({ bytes, layersDone: blobs, layers: total, label: `pushing blobs ${blobs}/${total} (${action} ${digest.slice(7, 19)})` });
      opts.registry?.onBlob?.(digest, action, size);
    },
  };
  try {
    return await writeImage(image, reference, { ...opts, registry });
  } finally {
    progress.done();
  }
}

/** usableLocalTarget is the local output's directory when it exists (a rewritten layer can be written there and moved into place). */
export async function usableLocalTarget(reference: string): Promise<LocalTarget | null> {
  const local = localTargetOf(reference);
  if (!local) return null;
  return (await stat(local.dir).then((s) => s.isDirectory(), () => false)) ? local : null;
}
