// OCI image layouts (`oci:DIR[:ref]`): `oci-layout`, `index.json` and `blobs/<alg>/<hex>`, read
// through a FileSource so the same code serves directories, OCI archives and Docker 25+ archives.
import { WhittleError, wrap } from '../../errors.js';
import { blobPath } from '../../image/blob-path.js';
import { parseIndex, parseJson } from '../../image/documents.js';
import type { Image } from '../../image/image.js';
import { fromManifest, type BlobStore } from '../../image/partial/index.js';
import { selectManifest, type SelectOptions } from '../../image/select.js';
import type { Descriptor } from '../../image/spec.js';
import type { FileSource } from '../../internal/file-source.js';


/** blobStore serves a layout's blobs; a missing blob is a 'missing-blob' error naming its digest. */
export function blobStore(files: FileSource): BlobStore {
  const check = async (d: Descriptor) => {
    const path = blobPath(d.digest);
    if (!(await files.has(path))) throw new WhittleError('missing-blob', `blob ${d.digest} is missing from ${files.location}`);
    return path;
  };
  return {
    openBlob: async (d) => files.open(await check(d)),
    readBlob: async (d) => files.readSmall(await check(d)),
    ...(files.range ? { blobRange: async (d: Descriptor) => files.range!(await check(d)) } : {}),
  };
}

/** isLayout reports whether files look like an OCI image layout. */
export async function isLayout(files: FileSource): Promise<boolean> {
  return (await files.has('index.json')) || (await files.has('oci-layout'));
}

/** layoutImage opens one image of the layout held by files. */
export async function layoutImage(files: FileSource, reference: string, opts: SelectOptions): Promise<Image> {
  if (await files.has('oci-layout')) {
    const marker = parseJson(await files.readSmall('oci-layout'), `${files.location}: oci-layout`) as { imageLayoutVersion?: unknown };
    if (typeof marker?.imageLayoutVersion !== 'string' || !marker.imageLayoutVersion.startsWith('1.')) {
      throw new WhittleError('unsupported', `${files.location}: unsupported image layout version ${JSON.stringify(marker?.imageLayoutVersion)}`);
    }
  }
  if (!(await files.has('index.json'))) throw new WhittleError('bad-archive', `${files.location} is not an OCI layout: no index.json`);
  const index = parseIndex(await files.readSmall('index.json'), `${files.location}: index.json`);
  const store = blobStore(files);
  const selected = await selectManifest((d) => store.readBlob(d), index, opts, files.location).catch((err) => {
    throw err instanceof WhittleError ? err : wrap(`reading ${files.location}`, err);
  });
  return fromManifest({
    reference,
    rawManifest: selected.raw,
    store,
    tags: selected.refName ? [selected.refName] : [],
  });
}
