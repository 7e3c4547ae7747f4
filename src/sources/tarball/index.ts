// `docker save` archives (`docker-archive:PATH[:name:tag|:@N]`), in both forms: legacy
// (`manifest.json`, `<id>.json`, `<id>/layer.tar`, which may be a symlink to another layer's) and
// Docker 25+ (an OCI layout with `manifest.json` beside it). manifest.json is preferred when
// present: Docker 25+ may write `"manifests": null` in index.json and leaves legacy JSON blobs
// that no manifest references. Without manifest.json, the archive is read as an OCI layout.
import { WhittleError } from '../../errors.js';
import { digestOfBlobPath } from '../../image/blob-path.js';
import type { Digest } from '../../image/digest.js';
import { parseJson } from '../../image/documents.js';
import type { Image } from '../../image/image.js';
import { fromConfig } from '../../image/partial/index.js';
import type { SelectOptions } from '../../image/select.js';
import type { FileSource } from '../../internal/file-source.js';
import { normalizeTag } from '../../internal/image-name.js';
import { isLayout, layoutImage } from '../layout/index.js';
import type { VerifiedBlobs } from '../../internal/verified-blobs.js';

interface ManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

function checkEntries(doc: unknown, where: string): ManifestEntry[] {
  if (!Array.isArray(doc)) throw new WhittleError('bad-archive', `${where}: manifest.json is not an array`);
  return doc.map((e, i) => {
    const entry = e as Partial<ManifestEntry> | null;
    if (!entry || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || entry.Layers.some((l) => typeof l !== 'string')) {
      throw new WhittleError('bad-archive', `${where}: manifest.json entry ${i} lacks Config or Layers`);
    }
    return { Config: entry.Config, Layers: entry.Layers, RepoTags: Array.isArray(entry.RepoTags) ? entry.RepoTags : [] };
  });
}

function pickEntry(entries: ManifestEntry[], ref: string | undefined, where: string): ManifestEntry {
  if (entries.length === 0) throw new WhittleError('not-found', `${where} holds no image`);
  if (ref === undefined) {
    if (entries.length > 1) {
      const tags = entries.flatMap((e) => e.RepoTags ?? []);
      throw new WhittleError('usage', `${where} holds ${entries.length} images; name one with :name:tag or :@N (${tags.join(', ') || 'untagged'})`);
    }
    return entries[0]!;
  }
  if (ref.startsWith('@')) {
    const n = Number(ref.slice(1));
    const entry = Number.isInteger(n) ? entries[n] : undefined;
    if (!entry) throw new WhittleError('not-found', `${where} has no image ${ref} (it has ${entries.length})`);
    return entry;
  }
  const want = normalizeTag(ref);
  const entry = entries.find((e) => (e.RepoTags ?? []).some((t) => normalizeTag(t) === want));
  if (!entry) {
    const tags = entries.flatMap((e) => e.RepoTags ?? []);
    throw new WhittleError('not-found', `${where} has no image tagged ${ref} (it has: ${tags.join(', ') || 'no tags'})`);
  }
  return entry;
}

const LEGACY_CONFIG = /^([0-9a-f]{64})\.json$/;

function digestFromName(path: string): Digest | undefined {
  return digestOfBlobPath(path) ?? undefined;
}

/** dockerArchiveImage opens one image of a `docker save` archive held by files. */
export async function dockerArchiveImage(files: FileSource, reference: string, ref: string | undefined, opts: SelectOptions, verified?: VerifiedBlobs): Promise<Image> {
  const where = files.location;
  if (!(await files.has('manifest.json'))) {
    if (await isLayout(files)) return layoutImage(files, reference, { ...opts, ...(ref !== undefined ? { ref } : {}) });
    throw new WhittleError('bad-archive', `${where} is not a docker-archive: it has no manifest.json`);
  }
  const entries = checkEntries(parseJson(await files.readSmall('manifest.json'), `${where}: manifest.json`), where);
  const entry = pickEntry(entries, ref, where);
  if (!(await files.has(entry.Config))) throw new WhittleError('missing-blob', `${where}: config ${entry.Config} is missing`);
  const legacy = LEGACY_CONFIG.exec(entry.Config);
  const configDigest = digestFromName(entry.Config) ?? (legacy ? `sha256:${legacy[1]}` : undefined);
  for (const layer of entry.Layers) {
    if (!(await files.has(layer))) throw new WhittleError('missing-blob', `${where}: layer ${layer} is missing`);
  }
  return fromConfig({
    reference,
    rawConfig: await files.readSmall(entry.Config),
    ...(configDigest ? { configDigest } : {}),
    tags: entry.RepoTags ?? [],
    ...(verified ? { verified } : {}),
    layers: entry.Layers.map((name) => {
      const namedDigest = digestFromName(name);
      return {
        name,
        ...(namedDigest ? { namedDigest } : {}),
        size: () => files.size(name),
        open: () => files.open(name),
        ...(files.identity ? { identity: () => files.identity!(name) } : {}),
        ...(files.range ? { range: () => files.range!(name) } : {}),
      };
    }),
  });
}
