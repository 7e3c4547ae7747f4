// Parsing references as users type them: `transport:rest` for a transport of the table, `-` for
// standard input, and otherwise a bare path (whose format is sniffed) or a bare image name
// (`alpine:3.20`, `ghcr.io/acme/app:1`), which resolve.ts looks up in the engine, then the registry.
import { WhittleError } from '../errors.js';
import { isImageName } from '../internal/image-name.js';
import { TRANSPORTS, transportNamed, type ParsedReference } from './index.js';

/** STDIN is the reference that reads a `docker save` stream from standard input. */
export const STDIN = '-';

/** parseReference splits `transport:path[:ref]`; a string without a known transport is bare (transport ''). */
export function parseReference(reference: string): ParsedReference {
  if (reference === '') throw new WhittleError('bad-reference', 'empty image reference');
  const colon = reference.indexOf(':');
  const transport = colon > 0 ? reference.slice(0, colon) : '';
  if (transportNamed(transport)) {
    const rest = reference.slice(colon + 1);
    if (rest === '') throw new WhittleError('bad-reference', `${transport}: needs a path`);
    const sep = rest.indexOf(':');
    return sep < 0 ? { transport, path: rest } : { transport, path: rest.slice(0, sep), ref: rest.slice(sep + 1) };
  }
  return { transport: '', path: reference };
}

/** looksLikePath: a bare reference spelled as a path (`./x`, `/x`, `~/x`, `x.tar`) is never taken for an image name. */
function looksLikePath(reference: string): boolean {
  return /^[./~]/.test(reference) || /\.(tar|tgz|tar\.gz|oci)$/i.test(reference) || reference.includes('\\');
}

/** isBareName tells whether a bare reference that is no existing path names an image (`name[:tag|@digest]`). */
export function isBareName(reference: string): boolean {
  return !looksLikePath(reference) && isImageName(reference);
}

/** unknownTransport is the error for `prefix:…` that names no transport, or null when reference has no such prefix. */
export function unknownTransport(reference: string): WhittleError | null {
  const prefix = /^([a-z][a-z0-9-]*):/.exec(reference)?.[1];
  if (!prefix) return null;
  return new WhittleError(
    'bad-reference',
    `unknown transport ${JSON.stringify(prefix)} in ${JSON.stringify(reference)} (known: ${TRANSPORTS.map((t) => t.name).join(', ')}; or give a path or an image name)`,
  );
}
