// A random-access index of a tar file's members: one pass over the headers (seeking past content),
// then members are opened by name as byte ranges of the file. Used for `docker save` archives and
// OCI archives, which can be gigabytes and must not be read through to find manifest.json.
// Why hand-written: see tar-header.ts.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { WhittleError, wrap } from '../errors.js';
import {
  BLOCK,
  applyPax,
  decodeHeader,
  nulTerminated,
  padded,
  parsePax,
  type PaxRecords,
  type TarHeader,
} from './tar-header.js';
import { normalizeArchivePath, resolveArchiveLink } from './paths.js';

export interface TarMember {
  name: string;
  kind: TarHeader['kind'];
  /** offset of the content in the archive file. */
  offset: number;
  size: number;
  linkname: string;
}

export class TarIndex {
  private constructor(
    readonly path: string,
    readonly members: Map<string, TarMember>,
  ) {}

  /** build reads every header of the archive at path; it fails on truncation or a malformed header. */
  static async build(path: string): Promise<TarIndex> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw wrap(`opening ${path}`, err);
    }
    try {
      const { size: fileSize } = await fh.stat();
      if (fileSize === 0) throw new WhittleError('bad-archive', `${path} is empty`);
      const members = new Map<string, TarMember>();
      const block = new Uint8Array(BLOCK);
      let pos = 0;
      let pax: PaxRecords | null = null;
      let longName: string | null = null;
      let longLink: string | null = null;
      for (;;) {
        if (pos + BLOCK > fileSize) {
          if (pos === fileSize && members.size > 0) break; // no end marker: accepted, as Go's archive/tar does
          throw new WhittleError('truncated', `${path} is truncated (ends inside a tar header)`);
        }
        await readFully(fh, block, pos);
        let header: TarHeader | null;
        try {
          header = decodeHeader(block);
        } catch (err) {
          if (pos === 0) throw new WhittleError('bad-archive', `${path} is not a tar archive`);
          throw wrap(`reading ${path} at byte ${pos}`, err, 'bad-archive');
        }
        if (header === null) break;
        const contentOffset = pos + BLOCK;
        const next = contentOffset + padded(header.size);
        if (contentOffset + header.size > fileSize) {
          throw new WhittleError('truncated', `${path} is truncated (member ${JSON.stringify(header.name)} needs ${header.size} bytes)`);
        }
        if (header.kind === 'pax' || header.kind === 'gnu-longname' || header.kind === 'gnu-longlink') {
          if (header.size > 1 << 20) throw new WhittleError('bad-archive', `${path}: implausible tar metadata header`);
          const data = new Uint8Array(header.size);
          await readFully(fh, data, contentOffset);
          if (header.kind === 'pax') pax = parsePax(data);
          else if (header.kind === 'gnu-longname') longName = nulTerminated(data);
          else longLink = nulTerminated(data);
          pos = next;
          continue;
        }
        if (pax) applyPax(header, pax);
        if (longName !== null) header.name = longName;
        if (longLink !== null) header.linkname = longLink;
        pax = longName = longLink = null;
        pos = contentOffset + padded(header.size);
        if (header.kind === 'pax-global' || header.kind === 'skip') continue;
        const name = normalizeArchivePath(header.name, path);
        if (name === '') continue;
        members.set(name, {
          name,
          kind: header.kind,
          offset: contentOffset,
          size: header.kind === 'file' ? header.size : 0,
          linkname: header.linkname,
        });
      }
      return new TarIndex(path, members);
    } finally {
      await fh.close();
    }
  }

  /** resolve follows symlinks and hard links between members to the regular file that holds the data. */
  resolve(name: string): TarMember | undefined {
    let member = this.members.get(name);
    for (let hops = 0; member && (member.kind === 'symlink' || member.kind === 'hardlink'); hops++) {
      if (hops > 32) throw new WhittleError('bad-archive', `${this.path}: too many levels of links at ${JSON.stringify(name)}`);
      const target =
        member.kind === 'symlink'
          ? resolveArchiveLink(member.name, member.linkname, this.path)
          : normalizeArchivePath(member.linkname, this.path);
      member = this.members.get(target);
    }
    return member;
  }

  /** openMember streams a member's content; the caller checks digests. */
  openMember(member: TarMember): Readable {
    // an empty member is an empty stream (a byte range cannot be empty: createReadStream needs start <= end)
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.path, {
      start: member.offset,
      end: member.offset + member.size - 1,
      highWaterMark: 4 << 20,
    });
  }
}

async function readFully(fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new WhittleError('truncated', 'archive ends early (truncated)');
    done += bytesRead;
  }
}
