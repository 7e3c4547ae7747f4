// Decoding of tar headers (ustar, GNU and PAX), shared by the streaming layer reader and the
// random-access archive index. Written by hand because whittle needs two things tar-stream cannot
// give: stopping exactly at the end-of-archive marker while the bytes after it are still hashed
// (eStargz keeps a footer there, and tar-stream throws on it), and the byte offsets of members so
// a multi-gigabyte `docker save` archive can be opened without reading it through. Names, link
// targets and owner names are bytes, decoded losslessly by name-bytes.ts.
import { WhittleError } from '../errors.js';
import { decodeName } from './name-bytes.js';

export const BLOCK = 512;

/** TarEntryKind is the tar typeflag decoded into what whittle distinguishes. */
export type TarEntryKind =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'char'
  | 'block'
  | 'dir'
  | 'fifo'
  | 'pax' // PAX extended header for the next entry
  | 'pax-global' // PAX global header (Docker ignores these; so does whittle)
  | 'gnu-longname'
  | 'gnu-longlink'
  | 'skip'; // volume labels and other metadata that carry no file

export interface TarHeader {
  /** the member's name; this, linkname, uname and gname are bytes decoded by name-bytes.ts (so not UTF-8 bytes survive as U+DC80+byte). */
  name: string;
  kind: TarEntryKind;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  typeflag: string;
  /** extended attributes from PAX records (SCHILY.xattr.* and LIBARCHIVE.xattr.*); values are
   * latin1 strings, one character per byte, so binary values (security.capability) survive. */
  xattrs?: Record<string, string>;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
}

function isZero(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function readString(buf: Uint8Array, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  while (end < limit && buf[end] !== 0) end++;
  if (end === start) return ''; // most link names, prefixes
  // a Buffer (the parser's header block) is decoded in place, without a view object per field
  if (buf instanceof Buffer) return buf.toString('utf8', start, end);
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
}

function readName(buf: Uint8Array, start: number, length: number): string {
  let end = start;
  let high = 0;
  const limit = start + length;
  for (let b = buf[end]; end < limit && b !== 0; b = buf[++end]) high |= b!;
  if (end === start) return ''; // most link names, prefixes
  if (high < 0x80) {
    // ASCII, the usual case; a Buffer (the parser's header block) is decoded in place
    if (buf instanceof Buffer) return buf.toString('latin1', start, end);
    return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  }
  return decodeName(buf.subarray(start, end));
}

function readNumber(buf: Uint8Array, start: number, length: number, field: string): number {
  const first = buf[start]!;
  if (first & 0x80) {
    // base-256 (GNU/star): big-endian two's complement in the remaining bytes
    if (first === 0xff) throw new WhittleError('bad-archive', `tar header ${field} is negative`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + buf[i]!;
    if (!Number.isSafeInteger(value)) throw new WhittleError('bad-archive', `tar header ${field} is too large`);
    return value;
  }
  const fast = readOctal(buf, start, length);
  if (fast >= 0) return fast;
  const text = readString(buf, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new WhittleError('bad-archive', `tar header ${field} ${JSON.stringify(text)} is not octal`);
  return parseInt(text, 8);
}

/** isSpace says whether a byte is ASCII white space (what String.prototype.trim removes of ASCII). */
function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/**
 * readOctal reads a NUL-terminated field of ASCII octal digits, with white space around them, from
 * the bytes (no string per field: this runs six times per entry); -1 when the field is anything
 * else, which readNumber then decodes (or refuses) as text.
 */
function readOctal(buf: Uint8Array, start: number, length: number): number {
  let end = start;
  const limit = start + length;
  while (end < limit && buf[end] !== 0) end++;
  let i = start;
  while (i < end && isSpace(buf[i]!)) i++;
  while (end > i && isSpace(buf[end - 1]!)) end--;
  let value = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 7) return -1;
    value = value * 8 + d;
  }
  return value;
}

/**
 * the last block and its 32-bit view, or null when it is not 4-byte aligned: the parser decodes
 * every header from one buffer, so the view is made once, and found by the block itself (reading
 * the block's buffer and offset on every header to compare them cost more than the sum).
 */
let lastBlock: Uint8Array | null = null;
let lastWords: Uint32Array | null = null;

/** unsignedSum adds the block's bytes as unsigned numbers, the checksum field counted as eight spaces. */
function unsignedSum(block: Uint8Array): number {
  if (block !== lastBlock) {
    lastBlock = block;
    lastWords = block.byteOffset % 4 === 0 ? new Uint32Array(block.buffer, block.byteOffset, BLOCK / 4) : null;
  }
  const words = lastWords;
  if (words === null) {
    let sum = 8 * 0x20;
    for (let i = 0; i < 148; i++) sum += block[i]!;
    for (let i = 156; i < BLOCK; i++) sum += block[i]!;
    return sum;
  }
  // four bytes at a time: the even and the odd bytes of each word add up in 16-bit lanes, which
  // cannot overflow (128 words × 255 < 65,536); words 37 and 38 are the checksum field. The sums
  // are kept 32-bit integers (the top lane stays under 2^15, so nothing wraps), read back by lane.
  let even = 0;
  let odd = 0;
  for (let i = 0; i < 37; i++) {
    const w = words[i]!;
    even = (even + (w & 0x00ff00ff)) | 0;
    odd = (odd + ((w >>> 8) & 0x00ff00ff)) | 0;
  }
  for (let i = 39; i < BLOCK / 4; i++) {
    const w = words[i]!;
    even = (even + (w & 0x00ff00ff)) | 0;
    odd = (odd + ((w >>> 8) & 0x00ff00ff)) | 0;
  }
  return 8 * 0x20 + (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16);
}

function checksumMatches(block: Uint8Array): boolean {
  const stored = readNumber(block, 148, 8, 'checksum');
  const unsigned = unsignedSum(block);
  if (stored === unsigned) return true;
  // old tars summed signed bytes: each byte over 127 counts 256 lower
  let high = 0;
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && block[i]! > 127) high++;
  return stored === unsigned - 256 * high;
}

