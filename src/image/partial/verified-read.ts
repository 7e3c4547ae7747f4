// One streaming read of a layer blob that checks everything it can while the bytes pass: the blob's
// size and digest, its compression (sniffed), and the diffId over the whole decompressed stream.
// A mismatch makes the tar stream error at its end, so no consumer can finish on bad data.
import { createHash, type Hash } from 'node:crypto';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { WhittleError, describeCause } from '../../errors.js';
import { createDecompressor, sniffCompression } from '../../layers/compression.js';
import { finish, parseDigest, type Digest } from '../digest.js';
import type { Compression, LayerRead, LayerStats } from '../image.js';

export interface LayerExpectations {
  /** what to call the layer in messages, e.g. `layer 3 (sha256:ab12…)`. */
  what: string;
  digest?: Digest;
  size?: number;
  diffId?: Digest;
}

class Meter extends Transform {
  readonly hash: Hash;
  bytes = 0;
  /** hashing can be switched off when another meter hashes the same bytes. */
  hashing: () => boolean = () => true;
  constructor(
    private readonly algorithm: string,
    private readonly onFlush: (meter: Meter) => WhittleError | null,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.hash = createHash(algorithm);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.hashing()) this.hash.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    cb(this.onFlush(this));
  }
  private result: Digest | undefined;
  digest(): Digest {
    return (this.result ??= finish(this.hash, this.algorithm));
  }
}

/** SniffingDecompressor buffers the first bytes, decides the compression, then streams through it. */
class SniffingDecompressor extends Transform {
  compression: Compression | null = null;
  private head: Buffer[] = [];
  private headBytes = 0;
  private inner: Transform | null = null;
  private innerEnded: Promise<void> | null = null;

  constructor(private readonly what: string) {
    super({ highWaterMark: 1 << 20 });
  }

  /** an uncompressed blob is its own tar: chunks pass straight through, with no inner stream. */
  private passthrough = false;

  private start(): Buffer {
    const head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head); // one chunk (the usual case) is not copied
    this.head = [];
    this.compression = sniffCompression(head);
    if (this.compression === 'none') {
      this.passthrough = true;
      return head;
    }
    const inner = createDecompressor(this.compression);
    this.inner = inner;
    // node:zlib emits its output from the callback that would hand the inflater its next piece of
    // work, and everything downstream (hashing, tar parsing, writing) would run inside that call
    // while the inflater's thread waits. Output is queued and passed on from a microtask instead,
    // so inflating the next chunk overlaps with consuming this one; the end is queued behind it.
    const queue: (Buffer | null)[] = [];
    let scheduled = false;
    let ended: () => void = () => undefined;
    const drain = (): void => {
      scheduled = false;
      while (queue.length > 0) {
        const d = queue.shift()!;
        if (d === null) return ended();
        if (!this.push(d)) inner.pause();
      }
    };
    const enqueue = (d: Buffer | null): void => {
      queue.push(d);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(drain);
      }
    };
    inner.on('data', (d: Buffer) => enqueue(d));
    this.innerEnded = new Promise((resolve, reject) => {
      ended = resolve;
      inner.on('end', () => enqueue(null));
      inner.on('error', (err) => reject(this.mapError(err)));
    });
    this.innerEnded.catch((err) => this.destroy(err));
    return head;
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  private mapError(err: unknown): WhittleError {
    if (err instanceof WhittleError) return new WhittleError(err.code, `${this.what}: ${err.message}`, { cause: err });
    const code = (err as { code?: string }).code;
    const truncated = code === 'Z_BUF_ERROR' || /unexpected end/i.test(String((err as Error).message));
    return new WhittleError(
      truncated ? 'truncated' : 'bad-archive',
      `${this.what}: ${truncated ? 'compressed data ends early (truncated)' : `corrupt ${this.compression} data (${describeCause(err)})`}`,
      { cause: err },
    );
  }

  private writeInner(chunk: Buffer, cb: TransformCallback): void {
    if (this.inner!.write(chunk)) cb();
    else this.inner!.once('drain', () => cb());
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      if (this.passthrough) return cb(null, chunk);
      if (this.inner) return this.writeInner(chunk, cb);
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < 4) return cb();
      const head = this.start();
      if (this.passthrough) return cb(null, head);
      this.writeInner(head, cb);
    } catch (err) {
      cb(err instanceof WhittleError ? this.mapError(err) : (err as Error));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.passthrough) return cb();
      if (!this.inner) {
        const head = this.start();
        if (this.passthrough) return cb(null, head.length ? head : undefined);
        if (head.length) this.inner!.write(head);
      }
      this.inner!.end();
      this.innerEnded!.then(() => cb(), (err) => cb(err));
    } catch (err) {
      cb(err as Error);
    }
  }
}

