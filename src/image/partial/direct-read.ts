// readLocalTar reads an uncompressed layer blob of a local file (an OCI layout's blob, a member of
// a `docker save` archive) by offset into a few reused slots of shared memory, hands each slot to
// the hashing thread (src/internal/hash-thread.ts) and to the caller's consumer, and checks the
// blob's size, digest and diffId at the end, with the messages of the streamed read
// (src/image/partial/verified-read.ts). This is the streamed read without its streams: no buffer is
// allocated per chunk, nothing is copied, and the hashing runs on another core while the tar is
// parsed. A compressed blob is left to the streamed read (it says so by returning null).
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { wrap } from '../../errors.js';
import { parseDigest, type Digest } from '../digest.js';
import type { CheckedTar, LayerStats, LocalRead } from '../image.js';
import type { FileRange } from '../../internal/file-source.js';
import { blobMismatch, diffIdMismatch, type LayerExpectations } from './verified-read.js';
import { SlotHash } from '../../internal/hash-thread.js';
import { openFileIdentity } from '../../internal/verified-blobs.js';
import { sniffCompression } from '../../layers/compression.js';

const SLOT = 1 << 20;
const SLOTS = 4;
/** blocks of slots whose reads ended, for the next read (analyze reads two layers at a time). */
const spare: SharedArrayBuffer[] = [];
const SPARE = 2;
/** below this size, hashing on the main thread costs less than the messages to the worker. */
const THREAD_MIN = 8 << 20;

/** Hashing is either the worker's slots or, for a small blob, a hash on this thread. */
interface Hashing {
  update(slot: number, length: number): void;
  ready(slot: number): Promise<void>;
  digest(): Promise<string>;
  close(): void;
}

function inlineHashing(algorithm: string, slots: Buffer[]): Hashing {
  const hash = createHash(algorithm);
  return {
    update: (slot, length) => void hash.update(slots[slot]!.subarray(0, length)),
    ready: async () => undefined,
    digest: async () => hash.digest('hex'),
    close: () => undefined,
  };
}

/** CheckedFile is where a checked tar lies, and what its file was when it was read. */
interface CheckedFile {
  path: string;
  offset: number;
  identity: string;
}

function checkedTar(file: CheckedFile): CheckedTar {
  return { digestAt: (ranges) => digestAt(file, ranges) };
}

/**
 * digestAt gives the sha256 of each (offset, size) range of a tar read before, relative to the tar's
 * start, reading only those bytes; null when the file is no longer what was checked (then the
 * caller reads the layer again, checking it whole).
 */
async function digestAt(file: CheckedFile, ranges: readonly { offset: number; size: number }[]): Promise<Digest[] | null> {
  let fh: FileHandle;
  try {
    fh = await open(file.path, 'r');
  } catch {
    return null;
  }
  try {
    if ((await openFileIdentity(fh)) !== file.identity) return null;
    let largest = 1;
    for (const r of ranges) largest = Math.max(largest, r.size);
    const buf = Buffer.allocUnsafe(Math.min(SLOT, largest));
    const out: Digest[] = [];
    for (const r of ranges) {
      const hash = createHash('sha256');
      for (let done = 0; done < r.size; ) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, r.size - done), file.offset + r.offset + done);
        if (bytesRead === 0) return null;
        hash.update(buf.subarray(0, bytesRead));
        done += bytesRead;
      }
      out.push(`sha256:${hash.digest('hex')}`);
    }
    // changed while it was read: these bytes are not the ones checked
    return (await openFileIdentity(fh)) === file.identity ? out : null;
  } finally {
    await fh.close();
  }
}

/** threadHashing hashes on the worker thread, or on this one where no worker can be started (a thread limit). */
function threadHashing(algorithm: string, memory: SharedArrayBuffer, slots: Buffer[]): Hashing {
  try {
    return new SlotHash(algorithm, memory, SLOT);
  } catch {
    return inlineHashing(algorithm, slots);
  }
}

