// Structure-aware generator of layer tars for the fuzzing suite. It writes headers byte by byte
// (tar-stream refuses to write most of what matters here: wrong checksums, base-256 and garbage
// numeric fields, PAX and GNU long-name records that lie, hard links to anything), then optionally
// cuts or pads the result. Names are ASCII or valid UTF-8 only: non-UTF-8 names are issue 18's.
import type { Random } from './random.js';

const BLOCK = 512;

/** RawEntry is one tar member as written: fields are free-form so they can be wrong. */
export interface RawEntry {
  name: string;
  typeflag: string;
  linkname?: string;
  mode?: number;
  /** the size field as written (may differ from data.length). */
  size?: number | string | bigint;
  data?: Buffer;
  /** written as the checksum instead of the correct one. */
  badChecksum?: boolean;
  /** mtime/uid field written in base-256 or as garbage. */
  oddNumbers?: boolean;
  /** name written into the ustar prefix field (split at a slash). */
  usePrefix?: boolean;
}

function octal(n: number | bigint, width: number): string {
  return n.toString(8).padStart(width - 1, '0').slice(-(width - 1)) + '\0';
}

function put(buf: Buffer, off: number, len: number, text: string | Buffer): void {
  const b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  b.copy(buf, off, 0, Math.min(len, b.length));
}

/** header encodes one 512-byte header block. */
export function header(e: RawEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = e.name;
  if (e.usePrefix && Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    if (cut > 0) {
      put(h, 345, 155, name.slice(0, cut));
      name = name.slice(cut + 1);
    }
  }
  put(h, 0, 100, name);
  put(h, 100, 8, octal(e.mode ?? 0o644, 8));
  put(h, 108, 8, e.oddNumbers ? Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 1]) : octal(0, 8));
  put(h, 116, 8, octal(0, 8));
  const size = e.size ?? e.data?.length ?? 0;
  if (typeof size === 'string') put(h, 124, 12, size);
  else if (typeof size === 'bigint' || size > 0o77777777777 || size < 0) {
    // base-256: 0x80 (or 0xff for negative) then big-endian two's complement
    let v = BigInt(size);
    const field = Buffer.alloc(12);
    for (let i = 11; i >= 1; i--) {
      field[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    field[0] = BigInt(size) < 0n ? 0xff : 0x80;
    field.copy(h, 124);
  } else put(h, 124, 12, octal(size, 12));
  put(h, 136, 12, e.oddNumbers ? 'zz-not-octal' : octal(0, 12));
  h.fill(0x20, 148, 156);
  put(h, 156, 1, e.typeflag);
  if (e.linkname !== undefined) put(h, 157, 100, e.linkname);
  put(h, 257, 6, 'ustar\0');
  put(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, octal(e.badChecksum ? sum + 1 : sum, 7) + ' ');
  return h;
}

function padTo512(b: Buffer): Buffer {
  const rem = b.length % BLOCK;
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(BLOCK - rem)]);
}

/** member encodes a header and its padded data. */
export function member(e: RawEntry): Buffer {
  return Buffer.concat([header(e), padTo512(e.data ?? Buffer.alloc(0))]);
}

/** paxRecords encodes PAX records; lie shifts a length so the record is malformed. */
export function paxRecords(records: [string, string][], lie = 0): Buffer {
  return Buffer.concat(
    records.map(([k, v]) => {
      const body = ` ${k}=${v}\n`;
      let len = Buffer.byteLength(body);
      len += String(len).length;
      if (String(len).length + Buffer.byteLength(body) !== len) len++;
      return Buffer.from(`${len + lie}${body}`, 'utf8');
    }),
  );
}

const COMPONENTS = ['a', 'b', 'etc', 'usr', 'bin', 'x.txt', 'lib', ' ', 'ü', '日本', '.wh.a', '.wh.etc', '.wh..wh..opq', 'a\\b', 'node_modules', '.git', 'id_rsa', 'var', 'cache', 'a.pyc'];
/** components that make a path unsafe or malformed; one path in ten gets one. */
const HOSTILE = ['.', '..', '', '.wh.', '.wh...', '.wh..wh.plnk'];

/** randomPath builds a path from a few components, sometimes absolute, long or dot-laden. */
export function randomPath(r: Random, known: readonly string[] = [], hostile = 0.1): string {
  if (known.length > 0 && r.chance(0.35)) return r.pick(known);
  const n = r.int(1, 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.chance(0.05) ? 'L'.repeat(r.int(90, 300)) : r.pick(COMPONENTS));
  if (r.chance(hostile)) parts.splice(r.int(0, parts.length), 0, r.pick(HOSTILE));
  let p = parts.join('/');
  if (r.chance(0.1)) p = `/${p}`;
  if (r.chance(0.1)) p = `./${p}`;
  if (r.chance(0.05)) p += '/';
  return p;
}

