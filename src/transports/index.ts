// The transports whittle reads and writes, one entry each: how a reference of that transport is
// spelled, what it is, how to open it and how to write to it (both load their source or sink
// module on first use, so a run pays only for the transport it names: analyzing a local archive
// loads no registry or engine code), whether its output is a local file or directory, and which
// layer compression its images usually hold. Everything that needs to know the transports (parsing,
// opening, writing, `--compression auto`, command help) reads this table.
import type { Image } from '../image/image.js';
import type { SelectOptions } from '../image/select.js';
import type { LoadOptions } from '../sinks/daemon.js';
import type { LocalWriteOptions, WriteResult } from '../sinks/layout.js';
import type { PushOptions } from '../sinks/registry.js';
import type { Artifact, AttachResult, Descriptor } from '../sinks/referrers.js';
import type { ClientOptions } from '../sources/registry/client.js';
import { WhittleError } from '../errors.js';
import { checkArchiveTag, checkOciRefName, parseDockerName } from '../internal/reference-grammar.js';
import { openFiles, openLayoutDir, openLayoutTar } from './local.js';

export type { WriteResult } from '../sinks/layout.js';
export type { Artifact, AttachResult, Descriptor } from '../sinks/referrers.js';

/** ParsedReference is a reference split at its transport: `transport:path[:ref]`; transport '' for a bare path or name. */
export interface ParsedReference {
  transport: string;
  /** the transport-specific rest: a path, possibly followed by `:ref`. */
  path: string;
  ref?: string;
}

export interface OpenOptions {
  /** platform to select from multi-platform images, `os/arch[/variant]`; default linux/amd64. */
  platform?: string;
  /** registry credentials and plain-http permission for docker:// (over WHITTLE_REGISTRY_CREDS / WHITTLE_INSECURE_REGISTRY). */
  registry?: ClientOptions;
  /** onResolve is told the reference a bare `name[:tag]` resolved to (`docker-daemon:…` or `docker://…`) once it opened; default: nothing. */
  onResolve?: (reference: string) => void;
  /** where a source may keep what it would otherwise read again (docker-daemon: its export's manifest and config by image ID; docker-archive: which layer files were checked against their digests; docker://: a platform manifest and the config, by digest); default none. */
  cacheDir?: string;
}

export interface WriteOptions extends LocalWriteOptions {
  registry?: PushOptions;
  daemon?: LoadOptions;
}

/** Transport is one way to name where an image is. */
export interface Transport {
  /** name is the prefix before the colon. */
  name: string;
  /** syntax is how a reference is spelled, for help texts. */
  syntax: string;
  /** description says in a few words what the reference names. */
  description: string;
  /** output is what a write produces: a file, a directory (both local), or something remote. */
  output: 'file' | 'directory' | 'remote';
  /** defaultCompression is what `--compression auto` writes new layers as: what this destination usually holds. */
  defaultCompression: 'gzip' | 'none';
  /** check throws a bad-reference error when parsed names nothing this transport could read (use 'read') or write (use 'write'); it loads nothing. */
  check(parsed: ParsedReference, use: 'read' | 'write'): void;
  /** open reads one single-platform image from parsed; reference is how the user named it (Image.reference). */
  open(parsed: ParsedReference, reference: string, select: SelectOptions, opts: OpenOptions): Promise<Image>;
  /** write writes image to parsed and says where it went as a reference whittle reads back. */
  write(image: Image, parsed: ParsedReference, opts: WriteOptions): Promise<WriteResult>;
  /** attach, where the transport has referrers (a registry), pushes an artifact about the manifest subject of parsed. */
  attach?(parsed: ParsedReference, subject: Descriptor, artifact: Artifact, opts: WriteOptions): Promise<AttachResult>;
}

/** rest is what follows `transport:`. */
function restOf(p: ParsedReference): string {
  return p.ref !== undefined ? `${p.path}:${p.ref}` : p.path;
}

const withRef = (select: SelectOptions, p: ParsedReference): SelectOptions => ({ ...select, ...(p.ref !== undefined ? { ref: p.ref } : {}) });

