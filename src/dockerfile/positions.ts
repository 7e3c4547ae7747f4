// Document positions: zero-based line/character (as editors and LSP use them) and document offsets
// (as edits use them), with conversion both ways. Lines end at \n; a \r before it is not a character
// of the line, so CRLF files report the same columns as LF files.

/** Position is zero-based, like LSP: line 0, character 0 is the first character of the file. */
export interface Position {
  line: number;
  character: number;
}

/** Range spans start (inclusive) to end (exclusive). */
export interface Range {
  start: Position;
  end: Position;
}

/** Span is a half-open range of document offsets (UTF-16 code units, like JavaScript strings). */
export interface Span {
  start: number;
  end: number;
}

/** LineIndex converts between offsets and positions in one document. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** offsetAt clamps positions past the end of a line to the line's end (before any \r\n). */
  offsetAt(pos: Position): number {
    const line = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    const start = this.starts[line]!;
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(line));
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(o, this.lineEnd(lo)) - this.starts[lo]! };
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  spanOf(range: Range): Span {
    return { start: this.offsetAt(range.start), end: this.offsetAt(range.end) };
  }

  /** lineEnd is the offset of the line's terminator (\n or \r\n), or the end of the text. */
  lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next - 1;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    const start = this.starts[line];
    return start === undefined ? '' : this.text.slice(start, this.lineEnd(line));
  }
}
