// Shell scripts inside RUN: the text the shell will see, with a map from every script character back
// to its document offset, so findings inside a script point at the exact word in the Dockerfile.
// Line continuations (the escape character before a newline) are removed the way BuildKit removes
// them, and so are comment and blank lines inside a continuation. For `RUN <<EOF` the heredoc body is
// the script.
import type { DockerfileModel, Instruction } from './model.js';

export interface ScriptSource {
  text: string;
  /** map[i] is the document offset of text[i]; map[text.length] is the end offset. */
  map: number[];
  /** True when the script is a heredoc body run by the shell. */
  heredoc: boolean;
}

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh)$/;

/** joinContinuations copies doc[start, end) into a script, dropping escape-newline continuations. */
export function joinContinuations(doc: string, start: number, end: number, escape: string): ScriptSource {
  let text = '';
  const map: number[] = [];
  let i = start;
  while (i < end) {
    const c = doc[i]!;
    if (c === escape) {
      let j = i + 1;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (j < end && doc[j] === '\r') j++;
      if (j < end && doc[j] === '\n') {
        i = skipContinuationNoise(doc, j + 1, end);
        continue;
      }
      if (j >= end) break; // a trailing escape at the very end of the instruction
    }
    text += c;
    map.push(i);
    i++;
  }
  map.push(end);
  return { text, map, heredoc: false };
}

/** skipContinuationNoise skips comment lines and empty lines that follow a line continuation. */
function skipContinuationNoise(doc: string, from: number, end: number): number {
  let i = from;
  for (;;) {
    let j = i;
    while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
    if (j < end && doc[j] === '#') {
      while (j < end && doc[j] !== '\n') j++;
      if (j >= end) return end;
      i = j + 1;
      continue;
    }
    if (j < end && (doc[j] === '\n' || (doc[j] === '\r' && doc[j + 1] === '\n'))) {
      i = j + (doc[j] === '\r' ? 2 : 1);
      continue;
    }
    return i;
  }
}

function slice(doc: string, start: number, end: number): ScriptSource {
  const map: number[] = [];
  for (let i = start; i <= end; i++) map.push(i);
  return { text: doc.slice(start, end), map, heredoc: true };
}

/**
 * runScript returns the shell script of a shell-form RUN (or null for exec form). For heredoc RUNs
 * whose command line is empty or just a shell (`RUN <<EOF`, `RUN bash -e <<EOF`), the first heredoc
 * body is the script; other heredocs (`RUN python3 <<EOF`, `RUN cat <<EOF >/etc/x`) are data, so the
 * whole instruction is parsed as shell and the heredoc stays a heredoc.
 */
export function runScript(model: DockerfileModel, inst: Instruction): ScriptSource | null {
  if (inst.json !== null || inst.argsSpan === null) return null;
  const doc = model.text;
  const first = inst.heredocs[0];
  if (first && first.contentSpan) {
    const lineEnd = doc.indexOf('\n', inst.argsSpan.start);
    const firstLine = doc.slice(inst.argsSpan.start, lineEnd < 0 ? inst.argsSpan.end : lineEnd);
    const command = firstLine.replace(/<<-?\s*(["']?)[A-Za-z_][\w.-]*\1/g, '').trim();
    const words = command.split(/\s+/).filter((w) => w !== '');
    const shellOnly = words.length === 0 || (SHELLS.test(words[0]!) && words.slice(1).every((w) => w.startsWith('-')));
    if (shellOnly) {
      const body = first.content;
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
      if (shebang) {
        const interp = shebang[1]!.endsWith('/env') ? (shebang[2] ?? '') : shebang[1]!;
        if (!SHELLS.test(interp.replace(/^.*\//, ''))) return null;
      }
      return slice(doc, first.contentSpan.start, first.contentSpan.end);
    }
  }
  return joinContinuations(doc, inst.argsSpan.start, inst.argsSpan.end, model.escape);
}
