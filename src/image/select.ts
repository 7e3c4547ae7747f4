// Selecting one image manifest from an index: by reference name (OCI `org.opencontainers.image.ref.name`),
// then through nested indexes, then by platform. Every nested document is verified against its digest.
import { WhittleError } from '../errors.js';
import { digestOf, type Digest } from './digest.js';
import { documentKind, parseIndex, parseJson } from './documents.js';
import { isManifestType } from './mediatypes.js';
import { DEFAULT_PLATFORM, formatPlatform, isAttestation, platformMatches } from './platform.js';
import type { Descriptor, Index, Platform } from './spec.js';

export interface SelectOptions {
  /** ref name to pick (`oci:DIR:ref`). */
  ref?: string;
  /** platform to pick from multi-platform indexes; DEFAULT_PLATFORM when absent. */
  platform?: Platform;
  /** platformExplicit: the user asked for this platform, so a single image of another platform is an error. */
  platformExplicit?: boolean;
}

export interface SelectedManifest {
  descriptor: Descriptor;
  raw: Uint8Array;
  /** the ref name the selection went through, if any. */
  refName?: string;
}

/** readDocument reads a manifest or index blob and checks it hashes to its descriptor's digest. */
export type ReadDocument = (d: Descriptor) => Promise<Uint8Array>;

const REF_NAME = 'org.opencontainers.image.ref.name';

async function readVerified(read: ReadDocument, d: Descriptor): Promise<Uint8Array> {
  const raw = await read(d);
  const algorithm = d.digest.split(':')[0]!;
  const actual: Digest = digestOf(raw, algorithm);
  if (actual !== d.digest) {
    throw new WhittleError('digest-mismatch', `document ${d.digest} hashes to ${actual}`);
  }
  if (raw.byteLength !== d.size) {
    throw new WhittleError('size-mismatch', `document ${d.digest} has ${raw.byteLength} bytes, its descriptor says ${d.size}`);
  }
  return raw;
}

interface Leaf {
  descriptor: Descriptor;
  platform?: Platform;
  refName?: string;
}

async function flatten(read: ReadDocument, index: Index, depth: number, inherited: Partial<Leaf>): Promise<Leaf[]> {
  if (depth > 8) throw new WhittleError('bad-archive', 'indexes nest more than 8 levels deep');
  const leaves: Leaf[] = [];
  for (const d of index.manifests) {
    const refName = d.annotations?.[REF_NAME] ?? inherited.refName;
    if (isAttestation(d)) continue;
    if (isManifestType(d.mediaType)) {
      leaves.push({ descriptor: d, ...(d.platform ? { platform: d.platform } : {}), ...(refName ? { refName } : {}) });
      continue;
    }
    const raw = await readVerified(read, d);
    const doc = parseJson(raw, `index ${d.digest}`);
    const kind = documentKind(doc, d.mediaType);
    if (kind === 'index') {
      leaves.push(...(await flatten(read, parseIndex(raw, `index ${d.digest}`), depth + 1, refName ? { refName } : {})));
    } else if (kind === 'manifest') {
      leaves.push({ descriptor: d, ...(d.platform ? { platform: d.platform } : {}), ...(refName ? { refName } : {}) });
    } else {
      throw new WhittleError('unsupported-media-type', `index entry ${d.digest} has unsupported media type ${d.mediaType}`);
    }
  }
  return leaves;
}

/** selectManifest picks one image manifest from an index, or fails naming what the index holds. */
export async function selectManifest(read: ReadDocument, index: Index, opts: SelectOptions, where: string): Promise<SelectedManifest> {
  let top = index.manifests;
  if (opts.ref !== undefined) {
    top = top.filter((d) => d.annotations?.[REF_NAME] === opts.ref || d.annotations?.['io.containerd.image.name'] === opts.ref);
    if (top.length === 0) {
      const names = [...new Set(index.manifests.map((d) => d.annotations?.[REF_NAME]).filter(Boolean))];
      throw new WhittleError(
        'not-found',
        `${where} has no image named ${JSON.stringify(opts.ref)}${names.length ? ` (it has: ${names.join(', ')})` : ' (its index has no ref names)'}`,
      );
    }
  }
  const leaves = await flatten(read, { ...index, manifests: top }, 0, {});
  if (leaves.length === 0) throw new WhittleError('not-found', `${where} holds no image`);
  const want = opts.platform ?? DEFAULT_PLATFORM;
  let chosen: Leaf | undefined;
  if (leaves.length === 1 && (!opts.platformExplicit || !leaves[0]!.platform || platformMatches(want, leaves[0]!.platform))) {
    chosen = leaves[0]!;
  } else {
    const refNames = new Set(leaves.map((l) => l.refName ?? ''));
    if (opts.ref === undefined && refNames.size > 1) {
      throw new WhittleError('usage', `${where} holds several images; name one (${[...refNames].filter(Boolean).join(', ')})`);
    }
    const matching = leaves.filter((l) => l.platform && platformMatches(want, l.platform));
    chosen = matching.find((l) => (l.platform?.variant ?? '') === (want.variant ?? '')) ?? matching[0];
    if (!chosen && leaves.every((l) => !l.platform) && leaves.length > 1) {
      throw new WhittleError('usage', `${where} holds ${leaves.length} images without platforms; name one by ref`);
    }
    if (!chosen) {
      const available = [...new Set(leaves.map((l) => formatPlatform(l.platform)))].join(', ');
      throw new WhittleError('no-matching-platform', `${where} has no image for ${formatPlatform(want)} (available: ${available}); choose one with --platform`);
    }
  }
  const picked: Leaf = chosen;
  const raw = await readVerified(read, picked.descriptor);
  return { descriptor: picked.descriptor, raw, ...(picked.refName ? { refName: picked.refName } : {}) };
}
