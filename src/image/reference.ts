// Image references with skopeo-style transports — `docker-archive:PATH[:name:tag|:@N]`,
// `oci:DIR[:ref]`, `oci-archive:PATH[:ref]` — and bare paths, whose format is sniffed. Each
// transport is one entry of TRANSPORTS; registries (`docker://`) and engines (`docker-daemon:`)
// plug in there.
import { stat } from 'node:fs/promises';
import { WhittleError, wrap } from '../errors.js';
import { DirSource, TarSource, type FileSource } from '../internal/file-source.js';
import { dockerArchiveImage } from '../sources/tarball/index.js';
import { isLayout, layoutImage } from '../sources/layout/index.js';
import type { ClientOptions } from '../sources/registry/client.js';
import type { Image } from './image.js';
import { parsePlatform } from './platform.js';
import type { SelectOptions } from './select.js';

export interface OpenOptions {
  /** platform to select from multi-platform images, `os/arch[/variant]`; default linux/amd64. */
  platform?: string;
  /** registry credentials and plain-http permission for docker:// (over WHITTLE_REGISTRY_CREDS / WHITTLE_INSECURE_REGISTRY). */
  registry?: ClientOptions;
}

export interface ParsedReference {
  transport: string;
  /** the transport-specific rest: a path, possibly followed by `:ref`. */
  path: string;
  ref?: string;
}

type Opener = (parsed: ParsedReference, reference: string, select: SelectOptions, opts: OpenOptions) => Promise<Image>;

async function statOrFail(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    throw wrap(path, err);
  }
}

async function openFiles(path: string): Promise<FileSource> {
  const s = await statOrFail(path);
  return s.isDirectory() ? new DirSource(path) : TarSource.open(path);
}

/** TRANSPORTS maps each transport name to its opener. */
const TRANSPORTS: Record<string, Opener> = {
  'docker-archive': async (p, reference, select) => dockerArchiveImage(await openFiles(p.path), reference, p.ref, select),
  oci: async (p, reference, select) => {
    const s = await statOrFail(p.path);
    if (!s.isDirectory()) throw new WhittleError('bad-reference', `${p.path} is not a directory (use oci-archive: for a tar)`);
    return layoutImage(new DirSource(p.path), reference, { ...select, ...(p.ref !== undefined ? { ref: p.ref } : {}) });
  },
  'oci-archive': async (p, reference, select) => {
    const s = await statOrFail(p.path);
    if (s.isDirectory()) throw new WhittleError('bad-reference', `${p.path} is a directory (use oci: for a layout directory)`);
    return layoutImage(await TarSource.open(p.path), reference, { ...select, ...(p.ref !== undefined ? { ref: p.ref } : {}) });
  },
  docker: async (p, reference, select, opts) =>
    // the network transports load on first use: a local archive starts faster without them
    import('../sources/registry/index.js').then(({ registryImage, registryOptionsFromEnv }) =>
      registryImage(p.ref !== undefined ? `${p.path}:${p.ref}` : p.path, reference, select, { ...registryOptionsFromEnv(), ...opts.registry }),
    ),
  'docker-daemon': async (p, reference, select) =>
    import('../sources/daemon/index.js').then(({ daemonImage }) => daemonImage(p.ref !== undefined ? `${p.path}:${p.ref}` : p.path, reference, select)),
};

/** PLANNED transports are recognized so users get a clear message instead of "unknown transport". */
const PLANNED: Record<string, string> = {};

/** parseReference splits `transport:path[:ref]`; a string without a known transport is a bare path. */
export function parseReference(reference: string): ParsedReference {
  if (reference === '') throw new WhittleError('bad-reference', 'empty image reference');
  const colon = reference.indexOf(':');
  const transport = colon > 0 ? reference.slice(0, colon) : '';
  if (transport in TRANSPORTS) {
    const rest = reference.slice(colon + 1);
    if (rest === '') throw new WhittleError('bad-reference', `${transport}: needs a path`);
    const sep = rest.indexOf(':');
    return sep < 0 ? { transport, path: rest } : { transport, path: rest.slice(0, sep), ref: rest.slice(sep + 1) };
  }
  if (transport in PLANNED) throw new WhittleError('unsupported', `${reference}: ${PLANNED[transport]}`);
  return { transport: '', path: reference };
}

/** sniffTransport decides how to read a bare path: a layout directory, a docker save tar, or an OCI archive. */
async function sniffTransport(path: string): Promise<ParsedReference> {
  const s = await statOrFail(path);
  const files = s.isDirectory() ? new DirSource(path) : await TarSource.open(path);
  if (await files.has('manifest.json')) return { transport: 'docker-archive', path };
  if (await isLayout(files)) return { transport: s.isDirectory() ? 'oci' : 'oci-archive', path };
  throw new WhittleError('bad-archive', `${path} is neither a docker save archive nor an OCI layout or archive`);
}

/** openImage resolves a reference to one single-platform Image. */
export async function openImage(reference: string, opts: OpenOptions = {}): Promise<Image> {
  let parsed = parseReference(reference);
  if (parsed.transport === '') {
    const prefix = /^([a-z][a-z0-9-]*):/.exec(reference)?.[1];
    if (prefix && !(await stat(reference).catch(() => null))) {
      throw new WhittleError(
        'bad-reference',
        `unknown transport ${JSON.stringify(prefix)} in ${JSON.stringify(reference)} (known: ${Object.keys(TRANSPORTS).join(', ')}; or give a path)`,
      );
    }
    parsed = await sniffTransport(parsed.path);
  }
  const select: SelectOptions = opts.platform
    ? { platform: parsePlatform(opts.platform), platformExplicit: true }
    : {};
  return TRANSPORTS[parsed.transport]!(parsed, reference, select, opts);
}
