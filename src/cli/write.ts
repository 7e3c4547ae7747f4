// Writing a rewritten image from the CLI: progress for registry pushes, and where a rewrite may put
// its new layer so the sink can move it into place. Kept apart from progress.ts so that reading
// commands do not load the writing side.
import { stat } from 'node:fs/promises';
import type { Image } from '../image/image.js';
import type { WriteOptions, WriteResult } from '../transports/index.js';
import { localTargetOf, writeImage, type LocalTarget } from '../transports/write.js';
import { progressFor } from './progress.js';

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
