// `--write-dockerignore`: create or extend the ignore file in effect with a clearly marked block of
// exclusions. Written atomically (src/internal/atomic.ts: a temporary file beside the target renamed
// over it; an existing file keeps its mode). Running it again replaces the block instead of appending a second one.
import { readFile } from 'node:fs/promises';
import { wrap } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic.js';

export const BLOCK_BEGIN = '# >>> added by `whittle context --write-dockerignore` >>>';
export const BLOCK_END = '# <<< whittle context <<<';

/** escapePattern writes a literal path as a pattern: glob characters and a leading `!`/`#` escaped. */
export function escapePattern(rel: string): string {
  const esc = rel.replace(/[\\*?[\]]/g, (c) => '\\' + c);
  return /^[!#]/.test(esc) ? '\\' + esc : esc;
}

/**
 * withBlock returns text with the whittle block holding its earlier lines plus entries (entries that
 * are already there are not repeated; text without a block and without entries is returned as is).
 */
export function withBlock(text: string, entries: readonly string[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let base = text;
  const lines: string[] = [];
  const b = base.indexOf(BLOCK_BEGIN);
  if (b >= 0) {
    const e = base.indexOf(BLOCK_END, b);
    let end = e >= 0 ? e + BLOCK_END.length : base.length;
    const inner = base.slice(b + BLOCK_BEGIN.length, e >= 0 ? e : base.length);
    for (const l of inner.split(/\r?\n/)) if (l.trim() !== '') lines.push(l.trim());
    if (base.startsWith(eol, end)) end += eol.length;
    for (const en of entries.map(escapePattern)) if (!lines.includes(en)) lines.push(en);
    // The block stays where it is, so later `!` lines keep overriding it.
    return base.slice(0, b) + [BLOCK_BEGIN, ...lines, BLOCK_END].join(eol) + eol + base.slice(end);
  }
  for (const en of entries.map(escapePattern)) if (!lines.includes(en)) lines.push(en);
  if (lines.length === 0) return text;
  if (base.length > 0 && !base.endsWith('\n')) base += eol;
  return base + [BLOCK_BEGIN, ...lines, BLOCK_END].join(eol) + eol;
}

/** writeDockerignore updates file atomically and reports whether it changed. */
export async function writeDockerignore(file: string, entries: readonly string[]): Promise<boolean> {
  let old = '';
  try {
    old = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw wrap(`reading ${file}`, err);
  }
  const next = withBlock(old, entries);
  if (next === old) return false;
  await writeFileAtomic(file, next, { mode: 0o644 });
  return true;
}
