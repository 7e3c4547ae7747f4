// Parsing and validating the JSON documents of an image: manifests, indexes and configs. Only the
// fields whittle relies on are checked; a document that lacks them is reported, never trusted.
import { WhittleError } from '../errors.js';
import { checkConfig } from './config-schema.js';
import { parseDigest } from './digest.js';
import { isIndexType, isManifestType } from './mediatypes.js';
import type { Descriptor, ImageConfig, Index, Manifest } from './spec.js';

export function parseJson(raw: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (err) {
    // the parser quotes the text it stopped at: bytes of a hostile blob, newlines and escapes included
    throw new WhittleError('bad-archive', `${what} is not valid JSON (${controlsEscaped((err as Error).message)})`);
  }
}

/** controlsEscaped writes control characters as \xNN, so a quoted excerpt stays on one line and sends the terminal nothing. */
function controlsEscaped(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkDescriptor(v: unknown, what: string): Descriptor {
  if (!isObject(v)) throw new WhittleError('bad-archive', `${what} is not a descriptor object`);
  parseDigest(v.digest, `${what} digest`);
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) {
    throw new WhittleError('bad-archive', `${what} has no valid size`);
  }
  if (typeof v.mediaType !== 'string') throw new WhittleError('bad-archive', `${what} has no mediaType`);
  return v as unknown as Descriptor;
}

/** documentKind tells an index from a manifest by mediaType, or by shape when mediaType is absent. */
export function documentKind(doc: unknown, mediaType?: string): 'index' | 'manifest' | 'unknown' {
  const mt = (isObject(doc) && typeof doc.mediaType === 'string' ? doc.mediaType : undefined) ?? mediaType;
  if (isIndexType(mt)) return 'index';
  if (isManifestType(mt)) return 'manifest';
  if (mt === undefined && isObject(doc)) {
    if (Array.isArray(doc.manifests) || doc.manifests === null) return 'index';
    if (Array.isArray(doc.layers) && isObject(doc.config)) return 'manifest';
  }
  return 'unknown';
}

export function parseManifest(raw: Uint8Array, what: string): Manifest {
  const doc = parseJson(raw, what);
  if (!isObject(doc)) throw new WhittleError('bad-archive', `${what} is not a JSON object`);
  if (doc.schemaVersion === 1) throw new WhittleError('unsupported', `${what} is a Docker schema 1 manifest, which is deprecated and not supported`);
  if (documentKind(doc) !== 'manifest') {
    throw new WhittleError('unsupported-media-type', `${what} has unsupported media type ${JSON.stringify(doc.mediaType ?? null)}`);
  }
  checkDescriptor(doc.config, `${what} config`);
  if (!Array.isArray(doc.layers)) throw new WhittleError('bad-archive', `${what} has no layers array`);
  doc.layers.forEach((l, i) => checkDescriptor(l, `${what} layer ${i}`));
  return doc as unknown as Manifest;
}

export function parseIndex(raw: Uint8Array, what: string): Index {
  const doc = parseJson(raw, what);
  if (!isObject(doc)) throw new WhittleError('bad-archive', `${what} is not a JSON object`);
  const manifests = doc.manifests === null || doc.manifests === undefined ? [] : doc.manifests;
  if (!Array.isArray(manifests)) throw new WhittleError('bad-archive', `${what} has no manifests array`);
  manifests.forEach((m, i) => checkDescriptor(m, `${what} manifest ${i}`));
  return { ...(doc as object), schemaVersion: Number(doc.schemaVersion ?? 2), manifests } as Index;
}

/** parseConfig parses and checks an image config (src/image/config-schema.ts). */
export function parseConfig(raw: Uint8Array, what: string): ImageConfig {
  return checkConfig(parseJson(raw, what), what);
}
