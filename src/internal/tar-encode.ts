// Encoding of layer tar headers (ustar, with a PAX extended header when a field does not fit).
// Written by hand rather than with tar-stream's packer because layer rewriting must carry entries
// over byte-exactly: tar-stream encodes PAX values as UTF-8 text, which corrupts binary extended
// attributes such as security.capability, and its header layout (PAX naming, field choice) is not
// ours to pin for deterministic output. Headers are what Go's archive/tar (Docker's writer)
// produces for the same fields: ustar when everything fits, PAX records otherwise. Names are bytes
// (see name-bytes.ts): one that is not UTF-8 goes into the ustar fields as its raw bytes when it
// fits, and into PAX records marked `hdrcharset=BINARY` (POSIX's way to say a record holds bytes,
// written by libarchive and Python's tarfile, read as bytes by Go's archive/tar) only when it does not.
import { encodeName, isTextName, nameByteLength } from './name-bytes.js';
import { BLOCK } from './tar-header.js';

export type OutType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface OutHeader {
  /** path inside the layer, without a leading `/` or `./`; directories get their trailing `/` here. Decoded by name-bytes.ts (bytes that are not UTF-8 as U+DC80+byte), like linkname, uname and gname. */
  name: string;
  type: OutType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** seconds since the epoch. */
  mtime: number;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  /** extended attributes; values are latin1 strings (one character per byte). */
  xattrs?: Record<string, string>;
}

const TYPEFLAG: Record<OutType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;

function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x01-\x7f]*$/.test(s);
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  if (isTextName(value)) block.write(value, offset, length, 'utf8');
  else encodeName(value).copy(block, offset, 0, length);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  const text = Math.max(0, Math.floor(value)).toString(8).padStart(length - 1, '0');
  block.write(text, offset, length - 1, 'latin1');
  block[offset + length - 1] = 0;
}

/** splitUstar splits a name into ustar prefix (≤155 bytes) and name (≤100 bytes) at a slash, or null. */
function splitUstar(name: string): { prefix: string; name: string } | null {
  if (nameByteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (nameByteLength(prefix) <= 155 && nameByteLength(rest) <= 100 && rest !== '') return { prefix, name: rest };
  }
  return null;
}

/** ustarSafe says whether a name or link target may go into a ustar field: ASCII (as Go writes them), or bytes that are not UTF-8 at all (no PAX record can carry them as text). */
function ustarSafe(value: string): boolean {
  return isAscii(value) || !isTextName(value);
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length), 'latin1'), body]);
}

/** writeBase256 writes value as a GNU base-256 number (high bit of the first byte set, big-endian). */
function writeBase256(block: Buffer, offset: number, length: number, value: number): void {
  let v = BigInt(value);
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[offset] = 0x80;
}

function ustarBlock(h: OutHeader, name: { prefix: string; name: string }, typeflag: string, size: number, linkname: string, base256Size = false): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, name.name);
  writeOctal(block, 100, 8, h.mode & 0o7777);
  writeOctal(block, 108, 8, Math.min(h.uid, MAX_OCTAL_8));
  writeOctal(block, 116, 8, Math.min(h.gid, MAX_OCTAL_8));
  if (base256Size && size > MAX_OCTAL_12) writeBase256(block, 124, 12, size);
  else writeOctal(block, 124, 12, Math.min(size, MAX_OCTAL_12));
  writeOctal(block, 136, 12, Math.min(Math.max(h.mtime, 0), MAX_OCTAL_12));
  block.write('        ', 148, 8, 'latin1');
  block.write(typeflag, 156, 1, 'latin1');
  writeString(block, 157, 100, linkname);
  block.write('ustar\x0000', 257, 8, 'latin1');
  writeString(block, 265, 32, h.uname && isAscii(h.uname) && h.uname.length <= 32 ? h.uname : '');
  writeString(block, 297, 32, h.gname && isAscii(h.gname) && h.gname.length <= 32 ? h.gname : '');
  if (h.type === 'char' || h.type === 'block') {
    writeOctal(block, 329, 8, h.devmajor ?? 0);
    writeOctal(block, 337, 8, h.devminor ?? 0);
  }
  writeString(block, 345, 155, name.prefix);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

