// openImage: the one entry point for every source. A reference names its transport
// (`docker-archive:`, `oci:`, `oci-archive:`, `docker://`, `docker-daemon:`), or is `-` (a
// `docker save` stream on standard input), a bare path (its format is sniffed), or a bare image
// name (resolve.ts: the engine's image if it has it, else the registry's).
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { WhittleError, wrap } from '../errors.js';
import type { Image } from '../image/image.js';
import { configPlatformMatches, formatPlatform, parsePlatform } from '../image/platform.js';
import type { SelectOptions } from '../image/select.js';
import { DirSource, TarSource } from '../internal/file-source.js';
import { parseDockerName } from '../internal/reference-grammar.js';
import { transportNamed, type OpenOptions, type ParsedReference } from './index.js';
import { statOrFail } from './local.js';
import { isBareName, parseReference, STDIN, unknownTransport } from './reference.js';
import { resolveName } from './resolve.js';

/** sniffTransport decides how to read a bare path: a layout directory, a docker save tar, or an OCI archive. */
async function sniffTransport(path: string, s: Stats): Promise<ParsedReference> {
  const files = s.isDirectory() ? new DirSource(path) : await TarSource.open(path);
  if (await files.has('manifest.json')) return { transport: 'docker-archive', path };
  const { isLayout } = await import('../sources/layout/index.js');
  if (await isLayout(files)) return { transport: s.isDirectory() ? 'oci' : 'oci-archive', path };
  throw new WhittleError('bad-archive', `${path} is neither a docker save archive nor an OCI layout or archive`);
}

async function open(reference: string, select: SelectOptions, opts: OpenOptions): Promise<Image> {
  if (reference === STDIN) return (await import('../sources/stdin/index.js')).stdinImage(reference, select);
  let parsed = parseReference(reference);
  if (parsed.transport === '') {
    const s = await stat(reference).catch(() => null);
    if (s) parsed = await sniffTransport(reference, s);
    else if (isBareName(reference)) {
      parseDockerName(reference, reference); // a host or port no registry can have is refused before any lookup
      const named = await resolveName(reference);
      const resolved = parseReference(named);
      const image = await transportNamed(resolved.transport)!.open(resolved, named, select, opts).catch((err) => {
        // say where the name was looked for, unless the message does already
        throw err instanceof WhittleError && err.message.startsWith(named) ? err : wrap(named, err);
      });
      opts.onResolve?.(named);
      return image;
    } else {
      const unknown = unknownTransport(reference);
      if (unknown) throw unknown;
      await statOrFail(reference); // throws: no such file or directory
    }
  }
  const transport = transportNamed(parsed.transport)!;
  transport.check(parsed, 'read');
  return transport.open(parsed, reference, select, opts);
}

/** openImage resolves a reference to one single-platform Image; with opts.platform, an image of another platform is an error. */
export async function openImage(reference: string, opts: OpenOptions = {}): Promise<Image> {
  if (!opts.platform) return open(reference, {}, opts);
  const platform = parsePlatform(opts.platform);
  const image = await open(reference, { platform, platformExplicit: true }, opts);
  const config = await image.config();
  if (!configPlatformMatches(platform, config)) {
    const have = formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
    throw new WhittleError('no-matching-platform', `${image.reference} is an image for ${have}, not ${formatPlatform(platform)}`);
  }
  return image;
}