/** joined holds a POSIX name's prefix, a slash and its name, to decode them as one string. */
const joined = Buffer.alloc(155 + 1 + 100);

/**
 * prefixedName is the name of a POSIX header whose prefix field is set (`prefix/name`: how ustar
 * writers such as Go's archive/tar store a path of more than 100 bytes), decoded as one flat
 * string when it is ASCII: joining the two decoded halves makes a string of three parts, which V8
 * copies into a fourth the first time the path is read character by character.
 */
function prefixedName(block: Uint8Array): string {
  let prefixEnd = 345;
  let high = 0;
  while (prefixEnd < 500 && block[prefixEnd] !== 0) high |= block[prefixEnd++]!;
  let nameEnd = 0;
  while (nameEnd < 100 && block[nameEnd] !== 0) high |= block[nameEnd++]!;
  if (high >= 0x80) return `${readName(block, 345, 155)}/${readName(block, 0, 100)}`;
  const prefixLength = prefixEnd - 345;
  joined.set(block.subarray(345, prefixEnd), 0);
  joined[prefixLength] = 0x2f;
  joined.set(block.subarray(0, nameEnd), prefixLength + 1);
  return joined.toString('latin1', 0, prefixLength + 1 + nameEnd);
}

const KINDS: Record<string, TarEntryKind> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  x: 'pax',
  X: 'pax', // Solaris extended header, same format
  g: 'pax-global',
  L: 'gnu-longname',
  K: 'gnu-longlink',
  V: 'skip',
  D: 'dir',
};

/** KIND_OF_FLAG is KINDS by the typeflag's byte: an array read instead of a property looked up by a one-character string. */
const KIND_OF_FLAG: (TarEntryKind | undefined)[] = Array.from({ length: 256 }, (_, b) => KINDS[String.fromCharCode(b)]);

/**
 * decodeHeader decodes one 512-byte block. It returns null for a zero block (the end-of-archive
 * marker) and throws WhittleError for a block that is not a valid header.
 */
export function decodeHeader(block: Uint8Array): TarHeader | null {
  if (isZero(block)) return null;
  if (!checksumMatches(block)) {
    throw new WhittleError('bad-archive', 'invalid tar header checksum (not a tar stream, or corrupt)');
  }
  const typeflag = String.fromCharCode(block[156]!);
  let kind = KIND_OF_FLAG[block[156]!];
  if (kind === undefined) {
    if (typeflag === 'S') throw new WhittleError('unsupported', 'GNU sparse tar entries are not supported');
    kind = 'skip';
  }
  // magic and version compared as bytes: "ustar\0" (POSIX) or "ustar " with version " \0" or "\0…" (GNU)
  const ustar = block[257] === 0x75 && block[258] === 0x73 && block[259] === 0x74 && block[260] === 0x61 && block[261] === 0x72;
  const name = ustar && block[262] === 0 && block[345] !== 0 ? prefixedName(block) : readName(block, 0, 100);
  if (kind === 'file' && typeflag !== '0' && typeflag !== '7' && name.endsWith('/')) kind = 'dir'; // V7 directories
  const header: TarHeader = {
    name,
    kind,
    typeflag,
    mode: readNumber(block, 100, 8, 'mode'),
    uid: readNumber(block, 108, 8, 'uid'),
    gid: readNumber(block, 116, 8, 'gid'),
    size: readNumber(block, 124, 12, 'size'),
    mtime: readNumber(block, 136, 12, 'mtime'),
    linkname: readName(block, 157, 100),
  };
  if (ustar) addUstarExtras(block, header);
  return header;
}

