// writeImage: the one entry point for every sink, chosen by the reference's transport — the
// writing side of src/image/reference.ts. Every command that produces an image calls it, so each
// one can write to each transport.
import { dirname, resolve } from 'node:path';
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import { parseReference } from '../image/reference.js';
import { loadIntoDaemon, type LoadOptions } from './daemon.js';
import { writeDockerArchive, writeOciArchive, writeOciLayout, type LocalWriteOptions, type WriteResult } from './layout.js';
import { writeToRegistry, type PushOptions } from './registry.js';
import { registryOptionsFromEnv } from '../sources/registry/index.js';

export type { WriteResult } from './layout.js';

export interface WriteOptions extends LocalWriteOptions {
  registry?: PushOptions;
  daemon?: LoadOptions;
}

/** LocalTarget is where a local sink writes, and what the layer file it could adopt must look like. */
export interface LocalTarget {
  /** the directory the output appears in: a layer file written here can be moved into place. */
  dir: string;
  /** free bytes an adopted layer file needs before its blob (an archive's tar header). */
  reserve: number;
}

/** localTargetOf tells where a docker-archive:, oci-archive: or oci: output goes; null for a registry or engine. */
export function localTargetOf(reference: string): LocalTarget | null {
  const parsed = parseReference(explicit(reference));
  if (parsed.transport === 'docker-archive' || parsed.transport === 'oci-archive') return { dir: dirname(resolve(parsed.path)), reserve: 512 };
  // a new layout is built next to its final place (atomic.ts) and renamed; an existing one is written in place
  if (parsed.transport === 'oci') return { dir: dirname(resolve(parsed.path)), reserve: 0 };
  return null;
}

export const WRITABLE_TRANSPORTS = ['docker-archive', 'oci', 'oci-archive', 'docker', 'docker-daemon'] as const;

/** explicit resolves a bare output path: `*.tar` is a docker-archive; anything else needs a transport. */
function explicit(reference: string): string {
  const { transport, path } = parseReference(reference);
  if (transport !== '') return reference;
  if (/\.tar$/i.test(path)) return `docker-archive:${path}`;
  throw new WhittleError(
    'usage',
    `cannot tell how to write ${JSON.stringify(reference)}: name a transport (${WRITABLE_TRANSPORTS.map((t) => `${t}:`).join(', ')}) or give a path ending in .tar`,
  );
}

/** writeImage writes image to reference (`docker-archive:PATH[:name:tag]`, `oci:DIR[:ref]`, `oci-archive:PATH[:ref]`, `docker://…`, `docker-daemon:NAME[:TAG]`). */
export async function writeImage(image: Image, reference: string, opts: WriteOptions = {}): Promise<WriteResult> {
  const ref = explicit(reference);
  const parsed = parseReference(ref);
  const rest = ref.slice(parsed.transport.length + 1);
  switch (parsed.transport) {
    case 'docker-archive':
      return writeDockerArchive(image, parsed.path, parsed.ref, opts);
    case 'oci':
      return writeOciLayout(image, parsed.path, parsed.ref, opts);
    case 'oci-archive':
      return writeOciArchive(image, parsed.path, parsed.ref, opts);
    case 'docker': {
      const pushed = await writeToRegistry(image, rest, { ...registryOptionsFromEnv(), ...opts.registry });
      return { reference: `docker://${pushed.pushed}`, manifestDigest: pushed.digest, configDigest: await image.configDigest(), bytes: 0 };
    }
    case 'docker-daemon': {
      const id = await loadIntoDaemon(image, rest, opts.daemon);
      return { reference: `docker-daemon:${rest}`, manifestDigest: await image.digest(), configDigest: id, bytes: 0 };
    }
    default:
      throw new WhittleError('bad-reference', `cannot write to ${parsed.transport}: (writable: ${WRITABLE_TRANSPORTS.join(', ')})`);
  }
}
