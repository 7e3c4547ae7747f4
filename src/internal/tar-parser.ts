// A push-based streaming tar parser: feed it chunks, it calls back synchronously with each entry's
// header, data slices and end. It stops at the end-of-archive marker and ignores what follows (the
// caller keeps hashing those bytes), and never buffers file content. Why hand-written: see
// tar-header.ts.
import { WhittleError } from '../errors.js';
import {
  BLOCK,
  applyPax,
  decodeHeader,
  nulTerminated,
  padded,
  parsePax,
  type PaxRecords,
  type TarHeader,
} from './tar-header.js';

export interface TarHandlers {
  /** entry is called for every member that is a file system object (metadata headers are folded in). */
  entry(header: TarHeader): void;
  /** data is called with consecutive slices of the current entry's content; slices are views, copy to keep. Without it, content is skipped. */
  data?(chunk: Uint8Array): void;
  /** entryEnd is called when the current entry's content is complete. */
  entryEnd(): void;
}

const MAX_META = 1 << 20; // PAX and GNU long-name headers larger than 1 MiB are not real

type State = 'header' | 'data' | 'meta' | 'padding' | 'done';

export class TarParser {
  private state: State = 'header';
  private headerBuf = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private remaining = 0; // bytes of content (or meta) still expected
  private paddingLeft = 0;
  private meta: { kind: TarHeader['kind']; chunks: Uint8Array[]; size: number } | null = null;
  private pendingPax: PaxRecords | null = null;
  private pendingLongName: string | null = null;
  private pendingLongLink: string | null = null;
  private sawZeroBlock = false;
  /** entries counts the file system entries reported so far. */
  entries = 0;
  /** stream bytes written before the current chunk. */
  private consumed = 0;
  /** where in the stream the header block being decoded ends: the content of its entry starts there. */
  private headerEnd = 0;

  /** contentOffset is, during entry(), where the entry's content starts in the tar stream. */
  get contentOffset(): number {
    return this.headerEnd;
  }

  constructor(private readonly handlers: TarHandlers) {}

  /** done is true once the end-of-archive marker was read; later input is ignored. */
  get done(): boolean {
    return this.state === 'done';
  }

  write(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && this.state !== 'done') {
      switch (this.state) {
        case 'header': {
          const take = Math.min(BLOCK - this.headerFill, chunk.length - pos);
          this.headerBuf.set(chunk.subarray(pos, pos + take), this.headerFill);
          this.headerFill += take;
          pos += take;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            this.headerEnd = this.consumed + pos;
            this.onHeaderBlock();
          }
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, chunk.length - pos);
          this.handlers.data?.(chunk.subarray(pos, pos + take));
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.finishEntry();
          break;
        }
        case 'meta': {
          const take = Math.min(this.remaining, chunk.length - pos);
          this.meta!.chunks.push(chunk.slice(pos, pos + take));
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.finishMeta();
          break;
        }
        case 'padding': {
          const take = Math.min(this.paddingLeft, chunk.length - pos);
          this.paddingLeft -= take;
          pos += take;
          if (this.paddingLeft === 0) this.state = 'header';
          break;
        }
      }
    }
    this.consumed += chunk.length;
  }

  /** end checks the stream did not stop inside a header or an entry. */
  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'header' && this.headerFill === 0 && !this.meta) return; // EOF at a block boundary is accepted, as Go's archive/tar does
    throw new WhittleError('truncated', 'tar stream ends in the middle of an entry (truncated)');
  }

  private onHeaderBlock(): void {
    const header = decodeHeader(this.headerBuf);
    if (header === null) {
      if (this.sawZeroBlock) this.state = 'done';
      this.sawZeroBlock = true;
      return;
    }
    if (this.sawZeroBlock) {
      // a single zero block followed by more entries: treat the zero block as the end, as GNU tar does
      this.state = 'done';
      return;
    }
    switch (header.kind) {
      case 'pax':
      case 'pax-global':
      case 'gnu-longname':
      case 'gnu-longlink':
        if (header.size > MAX_META) throw new WhittleError('bad-archive', `tar metadata header of ${header.size} bytes is implausible`);
        this.meta = { kind: header.kind, chunks: [], size: header.size };
        this.startContent(header.size, 'meta');
        return;
      default:
        break;
    }
    if (this.pendingPax) applyPax(header, this.pendingPax);
    if (this.pendingLongName !== null) header.name = this.pendingLongName;
    if (this.pendingLongLink !== null) header.linkname = this.pendingLongLink;
    this.pendingPax = null;
    this.pendingLongName = null;
    this.pendingLongLink = null;
    // only regular files carry content; other kinds may still declare a size (skip it)
    const contentSize = header.size;
    if (header.kind !== 'file') header.size = header.kind === 'skip' ? header.size : 0;
    if (header.kind !== 'skip') {
      this.entries++;
      this.handlers.entry(header);
    }
    if (contentSize === 0) {
      if (header.kind !== 'skip') this.handlers.entryEnd();
      return;
    }
    if (header.kind === 'file') {
      this.startContent(contentSize, 'data');
    } else {
      if (header.kind !== 'skip') this.handlers.entryEnd();
      this.paddingLeft = padded(contentSize);
      this.state = 'padding';
    }
  }

  private startContent(size: number, state: 'data' | 'meta'): void {
    this.remaining = size;
    this.paddingLeft = padded(size) - size;
    if (size === 0) {
      if (state === 'meta') this.finishMeta();
      return;
    }
    this.state = state;
  }

  private finishEntry(): void {
    this.handlers.entryEnd();
    this.state = this.paddingLeft > 0 ? 'padding' : 'header';
  }

  private finishMeta(): void {
    const meta = this.meta!;
    this.meta = null;
    const data = Buffer.concat(meta.chunks);
    if (meta.kind === 'pax') this.pendingPax = parsePax(data);
    else if (meta.kind === 'gnu-longname') this.pendingLongName = nulTerminated(data);
    else if (meta.kind === 'gnu-longlink') this.pendingLongLink = nulTerminated(data);
    // pax-global: Docker ignores global headers when applying layers; so does whittle
    this.state = this.paddingLeft > 0 ? 'padding' : 'header';
  }
}
