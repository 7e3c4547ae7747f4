// What every file sink writes for one image: the config and layer blobs as they are, and an OCI
// image manifest. A source manifest that already is OCI is kept byte for byte (so the manifest
// digest survives a copy); a Docker schema 2 manifest (or a legacy `docker save` image) is
// converted to OCI media types, as skopeo does when it copies into an OCI layout.
import { WhittleError } from '../errors.js';
import { digestOf, type Digest } from '../image/digest.js';
import type { Image, Layer } from '../image/image.js';
import { MediaType, ociLayerType } from '../image/mediatypes.js';
import type { Descriptor, Manifest } from '../image/spec.js';

export interface BlobToWrite {
  descriptor: Descriptor;
  /** layer to stream the blob from; absent for documents (config, manifest) held in `data`. */
  layer?: Layer;
  data?: Uint8Array;
}

export interface PreparedImage {
  manifest: Manifest;
  rawManifest: Uint8Array;
  manifestDescriptor: Descriptor;
  config: BlobToWrite;
  /** layer blobs in manifest order, deduplicated by digest. */
  layers: BlobToWrite[];
  /** layer descriptors in manifest order, one per layer (duplicates kept). */
  layerDescriptors: Descriptor[];
}

function isOciManifest(m: Manifest): boolean {
  return (
    (m.mediaType === MediaType.ociManifest || m.mediaType === undefined) &&
    m.config.mediaType === MediaType.ociConfig &&
    m.layers.every((l) => l.mediaType.startsWith('application/vnd.oci.image.layer.'))
  );
}

/** prepareOci gathers what a file sink writes for image, converting the manifest to OCI if needed. */
export async function prepareOci(image: Image): Promise<PreparedImage> {
  const source = await image.manifest();
  const layerList = await image.layers();
  const rawConfig = await image.rawConfig();
  const configDigest: Digest = await image.configDigest();
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: configDigest, size: rawConfig.byteLength };
  let manifest: Manifest;
  let rawManifest: Uint8Array;
  if (isOciManifest(source) && source.mediaType === MediaType.ociManifest) {
    manifest = source;
    rawManifest = await image.rawManifest();
  } else {
    const layers: Descriptor[] = [];
    for (const layer of layerList) {
      const d: Descriptor = { mediaType: ociLayerType(await layer.mediaType()), digest: await layer.digest(), size: await layer.size() };
      layers.push(d);
    }
    manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDescriptor, layers };
    if (source.annotations) manifest.annotations = source.annotations;
    rawManifest = Buffer.from(JSON.stringify(manifest));
  }
  if (manifest.layers.length !== layerList.length) {
    throw new WhittleError('bad-archive', `${image.reference}: manifest lists ${manifest.layers.length} layers, the image has ${layerList.length}`);
  }
  const seen = new Set<string>();
  const layers: BlobToWrite[] = [];
  manifest.layers.forEach((descriptor, i) => {
    if (seen.has(descriptor.digest)) return;
    seen.add(descriptor.digest);
    layers.push({ descriptor, layer: layerList[i]! });
  });
  const manifestDescriptor: Descriptor = { mediaType: MediaType.ociManifest, digest: digestOf(rawManifest), size: rawManifest.byteLength };
  return {
    manifest,
    rawManifest,
    manifestDescriptor,
    config: { descriptor: manifest.config.digest === configDigest ? manifest.config : configDescriptor, data: rawConfig },
    layers,
    layerDescriptors: manifest.layers,
  };
}

