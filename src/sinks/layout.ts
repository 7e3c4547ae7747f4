// Writers for the OCI image layout family: `oci:DIR[:ref]` (a directory), `oci-archive:PATH[:ref]`
// (the same layout in a tar) and `docker-archive:PATH[:name:tag]` in the combined form Docker 25+
// writes — an OCI layout plus `manifest.json` with RepoTags in one tar — which Docker 20.10+ loads
// and skopeo reads as both docker-archive: and oci-archive:.
//
// Order and headers are fixed (see tar-out.ts), so the same image gives the same bytes:
// `oci-layout`, `blobs/`, `blobs/sha256/`, config, layers (manifest order), manifest, `index.json`,
// then for docker-archive `manifest.json` and `repositories`.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WhittleError, wrap } from '../errors.js';
import { atomically } from '../internal/atomic.js';
import { blobPath } from '../image/blob-path.js';
import type { Digest } from '../image/digest.js';
import { localFileOf, type Image } from '../image/image.js';
import { MediaType } from '../image/mediatypes.js';
import type { Descriptor, Index } from '../image/spec.js';
import { familiarName, normalizeTag } from '../internal/image-name.js';
import { checkArchiveTag, checkOciRefName } from '../internal/reference-grammar.js';
import { archiveTag } from './archive-tag.js';
import { prepareOci, type BlobToWrite, type PreparedImage } from './oci-documents.js';
import { writeArchive, type ArchiveHead, type ArchiveItem } from './tar-out.js';

export interface LocalWriteOptions {
  /** layers whittle has just written (WrittenLayer.localFile) may be moved into a local output (docker-archive:,
   *  oci:, oci-archive:) instead of copied; the image cannot be read again afterwards. */
  moveLayerFiles?: boolean;
  /** the tag part of `whittle/NAME:<fallbackTag>`, the RepoTag of a docker-archive written without `:name:tag` from
   *  an image without a tag of its own (archive-tag.ts); without it, such an archive is untagged. */
  fallbackTag?: string;
}

/** sameFileSystem tells whether a file can be renamed into dir. */
async function sameFileSystem(file: string, dir: string): Promise<boolean> {
  const [a, b] = await Promise.all([stat(file).catch(() => null), stat(dir).catch(() => null)]);
  return a !== null && b !== null && a.dev === b.dev;
}

/** headOf picks the layer an archive at path can be built around (tar-out.ts ArchiveHead), if any. */
export async function headOf(p: PreparedImage, path: string, opts: LocalWriteOptions): Promise<ArchiveHead | null> {
  if (!opts.moveLayerFiles) return null;
  for (const blob of p.layers) {
    const local = blob.layer ? localFileOf(blob.layer) : undefined;
    if (!local || local.offset !== 512) continue;
    if (!(await sameFileSystem(local.path, dirname(path)))) continue;
    return { file: local.path, offset: local.offset, name: blobPath(blob.descriptor.digest), size: blob.descriptor.size };
  }
  return null;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';
const OCI_LAYOUT = Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' }));

export interface WriteResult {
  /** where the image went, as a reference whittle can read back. */
  reference: string;
  manifestDigest: Digest;
  configDigest: Digest;
  /** bytes of the blobs written (config, layers, manifest). */
  bytes: number;
}

function blobBytes(p: PreparedImage): number {
  return p.config.descriptor.size + p.layers.reduce((n, l) => n + l.descriptor.size, 0) + p.manifestDescriptor.size;
}

function result(reference: string, p: PreparedImage): WriteResult {
  return { reference, manifestDigest: p.manifestDescriptor.digest, configDigest: p.config.descriptor.digest, bytes: blobBytes(p) };
}

function indexOf(descriptor: Descriptor): Uint8Array {
  const index: Index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [descriptor] };
  return Buffer.from(JSON.stringify(index));
}

function* blobItems(p: PreparedImage, head: ArchiveHead | null): Generator<ArchiveItem> {
  yield { kind: 'dir', name: 'blobs/' };
  yield { kind: 'dir', name: 'blobs/sha256/' };
  const all: BlobToWrite[] = [p.config, ...p.layers, { descriptor: p.manifestDescriptor, data: p.rawManifest }];
  const seen = new Set<string>(head ? [head.name] : []);
  for (const blob of all) {
    const name = blobPath(blob.descriptor.digest);
    if (seen.has(name)) continue;
    seen.add(name);
    if (blob.data) yield { kind: 'file', name, data: blob.data };
    else {
      const layer = blob.layer!;
      yield { kind: 'stream', name, size: blob.descriptor.size, open: () => layer.compressed() };
    }
  }
}

/** writeOciArchive writes image as an OCI archive (a tar of an image layout) at path. */
export async function writeOciArchive(image: Image, path: string, ref?: string, opts: LocalWriteOptions = {}): Promise<WriteResult> {
  if (ref !== undefined) checkOciRefName(ref, `oci-archive:${path}:${ref}`);
  const p = await prepareOci(image);
  const descriptor: Descriptor = { ...p.manifestDescriptor, ...(ref ? { annotations: { [REF_NAME]: ref } } : {}) };
  const head = await headOf(p, path, opts);
  await writeArchive(path, (function* () {
    yield { kind: 'file', name: 'oci-layout', data: OCI_LAYOUT } as ArchiveItem;
    yield* blobItems(p, head);
    yield { kind: 'file', name: 'index.json', data: indexOf(descriptor) } as ArchiveItem;
  })(), head ?? undefined);
  return result(`oci-archive:${path}${ref ? `:${ref}` : ''}`, p);
}

