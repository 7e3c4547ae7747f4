// The `docker-daemon:NAME[:TAG]` source. The engine's export (`GET /images/{name}/get`) is a
// `docker save` tar whose layer order is not the manifest's and which cannot be seeked, while the
// image model reads layers lazily and more than once (analysis, then rewriting). So the export is
// spooled to a temp file and read with the docker-archive reader (TarSource + dockerArchiveImage);
// the temp file is deleted when the process exits (src/internal/spool.ts).
// Given a cache directory, the export's manifest and config are kept by image ID
// (documents-cache.ts), and an image found there is exported only when a layer's bytes are read.
import { WhittleError } from '../../errors.js';
import type { Image } from '../../image/image.js';
import type { SelectOptions } from '../../image/select.js';
import { TarSource } from '../../internal/file-source.js';
import { removeSpool, spool } from '../../internal/spool.js';
import { dockerArchiveImage } from '../tarball/index.js';
import { fromManifest } from '../../image/partial/index.js';
import type { Readable } from 'node:stream';
import { parseJson } from '../../image/documents.js';
import { readExportDocuments, writeExportDocuments } from './documents-cache.js';
import { engineAddress, engineMessage, engineRequest, readAll, type EngineAddress } from './engine.js';
import { noteEngineImage } from './seen.js';

export { engineAddress, type EngineAddress } from './engine.js';

/** hasImage tells whether the engine at addr answers and holds `name`; any failure (no engine, a timeout) is false. */
export async function hasImage(name: string, addr?: EngineAddress, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await engineRequest(addr ?? engineAddress(), 'GET', `/images/${encodeURIComponent(name)}/json`, undefined, {}, timeoutMs);
    res.body.resume();
    return res.status === 200;
  } catch {
    return false;
  }
}

export interface DaemonOpenOptions {
  /** where the export's manifest and config are kept by image ID (no cache when undefined). */
  cacheDir?: string;
}

/** exportTo spools the engine's export of name to a temp file and returns its path. */
async function exportTo(addr: EngineAddress, name: string): Promise<string> {
  const res = await engineRequest(addr, 'GET', `/images/${encodeURIComponent(name)}/get`);
  if (res.status !== 200) throw new WhittleError('io', `docker-daemon:${name}: exporting failed (${res.status}): ${await engineMessage(res)}`);
  return spool(res.body, 'whittle-daemon-', `docker-daemon:${name}: exporting failed`);
}

/** daemonImage exports `name` from the engine and opens it; `name` is what follows `docker-daemon:`. */
export async function daemonImage(
  name: string,
  reference: string,
  select: SelectOptions,
  addr: EngineAddress = engineAddress(),
  opts: DaemonOpenOptions = {},
): Promise<Image> {
  if (name === '') throw new WhittleError('bad-reference', 'docker-daemon: needs an image name');
  const path = encodeURIComponent(name);
  const inspect = await engineRequest(addr, 'GET', `/images/${path}/json`);
  if (inspect.status === 404) {
    inspect.body.resume();
    throw new WhittleError('not-found', `docker-daemon:${name}: no such image in the engine at ${addr.display}`);
  }
  if (inspect.status !== 200) throw new WhittleError('io', `docker-daemon:${name}: engine answered ${inspect.status}: ${await engineMessage(inspect)}`);
  const id = (JSON.parse((await readAll(inspect.body)).toString('utf8')) as { Id?: unknown }).Id;
  if (typeof id === 'string' && /^sha256:[0-9a-f]{64}$/.test(id)) noteEngineImage(addr.display, id);
  const cached = opts.cacheDir && typeof id === 'string' ? await readExportDocuments(opts.cacheDir, id, name) : null;
  if (cached) return lazyExport(addr, name, id as string, reference, cached.rawManifest, cached.rawConfig, cached.tags);
  const file = await exportTo(addr, name);
  try {
    const image = await dockerArchiveImage(await TarSource.open(file, `docker-daemon:${name}`), reference, undefined, select);
    if (opts.cacheDir && typeof id === 'string' && (await image.configDigest()) === id) {
      const docs = { rawManifest: Buffer.from(await image.rawManifest()), rawConfig: Buffer.from(await image.rawConfig()), tags: await image.tags() };
      await writeExportDocuments(opts.cacheDir, id, name, docs);
    }
    return image;
  } catch (err) {
    removeSpool(file);
    throw err;
  }
}

/**
 * lazyExport is the image of known documents whose layers are read from an export made on the first
 * read; the export is asked for by image ID, so a tag moved meanwhile does not change what is read.
 */
function lazyExport(addr: EngineAddress, name: string, id: string, reference: string, rawManifest: Buffer, rawConfig: Buffer, tags: string[]): Image {
  let exported: Promise<{ files: TarSource; layers: string[] }> | undefined;
  const where = `docker-daemon:${name}`;
  const exportOnce = () =>
    (exported ??= (async () => {
      const files = await TarSource.open(await exportTo(addr, id), where);
      const entries = parseJson(await files.readSmall('manifest.json'), `${where}: manifest.json`) as { Layers?: unknown }[];
      const layers = entries[0]?.Layers;
      if (!Array.isArray(layers)) throw new WhittleError('bad-archive', `${where}: the export's manifest.json lists no layers`);
      return { files, layers: layers as string[] };
    })());
  const layerDigests = (parseJson(rawManifest, `${where}: cached manifest`) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
  return fromManifest({
    reference,
    rawManifest,
    tags,
    store: {
      async readBlob() {
        return rawConfig; // the only document fromManifest reads; it checks the digest
      },
      async openBlob(d): Promise<Readable> {
        const { files, layers } = await exportOnce();
        const file = layers[layerDigests.indexOf(d.digest)];
        if (file === undefined) throw new WhittleError('missing-blob', `${where} has no layer ${d.digest}`);
        return files.open(file);
      },
    },
  });
}
