// Media types of the OCI image spec and of Docker's v2 schema 2, and what each one means to whittle.
import { WhittleError } from '../errors.js';

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondist: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  inTotoAttestation: 'application/vnd.in-toto+json',
} as const;

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList]);
const MANIFEST_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);
const LAYER_TYPES = new Set<string>([
  MediaType.ociLayer,
  MediaType.ociLayerGzip,
  MediaType.ociLayerZstd,
  MediaType.ociLayerNondist,
  MediaType.ociLayerNondistGzip,
  MediaType.ociLayerNondistZstd,
  MediaType.dockerLayer,
  MediaType.dockerLayerGzip,
  MediaType.dockerLayerForeignGzip,
]);

export function isIndexType(mt: string | undefined): boolean {
  return mt !== undefined && INDEX_TYPES.has(mt);
}

export function isManifestType(mt: string | undefined): boolean {
  return mt !== undefined && MANIFEST_TYPES.has(mt);
}

/** isLayerType accepts the layer types of both specs; compression is sniffed from bytes anyway. */
export function isLayerType(mt: string | undefined): boolean {
  return mt !== undefined && LAYER_TYPES.has(mt);
}

const OCI_LAYER: Record<string, string> = {
  [MediaType.dockerLayer]: MediaType.ociLayer,
  [MediaType.dockerLayerGzip]: MediaType.ociLayerGzip,
  [MediaType.dockerLayerForeignGzip]: MediaType.ociLayerNondistGzip,
};

/** ociLayerType is the OCI media type for a layer of either spec. */
export function ociLayerType(mediaType: string): string {
  if (mediaType.startsWith('application/vnd.oci.image.layer.')) return mediaType;
  const mapped = OCI_LAYER[mediaType];
  if (!mapped) throw new WhittleError('unsupported-media-type', `cannot write a layer of media type ${mediaType} into an OCI image`);
  return mapped;
}
