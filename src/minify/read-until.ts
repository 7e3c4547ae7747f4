// readUntil streams one layer's tar into a consumer until the consumer has every file it wants.
// Stopping early skips the rest of the layer, and with it the check of the layer's digest, which
// the scan that came first already made; a layer read to its end is checked again.
import { wrap } from '../errors.js';
import type { Layer } from '../image/image.js';

export interface LayerConsumer {
  /** takes the next bytes of the uncompressed tar (may wait, e.g. for a full output to drain). */
  feed(chunk: Buffer): void | Promise<void>;
  /** whether every wanted file has been seen: the rest of the layer is not read. */
  done(): boolean;
  /** the layer ended before done(): the consumer checks what it has. */
  end(): void;
}

export async function readUntil(layer: Layer, index: number, onBytes: (n: number) => void, consumer: LayerConsumer): Promise<void> {
  const read = await layer.read();
  let stopped = false;
  try {
    for await (const chunk of read.tar) {
      onBytes((chunk as Buffer).length);
      await consumer.feed(chunk as Buffer);
      if (consumer.done()) {
        stopped = true;
        break;
      }
    }
    if (!stopped) consumer.end();
  } catch (err) {
    read.tar.destroy();
    await read.stats.catch(() => undefined);
    throw wrap(`reading layer ${index + 1}`, err);
  }
  if (stopped) {
    read.tar.destroy();
    await read.stats.catch(() => undefined);
  } else await read.stats;
}
