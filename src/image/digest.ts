// Digests name content: `algorithm:hex`. whittle verifies every digest it reads, so this module
// only parses, formats and creates hashers; verification happens where bytes stream past.
import { createHash, type Hash } from 'node:crypto';
import { WhittleError } from '../errors.js';

/** Digest is a content address such as `sha256:2c26b4…`. */
export type Digest = string & { readonly __digest?: never };

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

/** parseDigest validates a digest string and returns its parts; it throws WhittleError on bad input. */
export function parseDigest(value: unknown, what = 'digest'): { algorithm: string; hex: string; digest: Digest } {
  if (typeof value !== 'string') throw new WhittleError('bad-archive', `${what} is not a string`);
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(value);
  if (!m) throw new WhittleError('bad-archive', `${what} ${JSON.stringify(value)} is not a valid digest`);
  const algorithm = m[1]!;
  const hex = m[2]!;
  const len = HEX_LENGTH[algorithm];
  if (len === undefined) throw new WhittleError('unsupported', `${what} uses unsupported algorithm ${algorithm}`);
  if (hex.length !== len || !/^[0-9a-f]+$/.test(hex)) {
    throw new WhittleError('bad-archive', `${what} ${JSON.stringify(value)} is not a valid ${algorithm} digest`);
  }
  return { algorithm, hex, digest: value };
}

/** isDigest reports whether value is a well-formed, supported digest. */
export function isDigest(value: unknown): value is Digest {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/** digestOf hashes an in-memory buffer (manifests and configs, never layers). */
export function digestOf(data: Uint8Array, algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** finish formats a finished hash as a digest of the given algorithm. */
export function finish(hash: Hash, algorithm = 'sha256'): Digest {
  return `${algorithm}:${hash.digest('hex')}`;
}

/** shortDigest is the 12-hex-character form docker prints. */
export function shortDigest(digest: Digest): string {
  const i = digest.indexOf(':');
  return digest.slice(i + 1, i + 13);
}
