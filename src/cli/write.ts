// Writing a rewritten image from the CLI: progress for registry pushes, and where a rewrite may put
// its new layer so the sink can move it into place. Kept apart from progress.ts so that reading
// commands do not load the writing side.
import { stat } from 'node:fs/promises';
import type { Image } from '../image/image.js';
import type { WriteOptions, WriteResult } from '../transports/index.js';
import { localTargetOf, writeImage, type LocalTarget } from '../transports/write.js';
import { progressFor } from './progress.js';
import { WhittleError } from '../errors.js';
import { formatBytes, parseBytes } from './format.js';

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

/** warn prints a warning line on stderr (a layer that expands past expansion.ts's limits). */
export function warn(message: string): void {
  process.stderr.write(`whittle: warning: ${message}\n`);
}

/** parseMaxOutput reads --max-output (`500M`, `10G`, `1.5GiB`), or undefined when not given. */
export function parseMaxOutput(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseBytes(text, '--max-output');
}

/**
 * checkOutputSize throws a 'limit' error when the blobs of image (config, layers, manifest) take
 * more than max bytes: what writing it would write, checked before anything is written.
 */
export async function checkOutputSize(image: Image, max: number | undefined): Promise<void> {
  if (max === undefined) return;
  const manifest = await image.manifest();
  const total = manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0) + Buffer.byteLength(JSON.stringify(manifest));
  if (total > max) {
    throw new WhittleError('limit', `the output would take ${formatBytes(total)}, more than ${formatBytes(max)} (--max-output); nothing was written`);
  }
}

/** usableLocalTarget is the local output's directory when it exists (a rewritten layer can be written there and moved into place). */
export async function usableLocalTarget(reference: string): Promise<LocalTarget | null> {
  const local = localTargetOf(reference);
  if (!local) return null;
  return (await stat(local.dir).then((s) => s.isDirectory(), () => false)) ? local : null;
}
