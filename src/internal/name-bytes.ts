// Names in a layer tar are bytes, not text: a Linux file name need not be UTF-8. whittle keeps
// names as strings, so every path operation (splitting at `/`, prefix tests, maps keyed by path)
// works unchanged, but decodes them losslessly the way Python's `surrogateescape` does: valid UTF-8
// as usual, and each byte of an invalid sequence as the lone surrogate U+DC80+byte. Valid UTF-8
// never decodes to a lone surrogate, so distinct byte names stay distinct strings and encodeName
// gives back the exact bytes. This module is the one place that knows the mapping; printing goes
// through escapeName so no raw byte or U+FFFD ever reaches a terminal or a JSON document.
import { isUtf8 } from 'node:buffer';

const ESCAPED = /[\uDC80-\uDCFF]/u; // with the u flag a surrogate pair never matches, only a lone surrogate
const ESCAPED_RUN = /[\uDC80-\uDCFF]+/gu;
const ESCAPED_ALL = /[\uDC80-\uDCFF]/gu;

function escapedByte(b: number): string {
  return String.fromCharCode(0xdc00 + b);
}

/** decodeName turns a name's bytes into its string: valid UTF-8 decoded, every other byte ≥ 0x80 as U+DC80+byte. */
export function decodeName(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const length = sequenceLength(buf, i);
    if (length === 0) {
      out += escapedByte(b);
      i++;
    } else {
      out += buf.toString('utf8', i, i + length);
      i += length;
    }
  }
  return out;
}

/** sequenceLength is the length of the well-formed UTF-8 sequence starting at i (RFC 3629, as TextDecoder checks it), or 0. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  if (b < 0x80) return 1;
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) need = 1;
  else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    if (b === 0xe0) lower = 0xa0; // no overlong forms
    if (b === 0xed) upper = 0x9f; // no encoded surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    if (b === 0xf0) lower = 0x90;
    if (b === 0xf4) upper = 0x8f; // nothing above U+10FFFF
  } else return 0;
  if (i + need >= buf.length) return 0; // truncated at the end
  const second = buf[i + 1]!;
  if (second < lower || second > upper) return 0;
  for (let k = 2; k <= need; k++) {
    const c = buf[i + k]!;
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return need + 1;
}

/** encodeName gives back the bytes decodeName read: UTF-8 for text, the original byte for each U+DC80–U+DCFF. */
export function encodeName(name: string): Buffer {
  if (!ESCAPED.test(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of name.matchAll(ESCAPED_RUN)) {
    if (m.index > last) parts.push(Buffer.from(name.slice(last, m.index), 'utf8'));
    const run = m[0];
    const bytes = Buffer.alloc(run.length);
    for (let k = 0; k < run.length; k++) bytes[k] = run.charCodeAt(k) - 0xdc00;
    parts.push(bytes);
    last = m.index + run.length;
  }
  if (last < name.length) parts.push(Buffer.from(name.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** nameByteLength is encodeName(name).length, without building the bytes when the name is UTF-8. */
export function nameByteLength(name: string): number {
  if (!ESCAPED.test(name)) return Buffer.byteLength(name, 'utf8');
  return encodeName(name).length;
}

/** isTextName says whether the name's bytes are valid UTF-8 (it holds no escaped byte). */
export function isTextName(name: string): boolean {
  return !ESCAPED.test(name);
}

/** escapeName is the name as whittle prints it: each byte that is not valid UTF-8 as `\xNN` (lowercase hex), the rest unchanged. */
export function escapeName(name: string): string {
  if (!ESCAPED.test(name)) return name;
  return name.replace(ESCAPED_ALL, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}`);
}

/** escapeNamesInJson is a JSON.stringify replacer that prints every string the way escapeName does. */
export function escapeNamesInJson(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? escapeName(value) : value;
}