/** encodeHeader returns the header block(s) for h: a PAX header first when a field does not fit ustar. */
export function encodeHeader(h: OutHeader): Buffer {
  const size = h.type === 'file' ? h.size : 0;
  const linkname = h.linkname ?? '';
  const records: Buffer[] = [];
  const split = ustarSafe(h.name) ? splitUstar(h.name) : null;
  const linkInUstar = nameByteLength(linkname) <= 100 && ustarSafe(linkname);
  if (!split) records.push(paxRecord('path', encodeName(h.name)));
  if (!linkInUstar) records.push(paxRecord('linkpath', encodeName(linkname)));
  if (h.uid > MAX_OCTAL_8) records.push(paxRecord('uid', Buffer.from(String(h.uid))));
  if (h.gid > MAX_OCTAL_8) records.push(paxRecord('gid', Buffer.from(String(h.gid))));
  if (size > MAX_OCTAL_12) records.push(paxRecord('size', Buffer.from(String(size))));
  if (h.mtime > MAX_OCTAL_12 || h.mtime < 0) records.push(paxRecord('mtime', Buffer.from(String(h.mtime))));
  const unameInPax = h.uname !== undefined && h.uname !== '' && (!isAscii(h.uname) || h.uname.length > 32);
  const gnameInPax = h.gname !== undefined && h.gname !== '' && (!isAscii(h.gname) || h.gname.length > 32);
  if (unameInPax) records.push(paxRecord('uname', encodeName(h.uname!)));
  if (gnameInPax) records.push(paxRecord('gname', encodeName(h.gname!)));
  const binary = (!split && !isTextName(h.name)) || (!linkInUstar && !isTextName(linkname)) || (unameInPax && !isTextName(h.uname!)) || (gnameInPax && !isTextName(h.gname!));
  if (binary) records.unshift(paxRecord('hdrcharset', Buffer.from('BINARY')));
  for (const key of Object.keys(h.xattrs ?? {}).sort()) {
    records.push(paxRecord(`SCHILY.xattr.${key}`, Buffer.from(h.xattrs![key]!, 'latin1')));
  }
  const name = split ?? { prefix: '', name: asciiStandIn(h.name, 100) };
  const header = ustarBlock(h, name, TYPEFLAG[h.type], size, linkInUstar ? linkname : '');
  if (records.length === 0) return header;
  const pax = Buffer.concat(records);
  const paxName = `PaxHeaders.0/${asciiStandIn(split?.name ?? 'entry', 80)}`;
  const paxHeader = ustarBlock(
    { name: paxName, type: 'file', mode: 0o644, uid: 0, gid: 0, size: pax.length, mtime: 0 },
    { prefix: '', name: paxName },
    'x',
    pax.length,
    '',
  );
  return Buffer.concat([paxHeader, pax, Buffer.alloc(padding(pax.length)), header]);
}

/** asciiStandIn is what goes in a ustar field whose real value is in a PAX record: its first bytes, anything not ASCII as `_`. */
function asciiStandIn(value: string, length: number): string {
  // eslint-disable-next-line no-control-regex
  return encodeName(value).subarray(0, length).toString('latin1').replace(/[^\x01-\x7f]/g, '_');
}

/**
 * encodeFileBlock returns the one header block of a regular file whatever its size: a size of 8 GiB
 * or more, which octal cannot hold, is written in base-256 (the GNU form, read by Go's archive/tar
 * and so `docker load`, GNU tar, bsdtar, tar-stream and tar-header.ts) instead of in a PAX record, so
 * the header fits the one block a blob written in place leaves free (sinks/tar-out.ts). The name
 * must be ASCII and fit ustar (a blob path does).
 */
export function encodeFileBlock(name: string, size: number): Buffer {
  const split = isAscii(name) ? splitUstar(name) : null;
  if (!split) throw new Error(`${name}: not a ustar name`);
  return ustarBlock({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtime: 0 }, split, TYPEFLAG.file, size, '', true);
}

/** padding is how many zero bytes follow content of this size to fill its last block. */
export function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

/** END_OF_ARCHIVE is the two zero blocks that close a tar. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

/** whiteoutHeader is the entry that deletes path (`dir/.wh.name`), or with opaque hides what lower layers have below it (`path/.wh..wh..opq`). */
export function whiteoutHeader(path: string, opaque: boolean): OutHeader {
  const slash = path.lastIndexOf('/');
  const name = opaque ? (path === '' ? '.wh..wh..opq' : `${path}/.wh..wh..opq`) : slash < 0 ? `.wh.${path}` : `${path.slice(0, slash)}/.wh.${path.slice(slash + 1)}`;
  return { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 };
}
