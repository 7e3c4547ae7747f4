// FileSource: read-only access to named files of an image container, either a directory (an OCI
// layout, an unpacked `docker save`) or a tar archive (`docker save`, `oci-archive`). Sources parse
// layouts and manifests through this interface, so each format is read the same way from both.
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { WhittleError, wrap } from '../errors.js';
import { normalizeArchivePath } from './paths.js';
import { requireRegularFile } from './regular-file.js';
import { TarIndex } from './tar-index.js';
import { fileRangeIdentity } from './verified-blobs.js';

/** MAX_DOCUMENT bounds JSON documents (manifests, configs, indexes) read into memory. */
export const MAX_DOCUMENT = 64 << 20;

/** FileRange is where a file's bytes lie on disk: a file of a directory, or a member of an archive. */
export interface FileRange {
  path: string;
  offset: number;
  size: number;
}

export interface FileSource {
  /** where the files are, for messages. */
  readonly location: string;
  has(name: string): Promise<boolean>;
  size(name: string): Promise<number>;
  /** readSmall reads a whole file of at most MAX_DOCUMENT bytes. */
  readSmall(name: string): Promise<Buffer>;
  open(name: string): Promise<Readable>;
  /** identity names a file's bytes as they are now (internal/verified-blobs.ts); null when it cannot. */
  identity?(name: string): Promise<string | null>;
  /** range says where a file's bytes lie on disk, for reads by offset. */
  range?(name: string): Promise<FileRange>;
}

export class DirSource implements FileSource {
  constructor(readonly location: string) {}

  private async resolve(name: string): Promise<string> {
    const clean = normalizeArchivePath(name, this.location);
    const full = join(this.location, clean);
    // a layout may hold symlinks; they must not lead outside the directory
    let real: string;
    try {
      real = await realpath(full);
    } catch (err) {
      throw wrap(`${this.location}: ${clean}`, err);
    }
    const root = await realpath(this.location);
    if (real !== root && !real.startsWith(root + '/')) {
      throw new WhittleError('unsafe-path', `${this.location}: ${clean} links outside the directory`);
    }
    return real;
  }

  async has(name: string): Promise<boolean> {
    try {
      const s = await stat(await this.resolve(name));
      return s.isFile();
    } catch (err) {
      if (err instanceof WhittleError && err.code !== 'not-found') throw err;
      return false;
    }
  }

  async size(name: string): Promise<number> {
    return (await stat(await this.resolve(name))).size;
  }

  async readSmall(name: string): Promise<Buffer> {
    const path = await this.resolve(name);
    const s = await stat(path);
    if (s.size > MAX_DOCUMENT) throw new WhittleError('bad-archive', `${this.location}: ${name} is too large for a JSON document`);
    try {
      return await readFile(path);
    } catch (err) {
      throw wrap(`reading ${name}`, err);
    }
  }

  async open(name: string): Promise<Readable> {
    return createReadStream(await this.resolve(name), { highWaterMark: 4 << 20 });
  }

  async identity(name: string): Promise<string | null> {
    const path = await this.resolve(name);
    return fileRangeIdentity(path, 0, (await stat(path)).size);
  }

  async range(name: string): Promise<FileRange> {
    const path = await this.resolve(name);
    return { path, offset: 0, size: (await stat(path)).size };
  }
}

export class TarSource implements FileSource {
  private constructor(
    readonly location: string,
    private readonly index: TarIndex,
  ) {}

  /** open indexes the tar at path; location names it in messages (default: path). */
  static async open(path: string, location = path): Promise<TarSource> {
    await requireRegularFile(path, 'an image archive');
    return new TarSource(location, await TarIndex.build(path));
  }

  private member(name: string) {
    const clean = normalizeArchivePath(name, this.location);
    const member = this.index.resolve(clean);
    if (!member || member.kind !== 'file') {
      throw new WhittleError('not-found', `${this.location}: no file ${clean} in the archive`);
    }
    return member;
  }

  async has(name: string): Promise<boolean> {
    try {
      this.member(name);
      return true;
    } catch (err) {
      if (err instanceof WhittleError && err.code === 'not-found') return false;
      throw err;
    }
  }

  async size(name: string): Promise<number> {
    return this.member(name).size;
  }

  async readSmall(name: string): Promise<Buffer> {
    const member = this.member(name);
    if (member.size > MAX_DOCUMENT) throw new WhittleError('bad-archive', `${this.location}: ${name} is too large for a JSON document`);
    const chunks: Buffer[] = [];
    for await (const chunk of this.index.openMember(member)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async open(name: string): Promise<Readable> {
    return this.index.openMember(this.member(name));
  }

  async identity(name: string): Promise<string | null> {
    const member = this.member(name);
    return fileRangeIdentity(this.index.path, member.offset, member.size);
  }

  async range(name: string): Promise<FileRange> {
    const member = this.member(name);
    return { path: this.index.path, offset: member.offset, size: member.size };
  }
}
