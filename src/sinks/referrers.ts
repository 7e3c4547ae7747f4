// Attaching an artifact (an SBOM) to an image already in a registry, as the OCI distribution spec
// 1.1 describes: an image manifest whose `artifactType` says what it is, whose config is the empty
// descriptor (`application/vnd.oci.empty.v1+json`, `{}`), whose one layer is the artifact's blob and
// whose `subject` is the image's manifest, pushed by digest. A registry with the referrers API says
// so (an `OCI-Subject` answer header, or `GET /v2/<name>/referrers/<digest>` answering 200); with
// any other, the referrers tag schema is followed as well: the tag `<alg>-<hex>` of the subject holds
// an image index of its referrers, to which this one is added (what the tag held is kept).
// Blobs and manifests go through the image sink's own pusher (registry.ts).
import { WhittleError } from '../errors.js';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/mediatypes.js';
import { RegistryClient } from '../sources/registry/client.js';
import { parseRegistryName } from '../sources/registry/name.js';
import { blobPusher, putManifest, type PushOptions } from './registry.js';

/** the empty config of artifacts: `{}` (OCI image spec, "Guidance for an empty descriptor"). */
export const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(Buffer.from('{}')), size: 2 } as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Artifact {
  /** the manifest's artifactType and the layer's media type (e.g. application/vnd.cyclonedx+json). */
  artifactType: string;
  blob: Uint8Array;
  /** annotations of the artifact manifest (and of its descriptor in the fallback index). */
  annotations?: Record<string, string>;
  /** the layer's org.opencontainers.image.title. */
  title?: string;
}

export interface AttachResult {
  /** the artifact manifest's digest. */
  digest: string;
  /** how a client finds it: the registry's referrers API, or the fallback tag (tag is set). */
  referrers: 'api' | 'tag';
  tag?: string;
}

/** artifactManifest is the manifest of artifact about subject, and the layer's descriptor. */
export function artifactManifest(subject: Descriptor, artifact: Artifact): Buffer {
  const layer: Descriptor = {
    mediaType: artifact.artifactType,
    digest: digestOf(artifact.blob),
    size: artifact.blob.byteLength,
    ...(artifact.title ? { annotations: { 'org.opencontainers.image.title': artifact.title } } : {}),
  };
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: artifact.artifactType,
      config: { ...EMPTY_CONFIG, data: 'e30=' },
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      ...(artifact.annotations && Object.keys(artifact.annotations).length > 0 ? { annotations: artifact.annotations } : {}),
    }),
  );
}

/** referrersTag is the fallback tag of a subject digest: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return `${alg}-${hex}`.slice(0, 128);
}

/** attachToRegistry pushes artifact about the manifest subject of `HOST/REPO` (name; tag or digest ignored). */
export async function attachToRegistry(name: string, subject: Descriptor, artifact: Artifact, opts: PushOptions = {}): Promise<AttachResult> {
  const n = parseRegistryName(name.replace(/^docker:(\/\/)?/, ''));
  const repository = n.repository;
  const where = `${n.host}/${repository}`;
  const client = new RegistryClient(n.host, opts);
  const push = blobPusher(client, repository, opts);
  await push(EMPTY_CONFIG.digest, EMPTY_CONFIG.size, async () => Buffer.from('{}'));
  await push(digestOf(artifact.blob), artifact.blob.byteLength, async () => artifact.blob);
  const raw = artifactManifest(subject, artifact);
  const { digest, headers } = await putManifest(client, repository, digestOf(raw), raw, MediaType.ociManifest, `${where} (artifact for ${subject.digest})`);
  if (headers.get('oci-subject') === subject.digest) return { digest, referrers: 'api' };
  const api = await client.request(`/v2/${repository}/referrers/${subject.digest}`, { repository, ok: [400, 404, 405] }, `asking ${where} for the referrers of ${subject.digest}`);
  await api.body?.cancel();
  if (api.status === 200) return { digest, referrers: 'api' };
  // the referrers tag schema: the subject's tag holds an index of its referrers
  const tag = referrersTag(subject.digest);
  const descriptor: Descriptor = {
    mediaType: MediaType.ociManifest,
    digest,
    size: raw.byteLength,
    artifactType: artifact.artifactType,
    ...(artifact.annotations && Object.keys(artifact.annotations).length > 0 ? { annotations: artifact.annotations } : {}),
  };
  const manifests: Descriptor[] = [];
  const held = await client.request(`/v2/${repository}/manifests/${tag}`, { repository, method: 'HEAD', ok: [404], headers: { accept: MediaType.ociIndex } }, `reading ${where}:${tag}`);
  await held.body?.cancel();
  if (held.status !== 404) {
    const old = await client.getManifest(repository, tag);
    let doc: { manifests?: unknown };
    try {
      doc = JSON.parse(Buffer.from(old.raw).toString('utf8')) as typeof doc;
    } catch {
      doc = {};
    }
    if (!Array.isArray(doc.manifests)) {
      throw new WhittleError('bad-archive', `${where}:${tag} is not an image index of referrers: not adding the artifact to it`);
    }
    for (const m of doc.manifests as Descriptor[]) if (m && typeof m === 'object' && m.digest !== digest) manifests.push(m);
  }
  manifests.push(descriptor);
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
  await putManifest(client, repository, tag, index, MediaType.ociIndex, `${where}:${tag}`);
  return { digest, referrers: 'tag', tag };
}