/**
 * OwnerName decodes a uname or gname field, keeping the last one: a layer's entries mostly share one
 * owner ("root"), so most headers cost a comparison of a few bytes instead of a new string.
 */
class OwnerName {
  private readonly bytes = new Uint8Array(32);
  private length = -1;
  private value = '';
  constructor(private readonly start: number) {}
  read(block: Uint8Array): string {
    const start = this.start;
    let n = 0;
    while (n < 32 && block[start + n] !== 0) n++;
    if (n === this.length) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (block[start + i] !== this.bytes[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.value;
    }
    this.value = readName(block, start, 32);
    this.length = n;
    this.bytes.set(block.subarray(start, start + n));
    return this.value;
  }
}

const UNAME = new OwnerName(265);
const GNAME = new OwnerName(297);

function addUstarExtras(block: Uint8Array, extras: TarHeader): void {
  const uname = UNAME.read(block);
  const gname = GNAME.read(block);
  if (uname) extras.uname = uname;
  if (gname) extras.gname = gname;
  const typeflag = block[156];
  if (typeflag === 0x33 || typeflag === 0x34) {
    extras.devmajor = readNumber(block, 329, 8, 'devmajor');
    extras.devminor = readNumber(block, 337, 8, 'devminor');
  }
}

/** PaxRecords are the key/value records of a PAX extended header. */
export type PaxRecords = Map<string, string>;

const NAME_KEYS = new Set(['path', 'linkpath', 'uname', 'gname']);

/** parsePax decodes `length key=value\n` records; it throws WhittleError on malformed records. */
export function parsePax(data: Uint8Array): PaxRecords {
  const records: PaxRecords = new Map();
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break; // padding
    const space = buf.indexOf(0x20, pos);
    if (space < 0) throw new WhittleError('bad-archive', 'malformed PAX header record');
    const length = Number(buf.toString('latin1', pos, space));
    if (!Number.isInteger(length) || length <= 0 || pos + length > buf.length) {
      throw new WhittleError('bad-archive', 'malformed PAX header record length');
    }
    const record = buf.subarray(space + 1, pos + length - 1); // drop trailing newline
    const eq = record.indexOf(0x3d);
    if (eq < 0) throw new WhittleError('bad-archive', 'malformed PAX header record');
    const key = record.toString('utf8', 0, eq);
    // xattr values are bytes, not text: keep one character per byte; names are bytes too, whatever
    // `hdrcharset` says (Go's archive/tar writes them raw without it), decoded losslessly
    const binary = key.startsWith('SCHILY.xattr.') || key.startsWith('LIBARCHIVE.xattr.');
    const value = record.subarray(eq + 1);
    records.set(key, NAME_KEYS.has(key) ? decodeName(value) : value.toString(binary ? 'latin1' : 'utf8'));
    pos += length;
  }
  return records;
}

/** applyPax overrides header fields with the PAX records of the preceding 'x' header. */
export function applyPax(header: TarHeader, pax: PaxRecords): void {
  for (const [key, value] of pax) {
    switch (key) {
      case 'path':
        header.name = value;
        break;
      case 'linkpath':
        header.linkname = value;
        break;
      case 'size':
      case 'uid':
      case 'gid': {
        const n = Number(value);
        if (!Number.isSafeInteger(n) || n < 0) throw new WhittleError('bad-archive', `PAX ${key} ${JSON.stringify(value)} is invalid`);
        header[key] = n;
        break;
      }
      case 'uname':
      case 'gname':
        header[key] = value;
        break;
      case 'mtime': {
        const n = Number(value);
        if (Number.isFinite(n)) header.mtime = Math.floor(n);
        break;
      }
      default:
        if (key.startsWith('SCHILY.xattr.') || key.startsWith('LIBARCHIVE.xattr.')) {
          const schily = key.startsWith('SCHILY.');
          const name = schily ? key.slice(13) : decodeURIComponent(key.slice(17));
          // libarchive stores the value base64-encoded
          (header.xattrs ??= {})[name] = schily ? value : Buffer.from(value, 'base64').toString('latin1');
        }
    }
  }
}

/** padded rounds a size up to whole blocks. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** nulTerminated cuts GNU long name data at its first NUL and decodes the name. */
export function nulTerminated(data: Uint8Array): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const nul = buf.indexOf(0);
  return decodeName(buf.subarray(0, nul < 0 ? buf.length : nul));
}
