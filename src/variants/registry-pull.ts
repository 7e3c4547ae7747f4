// The pull column of `whittle variants --registry HOST:PORT`: each variant is pushed with whittle's
// own docker:// sink (daemonless; a blob the registry already has is skipped after a HEAD) with its
// layers gzip'd as `docker push` would send them, then read back as a pull reads it: the manifest
// and config, then every layer downloaded, gunzipped and checked against its digest and diff_id,
// three layers at a time as the engine pulls. The engine's own `docker pull` is not timed: it skips
// every layer the engine already holds (the variant itself, its base, the other variants), so it
// would time a manifest fetch.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { finish } from '../image/digest.js';
import type { Image } from '../image/image.js';
import { MediaType } from '../image/mediatypes.js';
import { mapLimit } from '../internal/concurrency.js';
import { composeImage } from '../rewrite/compose.js';
import type { WrittenLayer } from '../rewrite/layer-writer.js';
import { openImage } from '../transports/open.js';
import { writeImage } from '../transports/write.js';
import type { OpenOptions } from '../transports/index.js';
import type { Pushed } from './types.js';

/** gzipLayer writes one layer's tar gzip'd (default level, as `docker push`) to file. */
async function gzipLayer(image: Image, index: number, file: string): Promise<WrittenLayer> {
  const layer = (await image.layers())[index]!;
  const read = await layer.read();
  const hash = createHash('sha256');
  let size = 0;
  let uncompressedSize = 0;
  const countIn = new Transform({ transform: (c: Buffer, _e, cb) => ((uncompressedSize += c.length), cb(null, c)) });
  const hashOut = new Transform({ transform: (c: Buffer, _e, cb) => (hash.update(c), (size += c.length), cb(null, c)) });
  await pipeline(read.tar, countIn, createGzip(), hashOut, createWriteStream(file));
  await read.stats;
  return { file, offset: 0, digest: finish(hash), diffId: await layer.diffId(), size, uncompressedSize, mediaType: MediaType.ociLayerGzip };
}

/**
 * gzipped is image with every layer gzip'd into dir; `done` holds the layers gzip'd (or being gzip'd), by
 * diff_id (variants share their base layers, which are compressed once).
 */
export async function gzipped(image: Image, dir: string, done: Map<string, Promise<WrittenLayer>>): Promise<Image> {
  const layers = await image.layers();
  // two layers at a time: gzip runs on node's thread pool, one core per layer
  const written = await mapLimit(layers, 2, async (layer, i) => {
    const diffId = await layer.diffId();
    let w = done.get(diffId);
    if (w === undefined) {
      w = gzipLayer(image, i, path.join(dir, `layer-${diffId.replace(':', '-')}.tar.gz`));
      w.catch(() => done.delete(diffId));
      done.set(diffId, w);
    }
    return w;
  });
  return composeImage({ reference: image.reference, kept: { layers: [], descriptors: [], diffIds: [] }, written, configBytes: Buffer.from(await image.rawConfig()) });
}

/** RegistryAccess is how to reach --registry: credentials and plain http (--dest-creds, --dest-insecure). */
export type RegistryAccess = NonNullable<OpenOptions['registry']>;

/** pushImage pushes image to ref (`HOST:PORT/REPO:TAG`) and counts what was sent and what the registry had. */
export async function pushImage(image: Image, ref: string, access: RegistryAccess = {}): Promise<Pushed> {
  const counts: Pushed = { uploaded: 0, existing: 0 };
  await writeImage(image, `docker://${ref}`, {
    registry: {
      ...access,
      onBlob: (_d, action) => {
        // a blob mounted from another repository of the registry was not sent either
        if (action === 'uploaded') counts.uploaded++;
        else counts.existing++;
      },
    },
  });
  return counts;
}

/** pullImage reads ref as a pull does (every layer downloaded, decompressed and verified) and returns the seconds it took. */
export async function pullImage(ref: string, access: RegistryAccess = {}): Promise<number> {
  const started = performance.now();
  const image = await openImage(`docker://${ref}`, { registry: access });
  await mapLimit(await image.layers(), 3, async (layer) => {
    const read = await layer.read();
    read.tar.resume();
    await read.stats;
  });
  return (performance.now() - started) / 1000;
}
