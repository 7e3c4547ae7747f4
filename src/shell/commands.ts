// Turns a bash syntax tree into the flat list of simple commands a RUN executes, in order, with the
// facts rules need: the words (unquoted where that is static), where each word is in the Dockerfile,
// whether the command only runs on some paths (inside `if`/`case`/loops, or after `||`), what it
// pipes into, its redirects, and `sh -c '…'` bodies parsed as commands of their own.
import type { Node } from 'web-tree-sitter';
import type { Span } from '../dockerfile/positions.js';
import { parseShell } from './parser.js';

export interface Word {
  /** The word with quotes removed; expansions are kept as written (`$HOME`). */
  text: string;
  span: Span;
  /** False when the word contains an expansion, so its value is only known at build time. */
  literal: boolean;
}

export interface Redirect {
  operator: string;
  target: string;
}

export interface ShellCommand {
  /** Execution order within the script, from 0. */
  order: number;
  /** Program name without its directory (`/usr/bin/apt-get` → `apt-get`). */
  name: string;
  /** All words; words[0] is the program. Wrappers like `sudo`/`env` are in `prefix`, not here. */
  words: Word[];
  /** Wrapper words before the program (`sudo -E`, `env A=1`, `nice`, `time`, `exec`). */
  prefix: Word[];
  /** `FOO=bar cmd` assignments; for `export`/`declare`/`readonly`/`local` (name = the keyword), the
   *  variables it sets. */
  assignments: Map<string, string>;
  span: Span;
  /** Runs only on some paths: in an if/case/loop body, a function, or after `||`. */
  conditional: boolean;
  /** Runs only when something before it failed (right-hand side of `||`). */
  fallback: boolean;
  /** order of the command this one pipes its stdout into, or null. */
  pipesTo: number | null;
  redirects: Redirect[];
  /** True for commands found inside `sh -c '…'`. */
  nested: boolean;
  /** Runs in a `( … )` subshell, so cd/export inside do not last. */
  subshell: boolean;
}

export interface ShellScript {
  commands: ShellCommand[];
  /** `set -e` (or `-o errexit`) appears at top level. */
  errexit: boolean;
  /** `set -o pipefail` appears at top level. */
  pipefail: boolean;
  /** The parser had to recover from syntax it could not read. */
  hasErrors: boolean;
  /** Top-level statements (lines or `;`-separated parts; an `a && b` chain is one). */
  statements: number;
  /** set when the script was not analysed: longer than MAX_SCRIPT_CHARS or with a line longer than MAX_LINE_CHARS, or nested deeper than MAX_NESTING. */
  unanalyzed?: 'too-big' | 'too-deep';
}

type OffsetMap = (scriptOffset: number) => number;

const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'time', 'exec', 'command', 'doas', 'gosu', 'su-exec', 'chroot']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const CONDITIONAL_BODIES = new Set(['if_statement', 'while_statement', 'for_statement', 'c_style_for_statement', 'case_statement', 'function_definition']);

interface Walk {
  commands: ShellCommand[];
  toDoc: OffsetMap;
  nested: boolean;
  depth: number;
  /** how deep visit is in the syntax tree; past MAX_NESTING the walk stops and tooDeep is set */
  level?: number;
  tooDeep?: boolean;
}

/** MAX_NESTING bounds how deep the analysis follows nested constructs (subshells in subshells …):
 *  real scripts stay in the tens; a hostile one could exhaust the stack. `&&` chains do not nest. */
export const MAX_NESTING = 400;

/** MAX_SCRIPT_CHARS and MAX_LINE_CHARS bound the scripts given to the parser: 256 Ki characters, no
 *  line (continuations joined) over 32 Ki. Real RUN scripts are a few KiB, and a 100-line RUN joins
 *  into one line of 5-10 KiB. The bash grammar's cost grows faster than the text on hostile input:
 *  an unterminated heredoc over long lines parsed 512 KiB in 0.1 s but 1 MiB in 18 s, and a line
 *  inside such a heredoc cost 0.15 s at 32 KiB, 1.4 s at 64 KiB, 7 s at 170 KiB (the lexer
 *  recounts the column from the line's start). A script past either bound is left unanalysed. */
