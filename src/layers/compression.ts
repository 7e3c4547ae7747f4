// Compression of layer blobs, decided by magic bytes and never by names or media types (kaniko
// writes gzip into `.tar` names; some registries mislabel zstd). gzip uses node:zlib (multi-member
// streams included); zstd uses node:zlib where the runtime has it (Node 22.15+) and the pure-JS
// fzstd decoder otherwise (loaded with the first zstd bytes: a gzip or plain image never loads it).
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Decompress as ZstdDecompress } from 'fzstd';
import { WhittleError } from '../errors.js';
import type { Compression } from '../image/image.js';

/** sniffCompression looks at a blob's first bytes (4 are enough). */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) {
    throw new WhittleError('unsupported', 'layer is bzip2-compressed, which OCI images do not allow');
  }
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) {
    throw new WhittleError('unsupported', 'layer is xz-compressed, which OCI images do not allow');
  }
  return 'none';
}

const CHUNK = 1 << 18;

/** createDecompressor returns a stream that turns the compressed blob into tar bytes. */
export function createDecompressor(compression: Compression): Transform {
  switch (compression) {
    case 'gzip':
      return zlib.createGunzip({ chunkSize: CHUNK });
    case 'zstd': {
      const native = (zlib as unknown as { createZstdDecompress?: (o?: object) => Transform }).createZstdDecompress;
      return native ? native({ chunkSize: CHUNK }) : new FzstdTransform();
    }
    case 'none':
      return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
  }
}

class FzstdTransform extends Transform {
  private decoder: ZstdDecompress | null = null;
  /** ready makes the decoder on the first chunk (or at the end of an empty stream), loading fzstd then. */
  private async ready(): Promise<ZstdDecompress> {
    if (!this.decoder) {
      const { Decompress } = await import('fzstd');
      this.decoder = new Decompress((chunk) => {
        if (chunk.length) this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
    }
    return this.decoder;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.ready().then(
      (decoder) => {
        try {
          decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          cb();
        } catch (err) {
          cb(new WhittleError('bad-archive', `zstd data is corrupt: ${(err as Error).message}`));
        }
      },
      (err: Error) => cb(err),
    );
  }
  override _flush(cb: TransformCallback): void {
    this.ready().then(
      (decoder) => {
        try {
          decoder.push(new Uint8Array(0), true);
          cb();
        } catch (err) {
          cb(new WhittleError('truncated', `zstd data ends early or is corrupt: ${(err as Error).message}`));
        }
      },
      (err: Error) => cb(err),
    );
  }
}
