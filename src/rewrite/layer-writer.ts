// LayerWriter writes a new layer tar into a blob file. Headers and content are copied into 4 MiB
// buffers synchronously (a squash writes tens of thousands of small entries: a stream write, a
// promise and a hash call per entry cost more than the bytes), each full buffer is hashed for the
// diff_id and handed to the sink: the file itself, or gzip on every core (parallel-gzip.ts) hashed
// again for the blob digest. At most a few buffers are in flight; callers await ready() between
// input chunks, so memory stays bounded whatever the layer's size.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlib } from 'node:zlib';
import { ParallelGzip } from './parallel-gzip.js';
import { WhittleError, wrap } from '../errors.js';
import type { Digest } from '../image/digest.js';
import { MediaType } from '../image/mediatypes.js';
import { END_OF_ARCHIVE, encodeHeader, padding, type OutHeader } from '../internal/tar-encode.js';
import { testPause } from '../internal/test-pause.js';
import { formatBytes } from '../analyze/units.js';

export type LayerCompression = 'gzip' | 'none';

export interface WrittenLayer {
  file: string;
  /** where the blob starts in file (the bytes before it were left for whoever adopts the file). */
  offset: number;
  digest: Digest;
  diffId: Digest;
  size: number;
  uncompressedSize: number;
  mediaType: string;
}

export interface LayerWriterOptions {
  compression: LayerCompression;
  /** gzip level, 1–9 (default 6, as Docker and containerd use). */
  level?: number;
  /** bytes to leave (as zeros) before the blob in the file: room for the tar header of an archive
   *  that adopts the file (sinks/layout.ts). Default 0. */
  reserve?: number;
  /** the most bytes the blob may take on disk; past it, writing fails with a 'limit' error (--max-output). */
  maxBytes?: number;
}

const BUFFER = 4 << 20;
const IN_FLIGHT = 3;
const ZEROS = new Uint8Array(512);

/** A place full buffers go, in order; a buffer is not touched again once given. */
interface Sink {
  put(chunk: Buffer): void;
  /** null when the sink takes more now, else a promise that settles when it does (or rejects). */
  ready(): Promise<void> | null;
  close(): Promise<{ digest: Digest; size: number } | null>;
  /** abort stops writing and settles once the file is closed (nothing writes to it afterwards). */
  abort(): Promise<void>;
  /** bytes of blob handed to the file so far (queued or written). */
  written(): number;
}

/** FileSink writes buffers one after another into the file from position `at`, one write at a time. */
class FileSink implements Sink {
  private readonly handle: Promise<FileHandle>;
  private chain: Promise<void>;
  private position: number;
  private inFlight = 0;
  private failed: unknown = null;
  private waiters: (() => void)[] = [];
  private queued = 0;

  constructor(file: string, at: number) {
    this.position = at;
    this.handle = open(file, 'wx');
    this.chain = this.handle.then(() => undefined);
    this.chain.catch((err) => this.fail(err));
  }

  private fail(err: unknown): void {
    if (this.failed === null) this.failed = err ?? new Error('write failed');
    for (const w of this.waiters.splice(0)) w();
  }

  written(): number {
    return this.queued;
  }

  put(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    this.queued += chunk.length;
    this.inFlight++;
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      const fh = await this.handle;
      for (let off = 0; off < chunk.length; ) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.length - off, this.position);
        off += bytesWritten;
        this.position += bytesWritten;
      }
      this.inFlight--;
      this.waiters.shift()?.();
    });
    this.chain.catch((err) => this.fail(err));
  }

  ready(): Promise<void> | null {
    if (this.failed) return Promise.reject(this.failed);
    if (this.inFlight < IN_FLIGHT) return null;
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failed) throw this.failed;
    });
  }

  async close(): Promise<null> {
    await this.chain.catch(() => undefined);
    const fh = await this.handle.catch(() => null);
    if (this.failed) {
      await fh?.close().catch(() => undefined);
      throw this.failed;
    }
    await fh!.close();
    return null;
  }

  async abort(): Promise<void> {
    this.fail(new WhittleError('io', 'aborted'));
    await this.chain.catch(() => undefined);
    await this.handle.then((fh) => fh.close()).catch(() => undefined);
  }
}