export const MAX_SCRIPT_CHARS = 256 * 1024;
export const MAX_LINE_CHARS = 32 * 1024;

/** longestLine is the length of text's longest line. */
function longestLine(text: string): number {
  let longest = 0;
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    longest = Math.max(longest, stop - start);
    start = stop + 1;
  }
  return longest;
}

interface Flags {
  conditional: boolean;
  fallback: boolean;
  subshell?: boolean;
}

/** unquote renders a word node's static text; literal is false when expansions are involved. */
export function unquote(node: Node): { text: string; literal: boolean } {
  switch (node.type) {
    case 'word':
    case 'command_name':
      if (node.type === 'command_name' && node.firstNamedChild) return unquote(node.firstNamedChild);
      return { text: node.text.replace(/\\(.)/gs, '$1'), literal: true };
    case 'raw_string':
      return { text: node.text.slice(1, -1), literal: true };
    case 'ansi_c_string':
      return { text: node.text.slice(2, -1), literal: true };
    case 'number':
      return { text: node.text, literal: true };
    case 'string': {
      let text = '';
      let literal = true;
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === 'string_content') text += c.text.replace(/\\([$`"\\\n])/g, '$1');
        else {
          text += c.text;
          literal = false;
        }
      }
      return { text, literal };
    }
    case 'concatenation': {
      let text = '';
      let literal = true;
      for (const c of node.children) {
        if (!c) continue;
        const u = unquote(c);
        text += u.text;
        literal &&= u.literal;
      }
      return { text, literal };
    }
    default:
      return { text: node.text, literal: false };
  }
}

function wordOf(node: Node, w: Walk): Word {
  const u = unquote(node);
  return { text: u.text, literal: u.literal, span: spanOf(node, w) };
}

function spanOf(node: Node, w: Walk): Span {
  const start = w.toDoc(node.startIndex);
  const end = node.endIndex > node.startIndex ? w.toDoc(node.endIndex - 1) + 1 : start;
  return { start, end };
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** splitWrappers separates `sudo -u x env A=1 apt-get …` into wrapper words and the real command. */
function splitWrappers(words: Word[]): { prefix: Word[]; rest: Word[] } {
  let i = 0;
  while (i < words.length && WRAPPERS.has(basename(words[i]!.text))) {
    const wrapper = basename(words[i]!.text);
    i++;
    while (i < words.length) {
      const t = words[i]!.text;
      if (t === '--') {
        i++;
        break;
      }
      if (t.startsWith('-')) {
        i += wrapper === 'sudo' && /^-[ugCDhpRrTt]$/.test(t) ? 2 : 1;
        continue;
      }
      if (wrapper === 'env' && /^[A-Za-z_]\w*=/.test(t)) {
        i++;
        continue;
      }
      if ((wrapper === 'gosu' || wrapper === 'su-exec' || wrapper === 'chroot') && i < words.length - 1) {
        i++; // the user or root directory
      }
      break;
    }
  }
  return { prefix: words.slice(0, i), rest: words.slice(i) };
}

function addCommand(node: Node, w: Walk, flags: Flags): ShellCommand | null {
  const words: Word[] = [];
  const assignments = new Map<string, string>();
  const redirects: Redirect[] = [];
  const argumentIds = new Set<number>();
  for (const a of node.childrenForFieldName('argument')) if (a) argumentIds.add(a.id);
  const hasName = node.childForFieldName('name') !== null;
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'variable_assignment') {
      const name = c.childForFieldName('name')?.text;
      const value = c.childForFieldName('value');
      if (name) assignments.set(name, value ? unquote(value).text : '');
    } else if (c.type === 'file_redirect' || c.type === 'herestring_redirect') {
      redirects.push(redirectOf(c));
    } else if (c.type === 'command_name' || !hasName || argumentIds.has(c.id)) {
      words.push(wordOf(c, w));
    }
  }
  const { prefix, rest } = splitWrappers(words);
  if (rest.length === 0) return null;
  const cmd: ShellCommand = {
    order: w.commands.length,
    name: basename(rest[0]!.text),
    words: rest,
    prefix,
    assignments,
    span: spanOf(node, w),
    conditional: flags.conditional,
    fallback: flags.fallback,
    pipesTo: null,
    redirects,
    nested: w.nested,
    subshell: flags.subshell === true,
  };
  w.commands.push(cmd);
  if (SHELLS.has(cmd.name)) nestedScript(node, cmd, w, flags);
  return cmd;
}

/**
 * addDeclaration records `export A=1`, `declare -x B=2`, `readonly`, `local` as a command named after
 * the keyword, with its assignments, so rules see variables a RUN exports for the commands after it.
 */
function addDeclaration(node: Node, w: Walk, flags: Flags): void {
  const keyword = node.child(0);
  if (!keyword) return;
  const words: Word[] = [{ text: keyword.text, literal: true, span: spanOf(keyword, w) }];
  const assignments = new Map<string, string>();
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'variable_assignment') {
      const name = c.childForFieldName('name')?.text;
      const value = c.childForFieldName('value');
      if (name) assignments.set(name, value ? unquote(value).text : '');
    }
    words.push(wordOf(c, w));
  }
  w.commands.push({
    order: w.commands.length,
    name: keyword.text,
    words,
    prefix: [],
    assignments,
    span: spanOf(node, w),
    conditional: flags.conditional,
    fallback: flags.fallback,
    pipesTo: null,
    redirects: [],
    nested: w.nested,
    subshell: flags.subshell === true,
  });
}

function redirectOf(node: Node): Redirect {
  const dest = node.childForFieldName('destination');
  let operator = '';
  for (const c of node.children) if (c && !c.isNamed) operator += c.text;
  return { operator, target: dest ? unquote(dest).text : '' };
}

/** nestedScript parses the string after `sh -c` as commands of their own, when it is static. */
function nestedScript(node: Node, cmd: ShellCommand, w: Walk, flags: Flags): void {
  if (w.depth >= 3) return;
  const args = node.childrenForFieldName('argument').filter((a): a is Node => a !== null);
  const ci = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.text));
  const body = ci >= 0 ? args[ci + 1] : undefined;
  if (!body || (body.type !== 'raw_string' && body.type !== 'string')) return;
  const u = unquote(body);
  if (!u.literal) return;
  const tree = parseShell(u.text);
  if (!tree) return;
  const base = body.startIndex + 1;
  const outer = w.toDoc;
  const inner: Walk = { commands: w.commands, toDoc: (i) => outer(Math.min(base + i, body.endIndex - 1)), nested: true, depth: w.depth + 1 };
  visit(tree.rootNode, inner, flags);
  tree.delete();
  void cmd;
}

function visit(node: Node, w: Walk, flags: Flags): void {
  const level = w.level ?? 0;
  if (level >= MAX_NESTING) {
    w.tooDeep = true;
    return;
  }
  w.level = level + 1;
  try {
    visitNode(node, w, flags);
  } finally {
    w.level = level;
  }
}

function visitNode(node: Node, w: Walk, flags: Flags): void {
  switch (node.type) {
    case 'command':
      addCommand(node, w, flags);
      return;
    case 'declaration_command':
      addDeclaration(node, w, flags);
      return;
    case 'list': {
      // left op right, where op is && or ||; lists nest to the left, so a long chain is walked down
      // its left spine here, without recursion, and its links visited in order.
      const links: { node: Node; fallback: boolean }[] = [];
      let cur: Node = node;
      for (;;) {
        const kids = cur.children.filter((c): c is Node => c !== null);
        const ops = kids.filter((c) => !c.isNamed);
        const named = kids.filter((c) => c.isNamed);
        if (named.length !== 2 || ops.length !== 1) {
          links.unshift(...named.map((n) => ({ node: n, fallback: false })));
          break;
        }
        links.unshift({ node: named[1]!, fallback: ops[0]!.type === '||' });
        if (named[0]!.type !== 'list') {
          links.unshift({ node: named[0]!, fallback: false });
          break;
        }
        cur = named[0]!;
      }
      for (const l of links) visit(l.node, w, l.fallback ? { ...flags, conditional: true, fallback: true } : flags);
      return;
    }
    case 'pipeline': {
      let prev: number | null = null;
      for (const c of node.namedChildren) {
        if (!c) continue;
        const before = w.commands.length;
        visit(c, w, flags);
        if (prev !== null && w.commands.length > before) w.commands[prev]!.pipesTo = before;
        if (w.commands.length > before) prev = w.commands.length - 1;
      }
      return;
    }
    case 'redirected_statement': {
      const before = w.commands.length;
      const bodyNode = node.childForFieldName('body');
      if (bodyNode) visit(bodyNode, w, flags);
      const last = w.commands.length > before ? w.commands[w.commands.length - 1] : undefined;
      for (const r of node.childrenForFieldName('redirect')) {
        if (!r) continue;
        if (r.type === 'file_redirect' || r.type === 'herestring_redirect') last?.redirects.push(redirectOf(r));
      }
      return;
    }
    case 'if_statement':
    case 'while_statement': {
      for (const c of node.namedChildren) {
        if (!c) continue;
        const isCondition = node.childrenForFieldName('condition').some((x) => x?.id === c.id);
        visit(c, w, isCondition ? flags : { ...flags, conditional: true });
      }
      return;
    }
    default: {
      let inner = CONDITIONAL_BODIES.has(node.type) ? { ...flags, conditional: true } : flags;
      if (node.type === 'subshell') inner = { ...inner, subshell: true };
      for (const c of node.namedChildren) if (c) visit(c, w, inner);
    }
  }
}

/**
 * analyzeShell parses a script and lists its commands. toDoc maps script offsets to document
 * offsets (identity when omitted). Returns null if the parser is not initialised.
 */
export function analyzeShell(text: string, toDoc: OffsetMap = (i) => i): ShellScript | null {
  if (text.length > MAX_SCRIPT_CHARS || longestLine(text) > MAX_LINE_CHARS) {
    return { commands: [], errexit: false, pipefail: false, hasErrors: true, statements: 0, unanalyzed: 'too-big' };
  }
  const tree = parseShell(text);
  if (!tree) return null;
  try {
    const w: Walk = { commands: [], toDoc, nested: false, depth: 0 };
    visit(tree.rootNode, w, { conditional: false, fallback: false });
    let errexit = false;
    let pipefail = false;
    for (const c of w.commands) {
      if (c.name !== 'set' || c.conditional || c.nested) continue;
      for (let i = 1; i < c.words.length; i++) {
        const t = c.words[i]!.text;
        if (/^-[a-zA-Z]*e/.test(t)) errexit = true;
        if (t === '-o' || t === '-eo' || /^-[a-zA-Z]*o$/.test(t)) {
          const opt = c.words[i + 1]?.text;
          if (opt === 'errexit') errexit = true;
          if (opt === 'pipefail') pipefail = true;
        }
      }
    }
    const statements = tree.rootNode.namedChildren.filter((c) => c !== null && c.type !== 'comment').length;
    // a script nested too deep to follow is treated as one the parser could not read: rules and
    // fixes that need the whole script leave it alone, the rest of the file is still linted
    return { commands: w.commands, errexit, pipefail, hasErrors: tree.rootNode.hasError || w.tooDeep === true, statements, ...(w.tooDeep ? { unanalyzed: 'too-deep' as const } : {}) };
  } finally {
    tree.delete();
  }
}
