// writeImage: the one entry point for every sink, chosen by the reference's transport in the table.
// Every command that produces an image calls it, so each one can write to each transport. A bare
// output path must end in `.tar` (a docker-archive); anything else names its transport.
import { dirname, resolve } from 'node:path';
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import { TRANSPORTS, transportNamed, type Artifact, type AttachResult, type Descriptor, type Transport, type WriteOptions, type WriteResult } from './index.js';
import { parseReference } from './reference.js';

/** LocalTarget is where a local sink writes, and what the layer file it could adopt must look like. */
export interface LocalTarget {
  /** the file or directory the output writes (absolute). */
  path: string;
  /** the directory the output appears in: a layer file written here can be moved into place. */
  dir: string;
  /** free bytes an adopted layer file needs before its blob (an archive's tar header). */
  reserve: number;
}

/** outputOf resolves an output reference to its transport; a bare `*.tar` is a docker-archive. */
function outputOf(reference: string): { transport: Transport; reference: string } {
  const { transport, path } = parseReference(reference);
  const explicit = transport !== '' ? reference : /\.tar$/i.test(path) ? `docker-archive:${path}` : undefined;
  if (explicit === undefined) {
    throw new WhittleError(
      'usage',
      `cannot tell how to write ${JSON.stringify(reference)}: name a transport (${TRANSPORTS.map((t) => `${t.name}:`).join(', ')}) or give a path ending in .tar`,
    );
  }
  const parsed = parseReference(explicit);
  const named = transportNamed(parsed.transport)!;
  // a name or tag the output cannot have is refused before any work is done for it
  named.check(parsed, 'write');
  return { transport: named, reference: explicit };
}

/** localTargetOf tells where a local output (a file or a directory) goes; null for a registry or engine. */
export function localTargetOf(reference: string): LocalTarget | null {
  const out = outputOf(reference);
  if (out.transport.output === 'remote') return null;
  const { path } = parseReference(out.reference);
  // an archive's adopted blob needs its tar header block in front; a new layout is built next to
  // its final place (atomic.ts) and renamed, an existing one is written in place
  return { path: resolve(path), dir: dirname(resolve(path)), reserve: out.transport.output === 'file' ? 512 : 0 };
}

/** defaultCompressionOf is the layer compression `--compression auto` writes for an output reference. */
export function defaultCompressionOf(reference: string): 'gzip' | 'none' {
  return outputOf(reference).transport.defaultCompression;
}

/** writeImage writes image to reference (any transport of the table, or a bare `PATH.tar`). */
export async function writeImage(image: Image, reference: string, opts: WriteOptions = {}): Promise<WriteResult> {
  const out = outputOf(reference);
  return out.transport.write(image, parseReference(out.reference), opts);
}

/** canAttach says whether reference's transport takes artifacts about an image (a registry's referrers). */
export function canAttach(reference: string): boolean {
  return outputOf(reference).transport.attach !== undefined;
}

/** attachArtifact pushes artifact about the image subject written to reference (a registry). */
export async function attachArtifact(reference: string, subject: Descriptor, artifact: Artifact, opts: WriteOptions = {}): Promise<AttachResult> {
  const out = outputOf(reference);
  if (!out.transport.attach) throw new WhittleError('usage', `${out.transport.name}: cannot attach artifacts to an image there (only a registry can)`);
  return out.transport.attach(parseReference(out.reference), subject, artifact, opts);
}
