// decodeHeader's numeric fields, magic and checksum, from blocks written byte by byte the ways tar
// writers do (POSIX, GNU, V7, star's base-256, old tars' trailing spaces, signed checksums).
import { describe, expect, it } from 'vitest';
import { decodeHeader } from './tar-header.js';
import { WhittleError } from '../errors.js';

interface Fields {
  name?: string;
  mode?: string;
  size?: string | number[];
  magic?: string;
  version?: string;
  prefix?: string;
  uname?: string;
  signed?: boolean;
  typeflag?: string;
}

/** block writes a 512-byte header from raw field texts and fills in its checksum (unsigned, or signed as some old tars did). */
function block(f: Fields): Uint8Array {
  const b = new Uint8Array(512);
  const put = (at: number, text: string | number[]) => (typeof text === 'string' ? b.set(Buffer.from(text, 'latin1'), at) : b.set(text, at));
  put(0, f.name ?? 'file');
  put(100, f.mode ?? '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, f.size ?? '00000000000\0');
  put(136, '14000000000\0');
  put(156, f.typeflag ?? '0');
  put(257, f.magic ?? 'ustar\0');
  put(263, f.version ?? '00');
  if (f.uname) put(265, f.uname);
  if (f.prefix) put(345, f.prefix);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += f.signed && x > 127 ? x - 256 : x;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return b;
}

describe('decodeHeader numbers, magic and checksum', () => {
  it.each([
    ['octal with a NUL', '0000644\0', 0o644],
    ['octal with a space and a NUL (old tars)', '000644 \0', 0o644],
    ['leading spaces', '   644\0\0', 0o644],
    ['tab and newline around', '\t644\n\0\0\0', 0o644],
    ['all NULs', '\0\0\0\0\0\0\0\0', 0],
    ['all spaces', '        ', 0],
    ['no terminator', '00000644', 0o644],
  ])('reads mode written as %s', (_what, mode, want) => {
    expect(decodeHeader(block({ mode }))!.mode).toBe(want);
  });

  it('reads a base-256 size (star, GNU) and refuses a negative one', () => {
    expect(decodeHeader(block({ size: [0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1] }))!.size).toBe(2 ** 33 + 1);
    expect(() => decodeHeader(block({ size: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] }))).toThrow(/negative/);
  });

  it.each([['a digit 8', '0000648\0'], ['a letter', '00x0644\0'], ['digits split by a space', '06 44\0\0\0\0']])('refuses a mode with %s', (_what, mode) => {
    expect(() => decodeHeader(block({ mode }))).toThrow(WhittleError);
    expect(() => decodeHeader(block({ mode }))).toThrow(/is not octal/);
  });

  it('accepts a checksum summed over signed bytes, and refuses a wrong one', () => {
    const name = 'caf\xe9-\xff';
    expect(decodeHeader(block({ name, signed: true }))!.mode).toBe(0o644);
    expect(decodeHeader(block({ name }))!.mode).toBe(0o644);
    const bad = block({ name });
    bad[0] = bad[0]! ^ 1;
    expect(() => decodeHeader(bad)).toThrow(/checksum/);
  });

  it('joins the prefix for POSIX ustar only, and reads owner names from ustar and GNU headers only', () => {
    expect(decodeHeader(block({ name: 'f', prefix: 'p', uname: 'root' }))).toMatchObject({ name: 'p/f', uname: 'root' });
    expect(decodeHeader(block({ name: 'f', prefix: 'p', uname: 'root', magic: 'ustar ', version: ' \0' }))).toMatchObject({ name: 'f', uname: 'root' });
    expect(decodeHeader(block({ name: 'f', prefix: 'p', uname: 'root', magic: 'ustar ', version: '\0\0' }))).toMatchObject({ name: 'f', uname: 'root' });
    // "ustar " with another version is neither GNU nor POSIX: no prefix, but owner names (it starts with ustar)
    expect(decodeHeader(block({ name: 'f', prefix: 'p', uname: 'root', magic: 'ustar ', version: '00' }))).toMatchObject({ name: 'f', uname: 'root' });
    const v7 = decodeHeader(block({ name: 'f', prefix: 'p', uname: 'root', magic: '\0\0\0\0\0\0', version: '\0\0' }))!;
    expect(v7.name).toBe('f');
    expect(v7.uname).toBeUndefined();
  });
});