/** writeDockerArchive writes image as a `docker save` archive (Docker 25+ combined form) at path, tagged tag (without one: archive-tag.ts). */
export async function writeDockerArchive(image: Image, path: string, tag?: string, opts: LocalWriteOptions = {}): Promise<WriteResult> {
  if (tag !== undefined) checkArchiveTag(tag, `docker-archive:${path}:${tag}`);
  const p = await prepareOci(image);
  let full: string | undefined;
  tag ??= archiveTag(await image.tags(), path, opts.fallbackTag);
  if (tag !== undefined) full = normalizeTag(tag);
  const annotations: Record<string, string> = full ? { [CONTAINERD_NAME]: full, [REF_NAME]: full.slice(full.lastIndexOf(':') + 1) } : {};
  const descriptor: Descriptor = { ...p.manifestDescriptor, ...(full ? { annotations } : {}) };
  const manifestJson = [
    {
      Config: blobPath(p.config.descriptor.digest),
      RepoTags: full ? [familiarName(full)] : null,
      Layers: p.layerDescriptors.map((d) => blobPath(d.digest)),
    },
  ];
  const head = await headOf(p, path, opts);
  await writeArchive(path, (function* () {
    yield { kind: 'file', name: 'oci-layout', data: OCI_LAYOUT } as ArchiveItem;
    yield* blobItems(p, head);
    yield { kind: 'file', name: 'index.json', data: indexOf(descriptor) } as ArchiveItem;
    yield { kind: 'file', name: 'manifest.json', data: Buffer.from(JSON.stringify(manifestJson)) } as ArchiveItem;
  })(), head ?? undefined);
  return result(`docker-archive:${path}`, p);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** writeBlobFile writes one blob into a layout directory unless it is already there (content-addressed). */
async function writeBlobFile(dir: string, blob: BlobToWrite, opts: LocalWriteOptions): Promise<void> {
  const target = join(dir, blobPath(blob.descriptor.digest));
  if (await exists(target)) return;
  const local = opts.moveLayerFiles && blob.layer ? localFileOf(blob.layer) : undefined;
  if (local && local.offset === 0 && (await sameFileSystem(local.path, dirname(target)))) {
    await rename(local.path, target).catch((err) => {
      throw wrap(`writing ${target}`, err);
    });
    return;
  }
  await atomically(target, async (tmp) => {
    if (blob.data) {
      await writeFile(tmp, blob.data, { flag: 'wx' }).catch((err) => {
        throw wrap(`writing ${target}`, err);
      });
      return;
    }
    const source = await blob.layer!.compressed();
    await pipeline(source, createWriteStream(tmp, { flags: 'wx' })).catch((err) => {
      throw err instanceof WhittleError ? err : wrap(`writing ${target}`, err);
    });
  });
}

async function writeLayoutInto(dir: string, p: PreparedImage, ref: string | undefined, existing: Index | null, opts: LocalWriteOptions): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true }).catch((err) => {
    throw wrap(`creating ${dir}`, err);
  });
  for (const blob of [p.config, ...p.layers]) await writeBlobFile(dir, blob, opts);
  await writeBlobFile(dir, { descriptor: p.manifestDescriptor, data: p.rawManifest }, opts);
  const descriptor: Descriptor = { ...p.manifestDescriptor, ...(ref ? { annotations: { [REF_NAME]: ref } } : {}) };
  const manifests = (existing?.manifests ?? []).filter((d) =>
    ref ? d.annotations?.[REF_NAME] !== ref : !(d.digest === descriptor.digest && !d.annotations?.[REF_NAME]),
  );
  manifests.push(descriptor);
  const index: Index = { ...(existing ?? {}), schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  if (!existing) await writeFile(join(dir, 'oci-layout'), OCI_LAYOUT).catch((err) => { throw wrap(`writing ${dir}/oci-layout`, err); });
  await atomically(join(dir, 'index.json'), (tmp) => writeFile(tmp, JSON.stringify(index)).catch((err) => { throw wrap(`writing ${dir}/index.json`, err); }));
}

/**
 * writeOciLayout writes image into the image layout at dir. A new layout appears whole or not at all;
 * an existing one gets the missing blobs and an index.json that names the image `ref` (replacing the
 * entry that had that name), swapped in atomically.
 */
export async function writeOciLayout(image: Image, dir: string, ref?: string, opts: LocalWriteOptions = {}): Promise<WriteResult> {
  if (ref !== undefined) checkOciRefName(ref, `oci:${dir}:${ref}`);
  const p = await prepareOci(image);
  if (await exists(dir)) {
    const layoutFile = await readFile(join(dir, 'oci-layout'), 'utf8').catch(() => null);
    if (layoutFile === null) {
      throw new WhittleError('bad-reference', `oci:${dir} exists and is not an OCI image layout (no oci-layout file)`);
    }
    let existing: Index;
    try {
      existing = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Index;
      if (!Array.isArray(existing.manifests)) existing.manifests = [];
    } catch (err) {
      throw wrap(`reading ${dir}/index.json`, err, 'bad-archive');
    }
    await writeLayoutInto(dir, p, ref, existing, opts);
  } else {
    await atomically(dir, (tmp) => writeLayoutInto(tmp, p, ref, null, opts));
  }
  return result(`oci:${dir}${ref ? `:${ref}` : ''}`, p);
}
