// Lines: what a child process prints, line by line, for tests that wait on a line (never on the clock).

/** Lines collects what a stream prints, line by line, and waits for the next one. */
export class Lines {
  readonly all: string[] = [];
  private read = 0;
  private waiting: (() => void) | null = null;
  private ended = false;
  constructor(stream: NodeJS.ReadableStream) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      rest += d;
      const parts = rest.split('\n');
      rest = parts.pop()!;
      this.all.push(...parts);
      this.waiting?.();
    });
    stream.on('end', () => {
      this.ended = true;
      this.waiting?.();
    });
  }
  /** next resolves to the next line printed, or rejects when the stream ends first. */
  async next(): Promise<string> {
    while (this.read >= this.all.length) {
      if (this.ended) throw new Error(`the stream ended; it printed:\n${this.all.join('\n')}`);
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = null;
    }
    return this.all[this.read++]!;
  }
}

