// partial builds a complete Image from the little a source knows (the go-containerregistry
// `partial` idea): either a manifest plus a way to open blobs (OCI layouts, Docker 25+ archives,
// registries later), or a config plus layer files (legacy `docker save`). Every document is checked
// against its digest; layers are checked while they stream (verified-read.ts).
import type { Readable } from 'node:stream';
import { WhittleError, wrap } from '../../errors.js';
import { digestOf, shortDigest, type Digest } from '../digest.js';
import { parseConfig, parseManifest } from '../documents.js';
import type { Image, Layer, LayerRead, LocalLayer } from '../image.js';
import type { FileRange } from '../../internal/file-source.js';
import { readLocalTar } from './direct-read.js';
import { MediaType, isLayerType } from '../mediatypes.js';
import type { Descriptor, ImageConfig, Manifest } from '../spec.js';
import { sniffCompression } from '../../layers/compression.js';
import { readVerified, verifiedBlob } from './verified-read.js';
import type { VerifiedBlobs } from '../../internal/verified-blobs.js';

/** BlobStore opens content-addressed blobs of one image. */
export interface BlobStore {
  /** openBlob streams a blob's raw bytes (unverified: callers verify). */
  openBlob(descriptor: Descriptor): Promise<Readable>;
  /** readBlob reads a small blob (a config) whole, unverified. */
  readBlob(descriptor: Descriptor): Promise<Uint8Array>;
  /** blobRange says where a blob lies in a local file, for a store on disk. */
  blobRange?(descriptor: Descriptor): Promise<FileRange>;
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

function layerName(index: number, digest?: Digest): string {
  return `layer ${index + 1}${digest ? ` (${shortDigest(digest)})` : ''}`;
}

export interface FromManifestOptions {
  reference: string;
  rawManifest: Uint8Array;
  store: BlobStore;
  tags?: string[];
}

/** fromManifest makes an Image whose manifest is known; the config is verified against its descriptor. */
export function fromManifest(opts: FromManifestOptions): Image {
  const manifest = memo(async () => parseManifest(opts.rawManifest, `manifest of ${opts.reference}`));
  const rawConfig = memo(async () => {
    const m = await manifest();
    if (m.config.mediaType !== MediaType.ociConfig && m.config.mediaType !== MediaType.dockerConfig) {
      throw new WhittleError(
        'unsupported-media-type',
        `${opts.reference} is not a container image: its config has media type ${m.config.mediaType}`,
      );
    }
    const raw = await opts.store.readBlob(m.config).catch((err) => {
      throw wrap('reading config', err, 'missing-blob');
    });
    const digest = digestOf(raw, m.config.digest.split(':')[0]);
    if (digest !== m.config.digest) {
      throw new WhittleError('digest-mismatch', `config blob hashes to ${digest}, the manifest says ${m.config.digest}`);
    }
    return raw;
  });
  const config = memo(async () => parseConfig(await rawConfig(), 'image config'));
  const layers = memo(async () => {
    const m = await manifest();
    const c = await config();
    if (c.rootfs.diff_ids.length !== m.layers.length) {
      throw new WhittleError(
        'bad-archive',
        `manifest lists ${m.layers.length} layers but the config lists ${c.rootfs.diff_ids.length} diff_ids`,
      );
    }
    return m.layers.map((desc, i): Layer => {
      if (!isLayerType(desc.mediaType)) {
        throw new WhittleError('unsupported-media-type', `${layerName(i, desc.digest)} has unsupported media type ${desc.mediaType}`);
      }
      const diffId = c.rootfs.diff_ids[i]!;
      const what = layerName(i, desc.digest);
      const open = () => opts.store.openBlob(desc).catch((err) => {
        throw wrap(`opening ${what}`, err, 'missing-blob');
      });
      const expected = { what, digest: desc.digest, size: desc.size, diffId };
      const layer: Layer = {
        digest: async () => desc.digest,
        diffId: async () => diffId,
        size: async () => desc.size,
        mediaType: async () => desc.mediaType,
        compressed: async () => verifiedBlob(await open(), { what, digest: desc.digest, size: desc.size }),
        read: async (): Promise<LayerRead> => readVerified(await open(), expected),
      };
      const store = opts.store;
      if (!store.blobRange) return layer;
      const blobRange = () => store.blobRange!(desc).catch((err) => {
        throw wrap(`opening ${what}`, err, 'missing-blob');
      });
      const local: LocalLayer = { ...layer, readLocal: (consume, onBytes) => readLocalTar(blobRange, expected, consume, onBytes) };
      return local;
    });
  });
  return {
    reference: opts.reference,
    rawManifest: async () => opts.rawManifest,
    manifest,
    digest: async () => digestOf(opts.rawManifest),
    rawConfig,
    config,
    configDigest: async () => (await manifest()).config.digest,
    layers,
    tags: async () => opts.tags ?? [],
  };
}

export interface LegacyLayerFile {
  /** name of the file in the archive, for messages. */
  name: string;
  /** digest the file name implies (Docker 25+ `blobs/sha256/<hex>`), if any. */
  namedDigest?: Digest;
  size(): Promise<number>;
  open(): Promise<Readable>;
  /** identity names the file's bytes as they are now, for opts.verified (internal/verified-blobs.ts). */
  identity?(): Promise<string | null>;
  /** range says where the file's bytes lie on disk. */
  range?(): Promise<FileRange>;
}

export interface FromConfigOptions {
  reference: string;
  rawConfig: Uint8Array;
  /** the digest the config's file name implies (`<hex>.json`), checked if given. */
  configDigest?: Digest;
  layers: LegacyLayerFile[];
  tags?: string[];
  /** blobs checked before: a layer whose bytes are recorded there is copied out without hashing it again. */
  verified?: VerifiedBlobs;
}

async function headBytes(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/**
 * fromConfig makes an Image from a config and layer files, as legacy `docker save` archives store
 * them. The manifest is synthesized (Docker schema 2); a layer's blob digest is its diffId when the
 * file is an uncompressed tar, and is computed by reading the file when it is compressed.
 */
export function fromConfig(opts: FromConfigOptions): Image {
  const checkedConfig = memo(async () => {
    const digest = digestOf(opts.rawConfig);
    if (opts.configDigest && digest !== opts.configDigest) {
      throw new WhittleError('digest-mismatch', `config hashes to ${digest}, its file name says ${opts.configDigest}`);
    }
    return { raw: opts.rawConfig, digest };
  });
  const config = memo(async () => parseConfig((await checkedConfig()).raw, 'image config'));
  const layers = memo(async () => {
    const c = await config();
    if (c.rootfs.diff_ids.length !== opts.layers.length) {
      throw new WhittleError(
        'bad-archive',
        `manifest.json lists ${opts.layers.length} layers but the config lists ${c.rootfs.diff_ids.length} diff_ids`,
      );
    }
    return opts.layers.map((file, i): Layer => {
      const diffId = c.rootfs.diff_ids[i]!;
      const what = `${layerName(i, diffId)} ${file.name}`;
      const open = () => file.open().catch((err) => {
        throw wrap(`opening ${what}`, err, 'missing-blob');
      });
      const compression = memo(async () => sniffCompression(await headBytes(await open(), 4)));
      const digest = memo(async (): Promise<Digest> => {
        if (file.namedDigest) return file.namedDigest;
        if ((await compression()) === 'none') return diffId;
        const read = readVerified(await open(), { what, diffId });
        read.tar.resume();
        return (await read.stats).digest;
      });
      const layer: Layer = {
        digest,
        diffId: async () => diffId,
        size: () => file.size(),
        mediaType: async () => ((await compression()) === 'none' ? MediaType.dockerLayer : MediaType.dockerLayerGzip),
        compressed: async () => {
          const [d, size] = [await digest(), await file.size()];
          const identity = opts.verified && file.identity ? await file.identity() : null;
          if (identity && (await opts.verified!.has(identity, d))) return open();
          const checked = verifiedBlob(await open(), { what, digest: d, size });
          if (identity) checked.on('end', () => opts.verified!.add(identity, d));
          return checked;
        },
        read: async () =>
          readVerified(await open(), {
            what,
            diffId,
            ...(file.namedDigest ? { digest: file.namedDigest } : {}),
            size: await file.size(),
          }),
      };
      if (!file.range) return layer;
      const range = file.range;
      // the size is the file's own: a descriptorless archive states none (the streamed read counts it the same way)
      const blobRange = () => range().catch((err) => {
        throw wrap(`opening ${what}`, err, 'missing-blob');
      });
      const expected = { what, diffId, ...(file.namedDigest ? { digest: file.namedDigest } : {}) };
      const local: LocalLayer = { ...layer, readLocal: (consume, onBytes) => readLocalTar(blobRange, expected, consume, onBytes) };
      return local;
    });
  });
  const manifest = memo(async (): Promise<Manifest> => {
    const { raw, digest } = await checkedConfig();
    const ls = await layers();
    return {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, size: raw.byteLength, digest },
      layers: await Promise.all(
        ls.map(async (l) => ({ mediaType: await l.mediaType(), size: await l.size(), digest: await l.digest() })),
      ),
    };
  });
  const rawManifest = memo(async () => Buffer.from(JSON.stringify(await manifest())));
  return {
    reference: opts.reference,
    rawManifest,
    manifest,
    digest: async () => digestOf(await rawManifest()),
    rawConfig: async () => (await checkedConfig()).raw,
    config,
    configDigest: async () => (await checkedConfig()).digest,
    layers,
    tags: async () => opts.tags ?? [],
  };
}

export type { ImageConfig };