/**
 * readLocalTar streams the layer's blob through consume (each slice valid only during the call)
 * when the blob is uncompressed, and returns its verified stats; null when the blob is compressed
 * (or its digests use two algorithms), and the caller reads it as a stream instead. consume may
 * throw: the error is kept, the rest of the blob is still read and checked (a digest mismatch is
 * the better message), and the consume error is thrown after. A read error is thrown as it is,
 * for the caller to name the layer.
 */
export async function readLocalTar(
  blobRange: () => Promise<FileRange>,
  expected: LayerExpectations & { diffId: Digest },
  consume: (chunk: Uint8Array) => void,
  onBytes?: (n: number) => void,
): Promise<LocalRead | null> {
  const algorithm = parseDigest(expected.diffId).algorithm;
  if (expected.digest && parseDigest(expected.digest).algorithm !== algorithm) return null;
  const range = await blobRange();
  let fh;
  try {
    fh = await open(range.path, 'r');
  } catch (err) {
    throw wrap(`opening ${expected.what}`, err, 'missing-blob');
  }
  const before = await openFileIdentity(fh);
  const memory = spare.pop() ?? new SharedArrayBuffer(SLOT * SLOTS);
  const slots = Array.from({ length: SLOTS }, (_, i) => Buffer.from(memory, i * SLOT, SLOT));
  let hashing: Hashing | null = null;
  let pending: Promise<number> | null = null;
  try {
    const readSlot = async (slot: number, at: number): Promise<number> =>
      (await fh.read(slots[slot]!, 0, Math.min(SLOT, range.size - at), range.offset + at)).bytesRead;
    let bytes = 0;
    let slot = 0;
    pending = range.size > 0 ? readSlot(0, 0) : null;
    let consumeError: unknown = null;
    while (pending) {
      const n = await pending;
      pending = null;
      if (n === 0) break; // the file ends before the range does: the size check below says so
      if (hashing === null) {
        // the first bytes say whether the blob is a tar; a compressed one goes to the streamed read
        if (sniffCompression(slots[0]!.subarray(0, Math.min(n, 4))) !== 'none') return null;
        hashing = range.size >= THREAD_MIN ? threadHashing(algorithm, memory, slots) : inlineHashing(algorithm, slots);
      }
      bytes += n;
      const next = (slot + 1) % SLOTS;
      if (bytes < range.size) {
        await hashing.ready(next);
        pending = readSlot(next, bytes);
      }
      hashing.update(slot, n);
      if (consumeError === null) {
        try {
          consume(slots[slot]!.subarray(0, n));
        } catch (err) {
          consumeError = err;
        }
      }
      onBytes?.(n);
      slot = next;
    }
    const actual = `${algorithm}:${hashing ? await hashing.digest() : createHash(algorithm).digest('hex')}` as Digest;
    const mismatch = blobMismatch({ ...expected, size: expected.size ?? range.size }, bytes, actual) ?? diffIdMismatch(expected, actual);
    if (mismatch) throw mismatch;
    if (consumeError !== null) throw consumeError;
    // the file as it was read: the bytes just checked can be read again by offset while it stays so
    const after = await openFileIdentity(fh);
    return {
      stats: { digest: actual, size: bytes, diffId: actual, uncompressedSize: bytes, compression: 'none' },
      ...(before !== null && before === after ? { file: checkedTar({ path: range.path, offset: range.offset, identity: before }) } : {}),
    };
  } catch (err) {
    hashing?.close();
    await pending?.catch(() => undefined); // a read still in flight ends before its file is closed
    throw err;
  } finally {
    await fh.close();
    // the worker's isolate frees its view of the memory only when it collects garbage, which it
    // rarely does: one block per concurrent read is kept and reused instead of one per layer
    if (spare.length < SPARE) spare.push(memory);
  }
}
