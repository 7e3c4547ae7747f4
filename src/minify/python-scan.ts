// The imports of a Python source, found by a tokenizer written here rather than a Python parser:
// whittle has no Python grammar (and adds no npm dependency for one), and a full parse is not
// needed — only the statements `import a.b [as c], d` and `from [.]a import (b, c)`, and calls of
// `__import__` / `importlib.import_module`. The tokenizer skips comments and every string form
// (prefixes r/b/u/f, triple quotes, escapes), joins lines ended by `\` and lines inside brackets
// into one logical line, and finds a statement where one can start: at the start of a logical line,
// after `;`, or after a `:` outside brackets (`try: import x`). Imports inside functions and
// `try` blocks are found too: what a program may import is kept (an optional import that is
// missing is skipped by the caller).

export interface PyImport {
  /** the dotted module name, without the leading dots of a relative import. */
  module: string;
  /** the number of leading dots: 0 absolute, 1 `from . import`, 2 `from .. import`… */
  level: number;
  /** for `from M import a, b`: the names imported (which may be submodules); `*` for a star import. */
  names: string[];
  line: number;
  /** inside `if __name__ == '__main__':`: runs only when the file is the program, not when it is imported. */
  mainOnly?: true;
}

export interface PyScan {
  imports: PyImport[];
  /** lines of `__import__(…)` / `import_module(…)` calls whose argument is not a string literal. */
  computed: number[];
  /** whether the source calls setuptools' `load_entry_point` (a console script). */
  loadsEntryPoint?: true;
}

type Token = { kind: 'name' | 'op' | 'string' | 'number'; text: string; line: number };
/** A logical line: its tokens and the indentation (in characters) of its first physical line. */
type Line = { indent: number; tokens: Token[] };

const PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/;

const ESCAPE = /\\([\s\S])/g;

/** isNameStart / isNameChar: the characters of a name (an ASCII letter or `_`, or any code unit from U+0080; then digits too), tested without a RegExp match per token. */
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);

/**
 * logicalLines splits a source into logical lines of tokens (comments and newlines inside brackets
 * dropped) and hands each to `visit` as it ends: only one line's tokens are alive at a time (a
 * module of the standard library has tens of thousands of tokens, and all of them held at once
 * would outlive the young generation).
 */
