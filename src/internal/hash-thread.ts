// Hashing on another core: one worker thread, started on first use, hashes byte ranges of shared
// memory (a SharedArrayBuffer the reader fills) while the main thread parses the same bytes. Why
// hand-written: node:crypto hashes synchronously on the calling thread, and its only hash that runs
// on the thread pool (crypto.subtle.digest) takes the whole input at once, not a stream. Hashing a
// layer is a third of analyze's work on the main thread; here it overlaps with the parsing.
// The bytes hashed are the bytes parsed: the reader hands the worker a slot of shared memory and
// reuses that slot only after the worker says it is done with it. No byte is copied.
import { Worker } from 'node:worker_threads';
import { WhittleError } from '../errors.js';

/** The worker's code, plain CommonJS so it runs the same from dist/ and from the TypeScript sources under test. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const sessions = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'open') sessions.set(m.id, { hash: createHash(m.algorithm), memory: new Uint8Array(m.memory) });
  else if (m.op === 'update') {
    const s = sessions.get(m.id);
    s.hash.update(s.memory.subarray(m.offset, m.offset + m.length));
    parentPort.postMessage({ op: 'done', id: m.id, slot: m.slot });
  } else if (m.op === 'digest') {
    const s = sessions.get(m.id);
    sessions.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: s.hash.digest('hex') });
  } else if (m.op === 'close') sessions.delete(m.id);
});
`;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

type Reply = { op: 'done'; id: number; slot: number } | { op: 'digest'; id: number; hex: string };

interface Waiting {
  /** the slots handed to the worker and not yet hashed: each resolves when the worker is done with it. */
  slots: Map<number, Deferred>;
  digest?: { resolve: (hex: string) => void; reject: (err: unknown) => void };
  fail(err: unknown): void;
}

let worker: Worker | null = null;
let nextId = 1;
const open = new Map<number, Waiting>();

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (m: Reply) => {
    const s = open.get(m.id);
    if (!s) return;
    if (m.op === 'done') {
      s.slots.get(m.slot)?.resolve();
      s.slots.delete(m.slot);
    } else {
      open.delete(m.id);
      release();
      s.digest?.resolve(m.hex);
    }
  });
  const lost = (err: unknown) => {
    worker = null;
    const failure = new WhittleError('io', `the hashing thread stopped: ${err instanceof Error ? err.message : String(err)}`);
    for (const s of open.values()) s.fail(failure);
    open.clear();
  };
  w.on('error', lost);
  w.on('exit', (code) => {
    if (open.size > 0) lost(new Error(`exit code ${code}`));
    worker = null;
  });
  w.unref();
  worker = w;
  return w;
}

/** release lets the process end while no session waits on the worker (it is ref'd while one does). */
function release(): void {
  if (open.size === 0) worker?.unref();
}

/**
 * SlotHash hashes, in order, ranges of one SharedArrayBuffer divided into equal slots. update()
 * hands a filled slot to the worker; ready(slot) resolves once the worker is done with it, so the
 * reader may fill it again.
 */
export class SlotHash {
  private readonly id = nextId++;
  private readonly waiting: Waiting;
  private readonly worker: Worker;
  private failure: unknown = null;

  constructor(
    algorithm: string,
    memory: SharedArrayBuffer,
    private readonly slotSize: number,
  ) {
    this.waiting = {
      slots: new Map(),
      fail: (err) => {
        this.failure = err;
        for (const d of this.waiting.slots.values()) d.resolve();
        this.waiting.slots.clear();
        this.waiting.digest?.reject(err);
      },
    };
    this.worker = theWorker();
    open.set(this.id, this.waiting);
    this.worker.ref();
    this.worker.postMessage({ op: 'open', id: this.id, algorithm, memory });
  }

  update(slot: number, length: number): void {
    if (this.failure) throw this.failure;
    this.waiting.slots.set(slot, deferred());
    this.worker.postMessage({ op: 'update', id: this.id, slot, offset: slot * this.slotSize, length });
  }

  /** ready resolves when the slot may be written again. */
  async ready(slot: number): Promise<void> {
    await this.waiting.slots.get(slot)?.promise;
    if (this.failure) throw this.failure;
  }

  /** digest ends the session with the hex digest of every byte passed to update. */
  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.digest = { resolve, reject };
      this.worker.postMessage({ op: 'digest', id: this.id });
    });
  }

  /** close abandons the session (after an error); the worker drops its state. */
  close(): void {
    if (!open.delete(this.id)) return;
    this.worker.postMessage({ op: 'close', id: this.id });
    release();
  }
}
