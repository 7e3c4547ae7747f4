import { describe, expect, it } from 'vitest';
import { decodeName, encodeName, escapeName, escapeNamesInJson, isTextName, nameByteLength } from './name-bytes.js';

const b = (...bytes: number[]) => Buffer.from(bytes);

describe('name bytes', () => {
  it.each([
    ['ASCII', Buffer.from('usr/bin/env')],
    ['UTF-8', Buffer.from('café/日本/😀')],
    ['a lone invalid byte', b(0x66, 0xff)],
    ['a lead byte at the end', b(0x66, 0xc3)],
    ['a truncated three-byte sequence', b(0xe2, 0x82, 0x41)],
    ['an overlong encoding', b(0xc0, 0xaf)],
    ['an encoded surrogate', b(0xed, 0xa0, 0x80)],
    ['a code point above U+10FFFF', b(0xf4, 0x90, 0x80, 0x80)],
    ['latin-1 text', b(0x63, 0x61, 0x66, 0xe9)],
    ['invalid then valid', b(0xc3, 0xc3, 0xa9, 0x2f, 0x80)],
    ['every byte', Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1))],
  ])('%s round-trips byte-exactly', (_what, bytes) => {
    const name = decodeName(bytes);
    expect(encodeName(name).equals(bytes)).toBe(true);
    expect(nameByteLength(name)).toBe(bytes.length);
    expect(name).not.toContain('\ufffd');
  });

  it('decodes valid UTF-8 as text and keeps invalid bytes apart', () => {
    expect(decodeName(Buffer.from('café'))).toBe('café');
    expect(isTextName(decodeName(Buffer.from('café')))).toBe(true);
    const names = [b(0x66, 0xff), b(0x66, 0xfe), b(0x66, 0xc3)].map(decodeName);
    expect(new Set(names).size).toBe(3);
    expect(names.map(isTextName)).toEqual([false, false, false]);
    expect(decodeName(b(0x66, 0xff))).toBe('f\udcff');
  });

  it('leaves a surrogate pair that encodes an astral character alone', () => {
    const name = decodeName(Buffer.from('a😀'));
    expect(isTextName(name)).toBe(true);
    expect(encodeName(name).toString('utf8')).toBe('a😀');
  });

  it('prints invalid bytes as \\xNN, and nothing else changes', () => {
    expect(escapeName(decodeName(b(0x66, 0xff, 0x2f, 0xc3, 0x41)))).toBe('f\\xff/\\xc3A');
    expect(escapeName('café\\n')).toBe('café\\n');
    const json = JSON.stringify({ path: decodeName(b(0x66, 0x80)), n: 1 }, escapeNamesInJson);
    expect(json).toBe('{"path":"f\\\\x80","n":1}');
    expect(JSON.parse(json)).toEqual({ path: 'f\\x80', n: 1 });
  });
});
