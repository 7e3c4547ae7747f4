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
}

type Token = { kind: 'name' | 'op' | 'string' | 'number'; text: string; line: number };
/** A logical line: its tokens and the indentation (in characters) of its first physical line. */
type Line = { indent: number; tokens: Token[] };

const PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/;

/** logicalLines splits a source into logical lines of tokens (comments and newlines inside brackets dropped). */
export function logicalLines(src: string): Line[] {
  const lines: Line[] = [];
  let cur: Token[] = [];
  let indent = 0;
  let depth = 0;
  let line = 1;
  let rawNext = false;
  const flush = () => {
    if (cur.length > 0) lines.push({ indent, tokens: cur });
    cur = [];
  };
  // a byte order mark is not part of the first token
  for (let i = src.charCodeAt(0) === 0xfeff ? 1 : 0; i < src.length; ) {
    const c = src[i]!;
    if (cur.length === 0 && depth === 0 && !/[ \t\r\f\n#\\]/.test(c)) indent = i - (src.lastIndexOf('\n', i - 1) + 1);
    if (c === '\n') {
      line++;
      i++;
      if (depth === 0) flush();
    } else if (c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
    } else if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\n' ? 2 : 3;
      line++;
    } else if (c === '"' || c === "'") {
      const start = line;
      const raw = rawNext;
      rawNext = false;
      const triple = src.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      let j = i + close.length;
      let text = '';
      while (j < src.length && !src.startsWith(close, j)) {
        const d = src[j]!;
        if (d === '\n') {
          line++;
          if (!triple) break; // an unterminated string ends at the line
        }
        if (d === '\\' && j + 1 < src.length) {
          if (src[j + 1] === '\n') line++;
          text += raw ? src.slice(j, j + 2) : src[j + 1];
          j += 2;
          continue;
        }
        text += d;
        j++;
      }
      cur.push({ kind: 'string', text, line: start });
      i = Math.min(j + close.length, src.length);
      if (src[j] === '\n') i = j; // the newline of an unterminated string still ends the line
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[\w\u0080-\uffff]/.test(src[j]!)) j++;
      const name = src.slice(i, j);
      i = j;
      // a string prefix (r, b, f, rb…) right before a quote belongs to the string
      if (PREFIX.test(name) && (src[j] === '"' || src[j] === "'")) rawNext = /[rR]/.test(name);
      else cur.push({ kind: 'name', text: name, line });
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[\w.]/.test(src[j]!)) j++;
      cur.push({ kind: 'number', text: src.slice(i, j), line });
      i = j;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      cur.push({ kind: 'op', text: c, line });
      i++;
    }
  }
  flush();
  return lines;
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
  for (const { indent, tokens: t } of logicalLines(src)) {
    if (block && indent <= block.indent) block = null;
    if (block?.kind === 'typing') continue;
    const guard: { kind: 'typing' | 'main' } | null = block === null ? guardOf(t) : null;
    if (guard) {
      block = { indent, kind: guard.kind };
      if (guard.kind === 'typing') continue;
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
  }
  return { imports, computed };
}
