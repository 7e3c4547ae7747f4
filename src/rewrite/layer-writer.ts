// LayerWriter streams a new layer tar into a blob file: tar bytes are hashed for the diff_id,
// compressed (gzip with fixed settings, or not at all) and hashed again for the blob digest on their
// way to disk (gzip on every core: parallel-gzip.ts). Writes honour backpressure, so memory stays bounded whatever the layer's size.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlib } from 'node:zlib';
import { ParallelGzip } from './parallel-gzip.js';
import { WhittleError, wrap } from '../errors.js';
import type { Digest } from '../image/digest.js';
import { MediaType } from '../image/mediatypes.js';
import { END_OF_ARCHIVE, encodeHeader, padding, type OutHeader } from './tar-encode.js';

export type LayerCompression = 'gzip' | 'none';

export interface WrittenLayer {
  file: string;
  digest: Digest;
  diffId: Digest;
  size: number;
  uncompressedSize: number;
  mediaType: string;
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

export interface LayerWriterOptions {
  compression: LayerCompression;
  /** gzip level, 1–9 (default 6, as Docker and containerd use). */
  level?: number;
}

export class LayerWriter {
  private readonly tar = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly diff = new Hasher();
  private readonly blob = new Hasher();
  private readonly done: Promise<void>;
  private failed: unknown = null;
  private remaining = 0;
  entries = 0;

  constructor(
    readonly file: string,
    private readonly opts: LayerWriterOptions,
  ) {
    const out = createWriteStream(file, { flags: 'wx', highWaterMark: 4 << 20 });
    this.done =
      opts.compression === 'gzip'
        ? pipeline(this.tar, this.diff, new ParallelGzip(opts.level ?? zlib.Z_DEFAULT_COMPRESSION), this.blob, out)
        : pipeline(this.tar, this.diff, out); // an uncompressed blob is the tar: one digest
    this.done.catch((err) => {
      this.failed = err;
    });
  }

  private async push(chunk: Buffer | Uint8Array): Promise<void> {
    if (this.failed) throw wrap(`writing ${this.file}`, this.failed);
    if (!this.tar.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.tar.off('error', onError);
          resolve();
        };
        const onError = (err: unknown) => {
          this.tar.off('drain', onDrain);
          reject(wrap(`writing ${this.file}`, err));
        };
        this.tar.once('drain', onDrain);
        this.tar.once('error', onError);
        this.done.catch(onError);
      });
    }
  }

  /** header starts an entry; a regular file's content follows through data() and must total h.size bytes. */
  async header(h: OutHeader): Promise<void> {
    if (this.remaining !== 0) throw new WhittleError('io', `${this.file}: previous entry is ${this.remaining} bytes short`);
    this.entries++;
    this.remaining = h.type === 'file' ? h.size : 0;
    await this.push(encodeHeader(h));
    if (this.remaining === 0) return;
    this.padTo = padding(h.size);
  }

  private padTo = 0;

  async data(chunk: Uint8Array): Promise<void> {
    if (chunk.length > this.remaining) throw new WhittleError('io', `${this.file}: entry content is longer than its header says`);
    this.remaining -= chunk.length;
    await this.push(chunk);
    if (this.remaining === 0 && this.padTo > 0) {
      const pad = this.padTo;
      this.padTo = 0;
      await this.push(Buffer.alloc(pad));
    }
  }

  /** finish closes the tar and waits for the blob to reach the disk. */
  async finish(): Promise<WrittenLayer> {
    if (this.remaining !== 0) throw new WhittleError('io', `${this.file}: last entry is ${this.remaining} bytes short`);
    await this.push(END_OF_ARCHIVE);
    this.tar.end();
    await this.done.catch((err) => {
      throw wrap(`writing ${this.file}`, err);
    });
    const diffId = this.diff.digest();
    return {
      file: this.file,
      ...(this.opts.compression === 'gzip' ? { digest: this.blob.digest(), size: this.blob.bytes } : { digest: diffId, size: this.diff.bytes }),
      diffId,
      uncompressedSize: this.diff.bytes,
      mediaType: this.opts.compression === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayer,
    };
  }

  /** abort stops writing; the caller removes the file. */
  abort(): void {
    this.tar.destroy();
  }
}
