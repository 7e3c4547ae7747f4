// The commands a shell script calls, for the closure: each simple command's program is looked up on
// the image's PATH and traced (its libraries, its own `#!`), wrappers such as `env` and `nice` too;
// `. FILE` / `source FILE` scripts are followed; an `exec "$@"` runs the script's arguments (the
// docker-entrypoint pattern: CMD passed to an ENTRYPOINT script). What cannot be known statically
// (a command named by a variable, a name not on PATH) is a warning naming the script and line.
import type { Closure } from './closure.js';

/** BUILTINS are what sh, dash and bash run themselves; they need no file. */
const BUILTINS = new Set(
  (
    '. : [ [[ alias bg break builtin caller cd command compgen complete continue declare dirs disown echo enable eval exec exit export ' +
    'false fc fg getopts hash help history jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly return ' +
    'set shift shopt source suspend test times trap true type typeset ulimit umask unalias unset wait function time ! { } case if for while until'
  ).split(' '),
);
/** PROGRAM_WRAPPERS are wrappers that are programs themselves (exec, command and time are builtins). */
const PROGRAM_WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'doas', 'gosu', 'su-exec', 'chroot']);

const MAX_DEPTH = 8;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** traceShell adds what a shell script runs; where names it in reasons and warnings (a file, or the entrypoint's `sh -c`). */
export function traceShell(c: Closure, text: string, where: string, args: readonly string[], depth = 0): void {
  if (depth > MAX_DEPTH) return;
  const script = c.opts.shell(text);
  if (!script) {
    c.warn(`${where}: the shell parser is not ready: the commands it calls were not traced`);
    return;
  }
  const functions = new Set([...text.matchAll(/(?:^|[\n;{}])\s*(?:function\s+)?([A-Za-z_][\w.-]*)\s*\(\s*\)/g)].map((m) => m[1]!));
  for (const m of text.matchAll(/(?:^|[\n;])\s*function\s+([A-Za-z_][\w.-]*)/g)) functions.add(m[1]!);
  if (script.hasErrors) c.warn(`${where}: the shell parser could not read all of it: some commands may be missing`);
  for (const cmd of script.commands) {
    const first = cmd.words[0];
    if (!first) continue;
    const at = `${where}:${lineOf(text, first.span.start)}`;
    for (const w of cmd.prefix) {
      if (w.literal && PROGRAM_WRAPPERS.has(w.text)) c.traceCommand([w.text], `called by ${at}`, false);
    }
    if (!first.literal) {
      if (/^\$\{?@\}?$|^\$\{?\*\}?$/.test(first.text) && args.length > 0) {
        c.traceCommand(args, `run by ${at} ("${first.text}": the script's arguments)`, false);
      } else if (!/^\$\{?[@*]\}?$/.test(first.text)) {
        c.warn(`${at}: the command ${first.text} is computed at run time and was not traced (add --keep for what it runs)`);
      }
      continue;
    }
    const name = first.text;
    if (name === '.' || name === 'source') {
      const file = cmd.words[1];
      if (!file?.literal) {
        if (file) c.warn(`${at}: ${name} ${file.text} is computed at run time and was not traced`);
        continue;
      }
      const kept = c.keepResolved(c.relative(file.text), `sourced by ${at}`);
      if (kept === null) c.warn(`${at}: ${name} ${file.text}: not in the image`);
      else {
        const facts = c.factsOf(kept);
        if (facts?.text !== undefined) traceShell(c, facts.text, `/${kept}`, args, depth + 1);
      }
      continue;
    }
    if (BUILTINS.has(name) && !name.includes('/')) continue;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(name)) continue;
    // functions defined in the script are not programs
    if (functions.has(name)) continue;
    c.traceCommand(
      cmd.words.map((w) => w.text),
      `called by ${at}`,
      false,
    );
    // absolute paths the command names that the image holds (configuration, data)
    for (const w of cmd.words.slice(1)) {
      if (!w.literal || !w.text.startsWith('/') || /\s/.test(w.text)) continue;
      const r = c.resolves(w.text.slice(1));
      if (r !== null && c.tree.get(r)?.type !== 'dir') c.keepResolved(w.text.slice(1), `named by ${at}`);
    }
  }
}
