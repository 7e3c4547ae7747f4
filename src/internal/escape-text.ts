// escapeControl makes text from an image, a Dockerfile or a file name safe to print on a terminal:
// the characters a terminal acts on instead of showing are written as escapes, so a history entry
// holding `ESC[2J` or an OSC window-title sequence, or a file name with a right-to-left override,
// is shown, never obeyed. Every text output of the CLI routes such text through this one function
// (JSON output needs none: JSON escapes control characters itself, and bidi overrides are data).
// Escaped: C0 controls (U+0000–U+001F, newline and tab included: in a one-line field they would
// break the line or the columns), DEL (U+007F), C1 controls (U+0080–U+009F: U+009B is a one-byte
// CSI), and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
// A backslash is not doubled, so a name that contains `\x1b` as four characters reads the same as
// an escaped ESC: the output is for people; --json is exact.

import { escapeName } from './name-bytes.js';

/** ESCAPED matches every character escapeControl rewrites (after escapeName wrote non-UTF-8 bytes of names as `\xNN`). */
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const ESCAPED_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function escapeOne(ch: string): string {
  const short = SHORT[ch];
  if (short !== undefined) return short;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface EscapeOptions {
  /** keep tabs as they are (for lines of a file shown whole, such as a diff); default false. */
  keepTab?: boolean;
}

/** escapeControl returns text with control and bidi-override characters written as `\x1b`, `\u202e`, `\n`, `\t`, and the bytes of a name that are not UTF-8 as `\xff` (src/internal/name-bytes.ts). */
export function escapeControl(text: string, opts: EscapeOptions = {}): string {
  const s = escapeName(text);
  const re = opts.keepTab ? ESCAPED_BUT_TAB : ESCAPED;
  re.lastIndex = 0;
  if (!re.test(s)) return s;
  re.lastIndex = 0;
  return s.replace(re, escapeOne);
}

/**
 * escapeControlLines escapes a multi-line text shown whole (a diff of a Dockerfile): each line as
 * escapeControl with tabs kept, its line break (`\n`, or `\r\n`) kept.
 */
export function escapeControlLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? escapeControl(line.slice(0, -1), { keepTab: true }) + '\r' : escapeControl(line, { keepTab: true })))
    .join('\n');
}