export function logicalLines(src: string, visit: (line: Line) => void): void {
  let cur: Token[] = [];
  let indent = 0;
  let depth = 0;
  let line = 1;
  let rawNext = false;
  const flush = () => {
    if (cur.length > 0) visit({ indent, tokens: cur });
    cur = [];
  };
  const n = src.length;
  // a byte order mark is not part of the first token
  for (let i = src.charCodeAt(0) === 0xfeff ? 1 : 0; i < n; ) {
    const code = src.charCodeAt(i);
    // space, tab, carriage return, form feed
    if (code === 32 || code === 9 || code === 13 || code === 12) {
      i++;
      continue;
    }
    if (code === 10) {
      line++;
      i++;
      if (depth === 0) flush();
      continue;
    }
    if (code === 35) {
      // a comment, to the end of the line
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (code === 92 && (src.charCodeAt(i + 1) === 10 || (src.charCodeAt(i + 1) === 13 && src.charCodeAt(i + 2) === 10))) {
      i += src.charCodeAt(i + 1) === 10 ? 2 : 3;
      line++;
      continue;
    }
    if (cur.length === 0 && depth === 0) indent = i - (src.lastIndexOf('\n', i - 1) + 1);
    if (code === 34 || code === 39) {
      // a string: ' " ''' """ (its prefix was read as a name just before)
      const start = line;
      const raw = rawNext;
      rawNext = false;
      const triple = src.charCodeAt(i + 1) === code && src.charCodeAt(i + 2) === code;
      const open = triple ? 3 : 1;
      let j = i + open;
      let escaped = false;
      let unterminated = false;
      for (;;) {
        if (j >= n) break;
        const d = src.charCodeAt(j);
        if (d === 92 && j + 1 < n) {
          escaped = true;
          if (src.charCodeAt(j + 1) === 10) line++;
          j += 2;
          continue;
        }
        if (d === 10) {
          if (!triple) {
            unterminated = true; // an unterminated string ends at the line
            break;
          }
          line++;
        } else if (d === code && (!triple || (src.charCodeAt(j + 1) === code && src.charCodeAt(j + 2) === code))) break;
        j++;
      }
      const body = src.slice(i + open, Math.min(j, n));
      cur.push({ kind: 'string', text: escaped && !raw ? body.replace(ESCAPE, '$1') : body, line: start });
      i = unterminated ? j : Math.min(j + open, n);
      continue;
    }
    if (isNameStart(code)) {
      let end = i + 1;
      while (end < n && isNameChar(src.charCodeAt(end))) end++;
      const text = src.slice(i, end);
      i = end;
      // a string prefix (r, b, f, rb…) right before a quote belongs to the string
      const next = src.charCodeAt(i);
      if (text.length <= 2 && (next === 34 || next === 39) && PREFIX.test(text)) rawNext = text.includes('r') || text.includes('R');
      else cur.push({ kind: 'name', text, line });
      continue;
    }
    if (code >= 48 && code <= 57) {
      let end = i + 1;
      for (let d = src.charCodeAt(end); end < n && (isNameChar(d) || d === 46) && d < 0x80; d = src.charCodeAt(++end));
      cur.push({ kind: 'number', text: src.slice(i, end), line });
      i = end;
      continue;
    }
    const c = src[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    cur.push({ kind: 'op', text: c, line });
    i++;
  }
  flush();
}

/** dotted reads `a.b.c` from tokens at i; returns the name and the index after it. */
function dotted(t: Token[], i: number): { name: string; next: number } | null {
  if (t[i]?.kind !== 'name') return null;
  let name = t[i]!.text;
  let j = i + 1;
  while (t[j]?.text === '.' && t[j + 1]?.kind === 'name') {
    name += `.${t[j + 1]!.text}`;
    j += 2;
  }
  return { name, next: j };
}

/** statement reads an import statement starting at t[i] (`import` or `from`), or null. */
function statement(t: Token[], i: number): PyImport[] | null {
  const head = t[i]!;
  if (head.text === 'import') {
    const out: PyImport[] = [];
    let j = i + 1;
    for (;;) {
      const d = dotted(t, j);
      if (!d) break;
      out.push({ module: d.name, level: 0, names: [], line: head.line });
      j = d.next;
      if (t[j]?.text === 'as') j += 2;
      if (t[j]?.text !== ',') break;
      j++;
    }
    return out;
  }
  // from [.]* name import names
  let j = i + 1;
  let level = 0;
  while (t[j]?.text === '.') {
    level++;
    j++;
  }
  let module = '';
  const d = dotted(t, j);
  if (d && d.name !== 'import') {
    module = d.name;
    j = d.next;
  }
  if (t[j]?.text !== 'import' || (level === 0 && module === '')) return null;
  j++;
  const names: string[] = [];
  if (t[j]?.text === '(') j++;
  for (;;) {
    const tok = t[j];
    if (tok?.text === '*') {
      names.push('*');
      break;
    }
    if (tok?.kind !== 'name') break;
    names.push(tok.text);
    j++;
    if (t[j]?.text === 'as') j += 2;
    if (t[j]?.text !== ',') break;
    j++;
  }
  return [{ module, level, names, line: head.line }];
}

/** guardOf recognizes `if TYPE_CHECKING:` (also `typing.`/`t.TYPE_CHECKING`) and `if __name__ == '__main__':`. */
function guardOf(t: Token[]): { kind: 'typing' | 'main' } | null {
  if (t[0]?.text !== 'if') return null;
  const colon = t.findIndex((x, i) => i > 0 && x.text === ':');
  if (colon < 0) return null;
  const cond = t.slice(1, colon).map((x) => (x.kind === 'string' ? `'${x.text}'` : x.text)).join('');
  if (/^(?:\w+\.)?TYPE_CHECKING$/.test(cond)) return { kind: 'typing' };
  if (cond === "__name__=='__main__'" || cond === "'__main__'==__name__") return { kind: 'main' };
  return null;
}

const DYNAMIC = new Set(['__import__', 'import_module']);

/** scanPython lists the imports of a Python source and the lines of imports by a computed name. */
export function scanPython(src: string): PyScan {
  const imports: PyImport[] = [];
  const computed: number[] = [];
  // a block that never runs on import: `if TYPE_CHECKING:` (skipped) or `if __name__ == '__main__':` (marked)
  let block: { indent: number; kind: 'typing' | 'main' } | null = null;
  logicalLines(src, ({ indent, tokens: t }) => {
    if (block && indent <= block.indent) block = null;
    if (block?.kind === 'typing') return;
    const guard: { kind: 'typing' | 'main' } | null = block === null ? guardOf(t) : null;
    if (guard) {
      block = { indent, kind: guard.kind };
      if (guard.kind === 'typing') return;
    }
    const mainOnly = block?.kind === 'main';
    let depth = 0;
    for (let i = 0; i < t.length; i++) {
      const tok = t[i]!;
      if (tok.kind === 'op') {
        if ('([{'.includes(tok.text)) depth++;
        else if (')]}'.includes(tok.text)) depth = Math.max(0, depth - 1);
        continue;
      }
      if (tok.kind !== 'name') continue;
      const prev = t[i - 1];
      const atStart = i === 0 || (depth === 0 && (prev!.text === ';' || prev!.text === ':'));
      if (atStart && (tok.text === 'import' || tok.text === 'from')) {
        const s = statement(t, i);
        if (s) imports.push(...(mainOnly ? s.map((x) => ({ ...x, mainOnly: true as const })) : s));
        continue;
      }
      // __import__('x') / importlib.import_module('x'), not their definitions (`def import_module(`)
      if (DYNAMIC.has(tok.text) && t[i + 1]?.text === '(' && prev?.text !== 'def') {
        const arg = t[i + 2];
        const after = t[i + 3];
        if (arg?.kind === 'string' && (after?.text === ')' || after?.text === ',')) {
          const text = arg.text;
          const level = /^\.+/.exec(text)?.[0].length ?? 0;
          // __import__('a.b') imports a and a.b, as import_module does
          if (/^\.*[\w.]+$/.test(text)) imports.push({ module: text.slice(level), level, names: [], line: tok.line, ...(mainOnly ? { mainOnly: true as const } : {}) });
        } else if (arg?.text !== ')') computed.push(tok.line);
      }
    }
  });
  return { imports, computed, ...(src.includes('load_entry_point') ? { loadsEntryPoint: true as const } : {}) };
}
