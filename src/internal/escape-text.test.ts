import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlLines } from './escape-text.js';

describe('escapeControl', () => {
  it.each([
    ['clear screen', '\u001b[2J', '\\x1b[2J'],
    ['OSC window title', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['C1 CSI', '\u009b31m', '\\x9b31m'],
    ['bidi override', 'evil\u202etxt.exe', 'evil\\u202etxt.exe'],
    ['bidi isolates', '\u2066a\u2069', '\\u2066a\\u2069'],
    ['newline, tab and CR in a one-line field', 'a\nb\tc\rd', 'a\\nb\\tc\\rd'],
    ['NUL and DEL', '\u0000\u007f', '\\x00\\x7f'],
    ['printable text is unchanged', 'usr/lib/é 😀 ~!"#', 'usr/lib/é 😀 ~!"#'],
    ['U+00A0 and U+200B are left alone', '\u00a0\u200b', '\u00a0\u200b'],
  ])('%s', (_, input, want) => {
    expect(escapeControl(input)).toBe(want);
  });

  it('keeps tabs when asked, for lines shown whole', () => {
    expect(escapeControl('a\tb\u001b', { keepTab: true })).toBe('a\tb\\x1b');
  });

  it('escapeControlLines keeps line breaks (LF and CRLF) and tabs, escapes the rest', () => {
    expect(escapeControlLines('+RUN\ta\u001b[2J\r\n-b\rc\n')).toBe('+RUN\ta\\x1b[2J\r\n-b\\rc\n');
  });
});
