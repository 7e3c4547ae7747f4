// Image and Layer: the one read-only model every source produces and every command consumes
// (the shape of go-containerregistry's v1.Image). Every accessor can fail with a WhittleError.
import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';
import type { ImageConfig, Manifest } from './spec.js';

/** Compression is what a layer blob's first bytes say it is, whatever its media type claims. */
export type Compression = 'gzip' | 'zstd' | 'none';

/** LayerStats are measured while a layer streams past: every figure is verified, not trusted. */
export interface LayerStats {
  /** digest of the blob as stored (compressed bytes). */
  digest: Digest;
  /** bytes of the blob as stored. */
  size: number;
  /** digest of the uncompressed tar stream, all of it (also bytes after the end-of-archive marker). */
  diffId: Digest;
  /** bytes of the uncompressed tar stream. */
  uncompressedSize: number;
  compression: Compression;
}

/** LayerRead is one streaming read of a layer: the tar bytes, and the stats once they have passed. */
export interface LayerRead {
  /** uncompressed tar bytes; the stream errors (WhittleError) if a digest or size does not match. */
  tar: Readable;
  /** resolves after `tar` ended and every check passed; rejects with the same error otherwise. */
  stats: Promise<LayerStats>;
}

/** LocalBlob is a blob whittle wrote itself, verified as it was written: the file and where in it the blob starts. */
export interface LocalBlob {
  path: string;
  offset: number;
}

/** Layer is one filesystem change set of an image. */
export interface Layer {
  /** digest of the stored blob; for legacy docker-archive layers it may need one read to compute. */
  digest(): Promise<Digest>;
  /** diffId is the digest of the uncompressed tar, as listed in the config's rootfs.diff_ids. */
  diffId(): Promise<Digest>;
  /** size of the stored blob in bytes. */
  size(): Promise<number>;
  /** mediaType as the manifest states it (synthesized from the bytes for legacy archives). */
  mediaType(): Promise<string>;
  /** compressed streams the blob as stored; the stream errors at its end if digest or size is wrong. */
  compressed(): Promise<Readable>;
  /** read streams the uncompressed tar once, verifying the blob digest and the diffId as it goes. */
  read(): Promise<LayerRead>;
}

/** WrittenLayer is a layer whittle has just written itself (squash, strip): a sink told it may
 *  (moveLayerFiles) moves its file into place instead of copying it. Internal: the package does not
 *  export it, so the public Layer stays the model every source implements. */
export interface WrittenLayer extends Layer {
  readonly localFile: LocalBlob;
}

/** localFileOf gives the file a layer whittle wrote lives in, or undefined for every other layer. */
export function localFileOf(layer: Layer): LocalBlob | undefined {
  return (layer as Partial<WrittenLayer>).localFile;
}

/** BlobRange is where a stored blob lies in a local file (an OCI layout's blob, a member of an archive). */
export interface BlobRange {
  path: string;
  offset: number;
  size: number;
}

/** LocalLayer is a layer of a local file, which reads may take by byte range instead of as a stream
 *  (src/layers/direct-scan.ts). Internal, like WrittenLayer: sources set it, the package does not export it. */
export interface LocalLayer extends Layer {
  /** blobRange finds the blob's bytes; what the read must find there is the layer's digest, size and diffId. */
  readonly blobRange: () => Promise<BlobRange>;
  /** expected is what the blob must be: its digest and size where the source states them, and the diffId. */
  readonly expected: { what: string; digest?: Digest; size?: number; diffId: Digest };
}

/** localLayerOf gives the local-file view of a layer, or undefined for a layer that is only a stream. */
export function localLayerOf(layer: Layer): LocalLayer | undefined {
  return typeof (layer as Partial<LocalLayer>).blobRange === 'function' ? (layer as LocalLayer) : undefined;
}

/** Image is a single-platform image: a manifest, a config and layers listed base first. */
export interface Image {
  /** reference is how the user named this image, for messages (e.g. `docker-archive:app.tar`). */
  readonly reference: string;
  rawManifest(): Promise<Uint8Array>;
  manifest(): Promise<Manifest>;
  /** digest of the raw manifest. */
  digest(): Promise<Digest>;
  rawConfig(): Promise<Uint8Array>;
  config(): Promise<ImageConfig>;
  /** configDigest is what Docker calls the image ID. */
  configDigest(): Promise<Digest>;
  /** layers are listed base first, one per manifest layer / config diff_id. */
  layers(): Promise<Layer[]>;
  /** tags the source recorded for the image (docker-archive RepoTags, OCI ref names), if any. */
  tags(): Promise<string[]>;
}
