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