/** TRANSPORTS lists every transport, in the order help texts show them. */
export const TRANSPORTS: readonly Transport[] = [
  {
    name: 'docker-archive',
    syntax: 'docker-archive:PATH[:name:tag|:@N]',
    description: 'a `docker save` tar; :@N picks image N',
    output: 'file',
    defaultCompression: 'none', // docker save writes plain tars
    check: (p, use) => {
      // on reading, :@N picks an image by position (the source says when there is none)
      if (p.ref === undefined || (use === 'read' && p.ref.startsWith('@'))) return;
      if (use === 'write') checkArchiveTag(p.ref, `docker-archive:${restOf(p)}`);
      else parseDockerName(p.ref, `docker-archive:${restOf(p)}`);
    },
    open: async (p, reference, select, opts) => {
      const { dockerArchiveImage } = await import('../sources/tarball/index.js');
      const verified = opts.cacheDir !== undefined ? new (await import('../internal/verified-blobs.js')).VerifiedBlobs(opts.cacheDir) : undefined;
      return dockerArchiveImage(await openFiles(p.path), reference, p.ref, select, verified);
    },
    write: async (image, p, opts) => (await import('../sinks/layout.js')).writeDockerArchive(image, p.path, p.ref, opts),
  },
  {
    name: 'oci',
    syntax: 'oci:DIR[:ref]',
    description: 'an OCI image layout (a directory)',
    output: 'directory',
    defaultCompression: 'gzip',
    check: (p) => {
      if (p.ref !== undefined) checkOciRefName(p.ref, `oci:${restOf(p)}`);
    },
    open: async (p, reference, select) => {
      const { layoutImage } = await import('../sources/layout/index.js');
      return layoutImage(await openLayoutDir(p.path), reference, withRef(select, p));
    },
    write: async (image, p, opts) => (await import('../sinks/layout.js')).writeOciLayout(image, p.path, p.ref, opts),
  },
  {
    name: 'oci-archive',
    syntax: 'oci-archive:PATH[:ref]',
    description: 'an OCI image layout in a tar',
    output: 'file',
    defaultCompression: 'gzip',
    check: (p) => {
      if (p.ref !== undefined) checkOciRefName(p.ref, `oci-archive:${restOf(p)}`);
    },
    open: async (p, reference, select) => {
      const { layoutImage } = await import('../sources/layout/index.js');
      return layoutImage(await openLayoutTar(p.path), reference, withRef(select, p));
    },
    write: async (image, p, opts) => (await import('../sinks/layout.js')).writeOciArchive(image, p.path, p.ref, opts),
  },
  {
    name: 'docker',
    syntax: 'docker://HOST/REPO[:TAG|@DIGEST]',
    description: 'a registry (Docker Hub without HOST)',
    output: 'remote',
    defaultCompression: 'gzip',
    check: (p) => {
      const name = restOf(p).replace(/^\/\//, '');
      if (name === '') throw new WhittleError('bad-reference', 'docker:// needs an image name');
      parseDockerName(name, `docker://${name}`);
    },
    open: async (p, reference, select, opts) => {
      const { registryImage, registryOptionsFromEnv } = await import('../sources/registry/index.js');
      return registryImage(restOf(p), reference, select, { ...registryOptionsFromEnv(), ...opts.registry }, opts.cacheDir);
    },
    write: async (image, p, opts) => {
      const [{ writeToRegistry }, { registryOptionsFromEnv }] = await Promise.all([import('../sinks/registry.js'), import('../sources/registry/index.js')]);
      const pushed = await writeToRegistry(image, restOf(p), { ...registryOptionsFromEnv(), ...opts.registry });
      return { reference: `docker://${pushed.pushed}`, manifestDigest: pushed.digest, configDigest: await image.configDigest(), bytes: 0 };
    },
    attach: async (p, subject, artifact, opts) => {
      const [{ attachToRegistry }, { registryOptionsFromEnv }] = await Promise.all([import('../sinks/referrers.js'), import('../sources/registry/index.js')]);
      return attachToRegistry(restOf(p), subject, artifact, { ...registryOptionsFromEnv(), ...opts.registry });
    },
  },
  {
    name: 'docker-daemon',
    syntax: 'docker-daemon:NAME[:TAG]',
    description: 'the local Docker or Podman engine',
    output: 'remote',
    defaultCompression: 'none', // what the engine's own docker save gives back
    // an image is read by name or by ID, which the engine checks; a written one gets a tag
    check: (p, use) => {
      if (use === 'write') checkArchiveTag(restOf(p), `docker-daemon:${restOf(p)}`);
    },
    open: async (p, reference, select, opts) =>
      (await import('../sources/daemon/index.js')).daemonImage(restOf(p), reference, select, undefined, opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
    write: async (image, p, opts) => {
      const { loadIntoDaemon } = await import('../sinks/daemon.js');
      const id = await loadIntoDaemon(image, restOf(p), opts.daemon);
      return { reference: `docker-daemon:${restOf(p)}`, manifestDigest: await image.digest(), configDigest: id, bytes: 0 };
    },
  },
];

/** transportNamed finds a transport by its prefix. */
export function transportNamed(name: string): Transport | undefined {
  return TRANSPORTS.find((t) => t.name === name);
}