/** blobMismatch is the error for a blob of the wrong size or digest, null when it is the one expected. */
export function blobMismatch(expected: LayerExpectations, bytes: number, digest: Digest): WhittleError | null {
  if (expected.size !== undefined && bytes !== expected.size) {
    return new WhittleError(
      bytes < expected.size ? 'truncated' : 'size-mismatch',
      `${expected.what}: blob has ${bytes} bytes, its descriptor says ${expected.size}${bytes < expected.size ? ' (truncated)' : ''}`,
    );
  }
  if (expected.digest && digest !== expected.digest) {
    return new WhittleError('digest-mismatch', `${expected.what}: blob digest is ${digest}, expected ${expected.digest}`);
  }
  return null;
}

/** diffIdMismatch is the error for uncompressed content that is not the config's diff_id, null when it is. */
export function diffIdMismatch(expected: LayerExpectations, diffId: Digest): WhittleError | null {
  if (!expected.diffId || diffId === expected.diffId) return null;
  return new WhittleError('digest-mismatch', `${expected.what}: uncompressed content hashes to ${diffId}, but the config lists diff_id ${expected.diffId}`);
}

/**
 * readVerified turns a raw blob stream into a verified LayerRead. An uncompressed blob is its own
 * tar, so its bytes are hashed once for both digests.
 */
export function readVerified(raw: Readable, expected: LayerExpectations): LayerRead {
  const blobAlgorithm = expected.digest ? parseDigest(expected.digest).algorithm : 'sha256';
  const diffAlgorithm = expected.diffId ? parseDigest(expected.diffId).algorithm : 'sha256';
  const blob = new Meter(blobAlgorithm, (m) => blobMismatch(expected, m.bytes, m.digest()));
  const decompressor = new SniffingDecompressor(expected.what);
  /** the tar is the blob itself: its digest is the blob's (when both use one algorithm). */
  const sameBytes = () => decompressor.compression === 'none' && blobAlgorithm === diffAlgorithm;
  let resolveStats!: (s: LayerStats) => void;
  let rejectStats!: (e: unknown) => void;
  const stats = new Promise<LayerStats>((res, rej) => {
    resolveStats = res;
    rejectStats = rej;
  });
  stats.catch(() => {}); // the tar stream carries the same error
  const tarMeter = new Meter(diffAlgorithm, (m) => {
    const diffId = sameBytes() ? blob.digest() : m.digest();
    const mismatch = diffIdMismatch(expected, diffId);
    if (mismatch) return mismatch;
    resolveStats({
      digest: blob.digest(),
      size: blob.bytes,
      diffId,
      uncompressedSize: m.bytes,
      compression: decompressor.compression ?? 'none',
    });
    return null;
  });
  tarMeter.hashing = () => !sameBytes();
  const tar = pipeline(raw, blob, decompressor, tarMeter, (err) => {
    if (err) {
      rejectStats(
        err instanceof WhittleError ? err : new WhittleError('io', `${expected.what}: ${describeCause(err)}`, { cause: err }),
      );
    }
  });
  return { tar, stats };
}

/** verifiedBlob passes a blob's raw bytes through, erroring at the end if its size or digest is wrong. */
export function verifiedBlob(raw: Readable, expected: LayerExpectations): Readable {
  const algorithm = expected.digest ? parseDigest(expected.digest).algorithm : 'sha256';
  const meter = new Meter(algorithm, (m) => blobMismatch(expected, m.bytes, m.digest()));
  return pipeline(raw, meter, () => {});
}