class Hasher extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  constructor() {
    super({ highWaterMark: 1 << 20 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** GzipSink compresses on every core and hashes the compressed bytes on their way to the file. */
class GzipSink implements Sink {
  private readonly gzip: ParallelGzip;
  private readonly blob = new Hasher();
  private readonly done: Promise<void>;
  private failed: unknown = null;

  constructor(file: string, level: number, at: number) {
    this.gzip = new ParallelGzip(level);
    this.done = pipeline(this.gzip, this.blob, createWriteStream(file, { flags: 'wx', start: at, highWaterMark: 4 << 20 }));
    this.done.catch((err) => {
      this.failed = err ?? new Error('write failed');
    });
  }

  written(): number {
    return this.blob.bytes;
  }

  put(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    this.gzip.write(chunk);
  }

  ready(): Promise<void> | null {
    if (this.failed) return Promise.reject(this.failed);
    if (!this.gzip.writableNeedDrain) return null;
    return Promise.race([once(this.gzip, 'drain').then(() => undefined), this.done.then(() => undefined)]).then(() => {
      if (this.failed) throw this.failed;
    });
  }

  async close(): Promise<{ digest: Digest; size: number }> {
    this.gzip.end();
    await this.done;
    return { digest: this.blob.digest(), size: this.blob.bytes };
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => undefined);
  }
}

export class LayerWriter {
  private buf = Buffer.allocUnsafe(BUFFER);
  private fill = 0;
  private readonly diff = createHash('sha256');
  private diffBytes = 0;
  private readonly sink: Sink;
  private remaining = 0;
  private padTo = 0;
  entries = 0;

  constructor(
    readonly file: string,
    private readonly opts: LayerWriterOptions,
  ) {
    const at = opts.reserve ?? 0;
    this.sink = opts.compression === 'gzip' ? new GzipSink(file, opts.level ?? zlib.Z_DEFAULT_COMPRESSION, at) : new FileSink(file, at);
  }

  private flush(): void {
    if (this.fill === 0) return;
    const out = this.buf.subarray(0, this.fill);
    this.diff.update(out);
    this.diffBytes += out.length;
    try {
      this.sink.put(out);
    } catch (err) {
      throw wrap(`writing ${this.file}`, err);
    }
    this.buf = Buffer.allocUnsafe(BUFFER);
    this.fill = 0;
    const max = this.opts.maxBytes;
    if (max !== undefined && this.sink.written() > max) {
      throw new WhittleError('limit', `the new layer passed ${formatBytes(max)} (--max-output) after ${formatBytes(this.diffBytes)} of tar; nothing was written`);
    }
  }

  private append(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; ) {
      const take = Math.min(BUFFER - this.fill, bytes.length - off);
      this.buf.set(take === bytes.length ? bytes : bytes.subarray(off, off + take), this.fill);
      this.fill += take;
      off += take;
      if (this.fill === BUFFER) this.flush();
    }
  }

  /** header starts an entry; a regular file's content follows through data() and must total h.size bytes. */
  header(h: OutHeader): void {
    if (this.remaining !== 0) throw new WhittleError('io', `${this.file}: previous entry is ${this.remaining} bytes short`);
    this.entries++;
    this.remaining = h.type === 'file' ? h.size : 0;
    this.append(encodeHeader(h));
    this.padTo = this.remaining === 0 ? 0 : padding(h.size);
  }

  data(chunk: Uint8Array): void {
    if (chunk.length > this.remaining) throw new WhittleError('io', `${this.file}: entry content is longer than its header says`);
    this.remaining -= chunk.length;
    this.append(chunk);
    if (this.remaining === 0 && this.padTo > 0) {
      this.append(ZEROS.subarray(0, this.padTo));
      this.padTo = 0;
    }
  }

  /** ready is null when the writer takes more input now, else a promise to await first (it rejects if writing failed). */
  ready(): Promise<void> | null {
    if (this.diffBytes > 0 && this.entries > 0) {
      const paused = testPause('layer-writing');
      if (paused) return paused;
    }
    const r = this.sink.ready();
    return r && r.catch((err) => {
      throw wrap(`writing ${this.file}`, err);
    });
  }

  /** finish closes the tar and waits for the blob to reach the disk. */
  async finish(): Promise<WrittenLayer> {
    if (this.remaining !== 0) throw new WhittleError('io', `${this.file}: last entry is ${this.remaining} bytes short`);
    this.append(END_OF_ARCHIVE);
    this.flush();
    const blob = await this.sink.close().catch((err) => {
      throw wrap(`writing ${this.file}`, err);
    });
    const max = this.opts.maxBytes;
    if (max !== undefined && (blob?.size ?? this.diffBytes) > max) {
      throw new WhittleError('limit', `the new layer passed ${formatBytes(max)} (--max-output); nothing was written`);
    }
    const diffId: Digest = `sha256:${this.diff.digest('hex')}`;
    return {
      file: this.file,
      offset: this.opts.reserve ?? 0,
      ...(blob ? { digest: blob.digest, size: blob.size } : { digest: diffId, size: this.diffBytes }),
      diffId,
      uncompressedSize: this.diffBytes,
      mediaType: this.opts.compression === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayer,
    };
  }

  /** abort stops writing and settles once the file is closed; the caller removes the file. */
  abort(): Promise<void> {
    return this.sink.abort();
  }
}
