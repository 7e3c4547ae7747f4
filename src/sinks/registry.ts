// Pushing an Image to `docker://HOST/REPO[:TAG]`: only blobs the registry lacks are sent (HEAD
// first), a blob another repository of the same registry holds is mounted (`mountFrom`), uploads
// are POST then PUT with the streamed body (single-POST uploads are not used: some registries
// accept the body and discard it) or, with `chunkSize`, POST, PATCH chunks, PUT; the manifest is PUT by tag (or by digest when no tag).
import { mapLimit } from '../internal/concurrency.js';
import { WhittleError } from '../errors.js';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/mediatypes.js';
import type { Image } from '../image/image.js';
import { RegistryClient, type ClientOptions } from '../sources/registry/client.js';
import type { ResponseHeaders } from '../sources/registry/http.js';
import { formatName, parseRegistryName } from '../sources/registry/name.js';
import { Readable } from 'node:stream';

export interface PushOptions extends ClientOptions {
  /** repositories of the same registry to try cross-repository mounts from. */
  mountFrom?: string[];
  /** called once per blob with what happened to it. */
  onBlob?: (digest: string, action: 'exists' | 'mounted' | 'uploaded', size: number) => void;
  /** upload in PATCH chunks of this many bytes instead of one streamed PUT. */
  chunkSize?: number;
  /**
   * digests of blobs an earlier push of this process put in or found in the same repository: they
   * are not asked for again (`whittle build --watch` pushes the same base blobs on every build).
   * Every blob this push finds, mounts or uploads is added.
   */
  known?: Set<string>;
}

export interface PushResult {
  /** digest of the pushed manifest. */
  digest: string;
  /** `host/repo@digest`. */
  pushed: string;
  uploaded: string[];
  mounted: string[];
  existing: string[];
}

/** BlobPusher puts one blob in a repository unless it is there: it says what it did. */
export type BlobPusher = (digest: string, size: number, open: () => Promise<Readable | Uint8Array>) => Promise<'exists' | 'mounted' | 'uploaded'>;

/** PARALLEL_BLOBS is how many blobs are checked or uploaded at once. */
const PARALLEL_BLOBS = 4;

/**
 * blobPusher is the one way blobs reach a registry (images and artifacts alike): HEAD first, then a
 * cross-repository mount from each of mountFrom, then an upload (streamed PUT, or PATCH chunks with
 * opts.chunkSize), retried on network errors.
 */
