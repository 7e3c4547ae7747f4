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

/** LocalLayer is a layer of a local file, which a read may take by offset instead of as a stream
 *  (src/image/partial/direct-read.ts). Internal, like WrittenLayer: the package does not export it. */
export interface LocalLayer extends Layer {
  /**
   * readLocal reads the uncompressed tar through consume (each slice valid only during the call)
   * and checks it as read() does; null when the blob is compressed (read() it instead).
   */
  readLocal(consume: (chunk: Uint8Array) => void, onBytes?: (n: number) => void): Promise<LocalRead | null>;
}

/** LocalRead is a checked read of a local tar: its stats, and the tar's file while it stays as it was read. */
export interface LocalRead {
  stats: LayerStats;
  /** absent when the file changed while it was read. */
  file?: CheckedTar;
}

/** CheckedTar is a tar in a file whose bytes were checked against a layer's digests. */
export interface CheckedTar {
  /** digestAt gives the sha256 of each (offset, size) range of the tar, reading only those bytes; null when the file is no longer what was checked. */
  digestAt(ranges: readonly { offset: number; size: number }[]): Promise<Digest[] | null>;
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
