// Documents named by their digest (an image's config, a manifest asked for by digest), kept in a
// cache directory so a source that would fetch one again (a registry base of a warm build: its
// platform manifest and its config) reads it from disk. Content-addressed, so an entry is checked
// by hashing it when read; one that does not hash to its name, or cannot be read or written, is a
// miss and the document is fetched as without the cache.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';

const DIGEST = /^(sha256|sha512):([0-9a-f]{64,128})$/;

const digestOf = (data: Uint8Array, algorithm: string) => `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;

/** cachedDocument gives the document digest names, from dir when it holds it, else from fetch (kept in dir when it hashes to digest). */
export async function cachedDocument(dir: string | undefined, digest: string, fetch: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const m = DIGEST.exec(digest);
  if (!dir || !m) return fetch();
  const [, algorithm = 'sha256', hex] = m;
  const file = path.join(dir, `doc-${algorithm}-${hex}`);
  const held = await readFile(file).catch(() => null);
  if (held && digestOf(held, algorithm) === digest) return held;
  const fetched = await fetch();
  if (digestOf(fetched, algorithm) === digest) {
    await mkdir(dir, { recursive: true })
      .then(() => writeFileAtomic(file, fetched))
      .catch(() => undefined);
  }
  return fetched;
}
