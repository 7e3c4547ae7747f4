// The `docker://HOST/REPO[:TAG|@DIGEST]` source: manifests and indexes are fetched with all four
// manifest types in Accept, an index goes through selectManifest (--platform), and layers stream
// straight from the registry into the image model, which checks every digest on the bytes received.
import { WhittleError } from '../../errors.js';
import { documentKind, parseIndex, parseJson } from '../../image/documents.js';
import type { Image } from '../../image/image.js';
import { fromManifest, type BlobStore } from '../../image/partial/index.js';
import { selectManifest, type SelectOptions } from '../../image/select.js';
import { RegistryClient, type ClientOptions } from './client.js';
import { parseCreds } from '../../internal/credentials.js';
import { formatName, parseRegistryName } from './name.js';
import { cachedDocument } from '../../internal/document-cache.js';

export { RegistryClient, type ClientOptions } from './client.js';
export { parseRegistryName, formatName, type RegistryName } from './name.js';
export { findCredentials, type Credentials } from './auth.js';

/** Largest config blob read into memory (image configs are kilobytes; a few megabytes with a long history). */
const MAX_CONFIG = 64 << 20;

/** registryOptionsFromEnv: WHITTLE_INSECURE_REGISTRY=1, WHITTLE_REGISTRY_CREDS=user:pass,
 *  WHITTLE_REGISTRY_TIMEOUT=SECONDS (the wait for an answer, and for the next bytes of a body) and
 *  WHITTLE_REGISTRY_BACKOFF=SECONDS (the first wait before a retry; it doubles each time). */
export function registryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const o: ClientOptions = {};
  const t = Number(env.WHITTLE_REGISTRY_TIMEOUT);
  if (env.WHITTLE_REGISTRY_TIMEOUT !== undefined && Number.isFinite(t) && t > 0) o.timeoutMs = o.idleTimeoutMs = t * 1000;
  const b = Number(env.WHITTLE_REGISTRY_BACKOFF);
  if (env.WHITTLE_REGISTRY_BACKOFF !== undefined && Number.isFinite(b) && b >= 0) o.backoffMs = b * 1000;
  if (env.WHITTLE_INSECURE_REGISTRY === '1' || env.WHITTLE_INSECURE_REGISTRY === 'true') o.insecure = true;
  if (env.WHITTLE_REGISTRY_CREDS) o.creds = parseCreds(env.WHITTLE_REGISTRY_CREDS);
  return o;
}

/** registryImage opens one image of a registry; `name` is what follows `docker:`. With cacheDir, documents asked for by digest (a platform manifest, the config) are kept there (internal/document-cache.ts). */
export async function registryImage(name: string, reference: string, select: SelectOptions, opts: ClientOptions = {}, cacheDir?: string): Promise<Image> {
  const n = parseRegistryName(name);
  const client = new RegistryClient(n.host, opts);
  const top = await client.getManifest(n.repository, n.digest ?? n.tag!);
  const store: BlobStore = {
    // every blob is held to its descriptor's size as it arrives (client.ts)
    openBlob: (d) => client.openBlob(n.repository, d.digest, d.size),
    readBlob: async (d) => {
      if (d.size > MAX_CONFIG) {
        throw new WhittleError('bad-archive', `${formatName(n)}: config blob ${d.digest} of ${d.size} bytes is over the ${MAX_CONFIG >> 20} MiB limit`);
      }
      return cachedDocument(cacheDir, d.digest, async () => {
        const s = await client.openBlob(n.repository, d.digest, d.size);
        const chunks: Buffer[] = [];
        for await (const c of s) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      });
    },
  };
  const doc = parseJson(top.raw, `manifest of ${formatName(n)}`);
  const kind = documentKind(doc, top.mediaType);
  let raw = top.raw;
  if (kind === 'index') {
    const index = parseIndex(top.raw, `index of ${formatName(n)}`);
    const picked = await selectManifest((d) => cachedDocument(cacheDir, d.digest, async () => (await client.getManifest(n.repository, d.digest)).raw), index, select, formatName(n));
    raw = picked.raw;
  } else if (kind !== 'manifest') {
    throw new WhittleError('unsupported-media-type', `${formatName(n)}: unsupported manifest type ${top.mediaType || 'unknown'} (schema 1 manifests are not supported)`);
  }
  return fromManifest({ reference, rawManifest: raw, store, tags: n.tag !== undefined ? [`${n.host}/${n.repository}:${n.tag}`] : [] });
}
