// Fitting text output to a terminal: the width to fit (terminalWidth), words wrapped with a hanging
// indent instead of cut (wrapWords), long paths shortened in the middle (elideMiddle), and whether
// to paint colour (useColor). Widths count UTF-16 code units, which is exact for the ASCII paths,
// sizes and messages whittle prints.

/** The part of a stream terminalWidth and useColor read (process.stdout is one). */
export interface OutputStream {
  isTTY?: boolean;
  columns?: number;
}

/** DEFAULT_WIDTH is the width of a terminal that does not say its own. */
export const DEFAULT_WIDTH = 80;

function columnsFromEnv(env: NodeJS.ProcessEnv): number | null {
  const v = env.COLUMNS?.trim();
  if (v === undefined || !/^\d+$/.test(v) || Number(v) === 0) return null;
  return Number(v);
}

/**
 * terminalWidth is the width text output fits: on a terminal its columns, else the COLUMNS
 * environment variable, else 80. Not on a terminal (a pipe, a file, a CI log) it is COLUMNS when
 * set and null otherwise: null means do not shorten or wrap anything.
 */
export function terminalWidth(stream: OutputStream = process.stdout, env: NodeJS.ProcessEnv = process.env): number | null {
  if (stream.isTTY) return stream.columns && stream.columns > 0 ? stream.columns : (columnsFromEnv(env) ?? DEFAULT_WIDTH);
  return columnsFromEnv(env);
}

/**
 * useColor says whether to paint output: not when the command was given --no-color (flag false),
 * not when NO_COLOR is set to anything but the empty string (no-color.org), and only on a terminal.
 */
export function useColor(flag: boolean | undefined, stream: OutputStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/**
 * wrapWords breaks text into lines of at most width characters at spaces, never inside a word: a
 * word longer than a line gets a line of its own, whole. The first line starts at column `first`
 * (what is printed before it, already counted by the caller); later lines start with `indent`
 * spaces (a hanging indent). Text that fits, or any text when width is null, is returned as it is;
 * wrapped text has its runs of spaces collapsed.
 */
export function wrapWords(text: string, width: number | null, opts: { first?: number; indent?: number } = {}): string[] {
  const first = opts.first ?? 0;
  if (width === null || (first + text.length <= width && !text.includes('\n'))) return [text];
  const words = text.split(/\s+/).filter((w) => w !== '');
  const pad = ' '.repeat(opts.indent ?? 0);
  const lines: string[] = [];
  let line = '';
  let room = width - first;
  for (const word of words) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
      room = width - pad.length;
    }
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : pad + l));
}

/**
 * elideMiddle shortens text to width characters by replacing its middle with `…`, keeping more of
 * the end (for a path, the file name) than of the start. Text that fits, or width null, is
 * returned unchanged; widths below 2 still keep one character and the ellipsis.
 */
export function elideMiddle(text: string, width: number | null): string {
  if (width === null || text.length <= width) return text;
  const keep = Math.max(1, width - 1);
  const head = Math.floor(keep * 0.4);
  const tail = keep - head;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}