export function blobPusher(client: RegistryClient, repository: string, opts: PushOptions = {}, mountFrom: readonly string[] = []): BlobPusher {
  /** chunkedUpload sends the blob in PATCH requests of chunkSize bytes, then closes with PUT ?digest. */
  const chunkedUpload = async (url: URL, body: Readable | Uint8Array) => {
    const digestParam = url.searchParams.get('digest')!;
    let offset = 0;
    let location = new URL(url);
    location.searchParams.delete('digest');
    const send = async (chunk: Buffer) => {
      const res = await client.request(
        location.toString(),
        {
          repository,
          push: true,
          method: 'PATCH',
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}`, 'content-length': String(chunk.length) },
          body: chunk,
        },
        `uploading ${digestParam}`,
      );
      await res.body?.cancel();
      offset += chunk.length;
      const next = res.headers.get('location');
      if (next) location = new URL(next, location);
    };
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const chunkSize = opts.chunkSize!;
    for await (const c of body instanceof Readable ? body : [Buffer.from(body)]) {
      pending.push(c as Buffer);
      pendingBytes += (c as Buffer).length;
      while (pendingBytes >= chunkSize) {
        const all = Buffer.concat(pending);
        await send(all.subarray(0, chunkSize));
        pending = [all.subarray(chunkSize)];
        pendingBytes = all.length - chunkSize;
      }
    }
    if (pendingBytes > 0) await send(Buffer.concat(pending));
    location.searchParams.set('digest', digestParam);
    const put = await client.request(location.toString(), { repository, push: true, method: 'PUT', headers: { 'content-length': '0' } }, `finishing upload of ${digestParam}`);
    await put.body?.cancel();
  };

  const putBlob = async (digest: string, size: number, open: () => Promise<Readable | Uint8Array>) => {
    const action = await findOrPut(digest, size, open);
    opts.known?.add(digest);
    return action;
  };
  const findOrPut = async (digest: string, size: number, open: () => Promise<Readable | Uint8Array>) => {
    if (opts.known?.has(digest) || (await client.hasBlob(repository, digest, true))) {
      opts.onBlob?.(digest, 'exists', size);
      return 'exists' as const;
    }
    for (const from of mountFrom) {
      if (from === repository) continue;
      const q = new URLSearchParams({ mount: digest, from });
      const res = await client.request(`/v2/${repository}/blobs/uploads/?${q}`, { repository, push: true, method: 'POST', alsoPull: from, ok: [202] }, `mounting ${digest} from ${from}`);
      if (res.status === 201) {
        await res.body?.cancel();
        opts.onBlob?.(digest, 'mounted', size);
        return 'mounted' as const;
      }
      // 202: the registry started an ordinary upload instead; abandon it.
      await res.body?.cancel();
    }
    const attempts = opts.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const start = await client.request(`/v2/${repository}/blobs/uploads/`, { repository, push: true, method: 'POST', headers: { 'content-length': '0' } }, `starting upload of ${digest}`);
        await start.body?.cancel();
        const location = start.headers.get('location');
        if (!location) throw new WhittleError('io', `starting upload of ${digest}: ${client.host} sent no upload location`);
        const url = new URL(location, client.base);
        url.searchParams.set('digest', digest);
        const body = await open();
        if (opts.chunkSize && opts.chunkSize > 0) {
          await chunkedUpload(url, body);
          break;
        }
        const put = await client.request(url.toString(), { repository, push: true, method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body }, `uploading ${digest}`);
        await put.body?.cancel();
        break;
      } catch (err) {
        if (attempt >= attempts || (err instanceof WhittleError && err.code !== 'io')) throw err;
        await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 500) * 2 ** (attempt - 1)));
      }
    }
    opts.onBlob?.(digest, 'uploaded', size);
    return 'uploaded' as const;
  };

  return putBlob;
}

/**
 * putManifest PUTs a manifest or index by tag or digest and checks the digest the registry answers
 * with; it returns the manifest's digest and the answer's headers (a registry that took a manifest's
 * `subject` into its referrers says so in OCI-Subject).
 */
export async function putManifest(client: RegistryClient, repository: string, reference: string, raw: Uint8Array, mediaType: string, name: string): Promise<{ digest: string; headers: ResponseHeaders }> {
  const digest = digestOf(raw);
  const res = await client.request(`/v2/${repository}/manifests/${reference}`, { repository, push: true, method: 'PUT', headers: { 'content-type': mediaType }, body: raw }, `pushing manifest to ${name}`);
  await res.body?.cancel();
  const answered = res.headers.get('docker-content-digest');
  if (answered && answered !== digest) {
    throw new WhittleError('digest-mismatch', `${name}: registry stored the manifest as ${answered}, whittle sent ${digest}`);
  }
  return { digest, headers: res.headers };
}

/** writeToRegistry pushes image to ref (`HOST/REPO[:TAG]`, with or without `docker://`). */
export async function writeToRegistry(image: Image, ref: string, opts: PushOptions = {}): Promise<PushResult> {
  const n = parseRegistryName(ref.replace(/^docker:/, ''));
  const client = new RegistryClient(n.host, opts);
  const repository = n.repository;
  const result: PushResult = { digest: '', pushed: '', uploaded: [], mounted: [], existing: [] };
  // An image read from another repository of the same registry is a mount source by default.
  const mountFrom = [...(opts.mountFrom ?? [])];
  if (image.reference.startsWith('docker:')) {
    try {
      const src = parseRegistryName(image.reference.slice('docker:'.length));
      if (src.host === n.host && src.repository !== repository && !mountFrom.includes(src.repository)) mountFrom.push(src.repository);
    } catch {
      /* not a registry name after all */
    }
  }

  const push = blobPusher(client, repository, opts, mountFrom);
  const putBlob = async (digest: string, size: number, open: () => Promise<Readable | Uint8Array>) => {
    const action = await push(digest, size, open);
    (action === 'exists' ? result.existing : action === 'mounted' ? result.mounted : result.uploaded).push(digest);
  };

  // the blobs go up a few at a time: a warm push is mostly existence checks and small uploads,
  // each a round trip; a layer listed twice is pushed once
  const blobs = new Map<string, { size: number; open: () => Promise<Readable | Uint8Array> }>();
  for (const layer of await image.layers()) {
    const digest = await layer.digest();
    if (!blobs.has(digest)) blobs.set(digest, { size: await layer.size(), open: () => layer.compressed() });
  }
  const rawConfig = await image.rawConfig();
  blobs.set(await image.configDigest(), { size: rawConfig.byteLength, open: async () => rawConfig });
  await mapLimit([...blobs], PARALLEL_BLOBS, ([digest, b]) => putBlob(digest, b.size, b.open));

  const rawManifest = await image.rawManifest();
  const manifest = await image.manifest();
  const mediaType = (manifest as { mediaType?: string }).mediaType ?? MediaType.ociManifest;
  const { digest } = await putManifest(client, repository, n.tag ?? digestOf(rawManifest), rawManifest, mediaType, formatName(n));
  result.digest = digest;
  result.pushed = `${n.host}/${repository}@${digest}`;
  return result;
}