describe('POSIX names with a prefix', () => {
  it('joins prefix and name of every length, ASCII or not, the full 155 and 100 bytes included', () => {
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const cases: [prefix: string, name: string][] = [
      ['usr', 'bin'],
      ['a'.repeat(155), 'b'.repeat(100)],
      ['p'.repeat(154), 'n'],
      ['x', 'y'.repeat(99)],
      ['app/node_modules/@scope/pkg', ''],
      ['caf\u00e9', 'men\u00fc.txt'],
      ['plain', 'r\u00e9sum\u00e9'],
      ['\u65e5\u672c', 'ascii'],
    ];
    for (const [prefix, name] of cases) {
      const h = decodeHeader(block({ name: utf8(name), prefix: utf8(prefix) }))!;
      expect(h.name, `${prefix} / ${name}`).toBe(`${prefix}/${name}`);
    }
    // one after another: nothing of a longer name stays behind in the next
    expect(decodeHeader(block({ name: 'short', prefix: 'p' }))!.name).toBe('p/short');
  });
});

describe('owner names kept from one header to the next', () => {
  it('decodes each header\'s own name whatever came before: equal, a prefix, longer, non-ASCII, 32 bytes, empty', () => {
    const names = ['root', 'root', 'roo', 'rootx', 'app', 'r\u00f6ot', 'r\u00f6ot', 'a'.repeat(32), 'a'.repeat(31), '', 'root', 'toor', 'toor'];
    for (const uname of names) {
      const h = decodeHeader(block({ name: 'f', uname: uname === '' ? undefined : Buffer.from(uname, 'utf8').toString('latin1') }))!;
      if (uname === '') expect(h.uname).toBeUndefined();
      else expect(h.uname).toBe(uname);
    }
  });
});

describe('the checksum summed four bytes at a time', () => {
  /** a ustar header of random bytes (high bytes included) in its text fields, with its checksum written by a byte-by-byte sum. */
  function randomHeader(seed: number, signed: boolean): Uint8Array {
    let x = (seed * 2654435761) >>> 0;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    // mostly ASCII, one byte in eight over 127 (enough for a signed sum to differ, not to go negative)
    const next = () => (rand() & 0x7f) | (rand() % 8 === 0 ? 0x80 : 0);
    const b = new Uint8Array(512);
    for (let i = 0; i < 100; i++) b[i] = next() || 0x61; // name
    b.set(new TextEncoder().encode('0000644\0'), 100);
    b.set(new TextEncoder().encode('0000000\0'), 108);
    b.set(new TextEncoder().encode('0000000\0'), 116);
    b.set(new TextEncoder().encode('00000000000\0'), 124);
    b.set(new TextEncoder().encode('00000000000\0'), 136);
    b[156] = 0x30;
    for (let i = 157; i < 257; i++) b[i] = next(); // linkname
    b.set(new TextEncoder().encode('ustar\x0000'), 257);
    for (let i = 265; i < 512; i++) b[i] = next(); // uname, gname, devices, prefix
    let sum = 8 * 0x20;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += signed && b[i]! > 127 ? b[i]! - 256 : b[i]!;
    b.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    return b;
  }

  it.each([0, 1, 2, 3])('accepts exact sums and refuses one off, at byte offset %i of a buffer', (offset) => {
    for (let seed = 1; seed <= 200; seed++) {
      for (const signed of [false, true]) {
        const good = randomHeader(seed, signed);
        const buf = new Uint8Array(512 + offset);
        buf.set(good, offset);
        const view = buf.subarray(offset, offset + 512);
        expect(decodeHeader(view), `seed ${seed}`).not.toBeNull();
        view[100] = 0x31; // mode 1000644: the same fields, a sum one higher than the stored one
        expect(() => decodeHeader(view), `seed ${seed}`).toThrow(/checksum/);
      }
    }
  });
});