const TYPES = {
  '0': 30, '\0': 3, '5': 14, '2': 10, '1': 10, '3': 2, '4': 2, '6': 2, '7': 1, x: 6, g: 2, L: 4, K: 2, Z: 1, S: 1, V: 1,
} as const;

export interface TarGenOptions {
  maxEntries?: number;
}

/**
 * randomLayerTar returns a layer tar: a handful of entries of every kind, with PAX/GNU metadata, odd
 * fields and occasionally a broken checksum, cut, or missing or extra trailer.
 */
export function randomLayerTar(r: Random, opts: TarGenOptions = {}): Buffer {
  // half the layers are well-formed tars (odd names and links aside), so inputs reach past the parser
  const broken = r.chance(0.5) ? 1 : 0;
  const parts: Buffer[] = [];
  const known: string[] = [];
  const count = r.int(0, opts.maxEntries ?? 12);
  for (let i = 0; i < count; i++) {
    const typeflag = r.weighted(TYPES);
    const name = randomPath(r, known, 0.1 * broken);
    const e: RawEntry = { name, typeflag, mode: r.chance(0.9) ? r.pick([0o644, 0o755, 0o777, 0o4755, 0o1777]) : r.int(0, 0o7777777) };
    if (r.chance(0.04 * broken)) e.badChecksum = true;
    if (r.chance(0.05 * broken)) e.oddNumbers = true;
    if (r.chance(0.1)) e.usePrefix = true;
    switch (typeflag) {
      case '0':
      case '\0':
      case '7':
      case 'Z':
      case 'S':
      case 'V': {
        e.data = r.bytes(r.weighted({ 0: 3, 1: 3, 2: 1 }) === '0' ? 0 : r.int(1, r.chance(0.1) ? 20_000 : 700));
        if (r.chance(0.08 * broken)) e.size = r.pick<number | string | bigint>([e.data.length + r.int(1, 1000), -1, 2 ** 40, 2n ** 80n, 'garbage', '', '777777777777']);
        break;
      }
      case '2':
        e.linkname = r.chance(0.7) ? randomPath(r, known) : r.pick(['/', '..', '../../etc/passwd', '/etc/shadow', '', 'L'.repeat(150)]);
        break;
      case '1':
        e.linkname = r.chance(0.8 + 0.15 * (1 - broken)) ? randomPath(r, known, 0.1 * broken) : r.pick(['', '/', '.', '..', '../x', name]);
        break;
      case '3':
      case '4':
        break;
      case 'x':
      case 'g': {
        const recs: [string, string][] = [];
        const n = r.int(1, 4);
        for (let j = 0; j < n; j++) {
          recs.push(
            r.pick<[string, string]>([
              ['path', randomPath(r, known)],
              ['linkpath', randomPath(r, known)],
              ['size', r.pick(['0', '10', '-5', '99999999999999999999', 'abc', '1e3', String(r.int(0, 5000))])],
              ['uid', r.pick(['0', '-1', '4294967296', 'x'])],
              ['mtime', r.pick(['1.5', '-1', 'nan', '99999999999999999'])],
              ['SCHILY.xattr.user.k', 'v'],
              ['SCHILY.xattr.security.capability', '\u0001\u0002'],
              ['', 'empty-key'],
              ['comment', 'x'.repeat(r.int(0, 3000))],
            ]),
          );
        }
        const data = paxRecords(recs, r.chance(0.15 * broken) ? r.int(-20, 20) : 0);
        e.data = r.chance(0.05 * broken) ? r.bytes(r.int(1, 200)) : data;
        if (r.chance(0.05 * broken)) e.size = r.pick<number | bigint>([2 ** 21, 2n ** 70n]);
        break;
      }
      case 'L':
      case 'K': {
        e.name = '././@LongLink';
        const long = r.chance(0.8) ? randomPath(r) + '/' + 'n'.repeat(r.int(80, 400)) : '';
        e.data = Buffer.from(r.chance(0.8) ? `${long}\0` : long);
        if (r.chance(0.05 * broken)) e.size = r.pick<number | bigint>([2 ** 21, 2n ** 70n, -3]);
        break;
      }
    }
    if (typeflag !== 'x' && typeflag !== 'g' && typeflag !== 'L' && typeflag !== 'K') known.push(name.replace(/^\.?\//, ''));
    parts.push(member(e));
  }
  const ending = broken ? r.weighted({ two: 10, one: 2, none: 2, extra: 1 }) : 'two';
  if (ending !== 'none') parts.push(Buffer.alloc(ending === 'one' ? BLOCK : BLOCK * 2));
  if (ending === 'extra') parts.push(r.bytes(r.int(1, 2000)));
  let out = Buffer.concat(parts);
  if (r.chance(0.15 * broken) && out.length > 0) out = out.subarray(0, r.int(0, out.length - 1));
  return out;
}
