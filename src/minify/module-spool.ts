// The modules of an image (its JavaScript, JSON and Python sources up to 1 MiB: the app's, those of
// node_modules, Debian's /usr/share/nodejs, the Python standard library and site-packages, with the
// .pth files and distribution metadata the Python tracer reads), copied to disk while the scan reads
// each layer, so the closure reads each one back by offset the moment it reaches it (closure.ts
// `read`) instead of waiting for a pass over a large layer from its start for each level of the
// module graph (the plain-way express image needed ten passes over its 1.2 GB layer, the Flask app
// six rounds of the closure). One unlinked temporary file per layer: nothing is held in memory and
// nothing is left behind by an interrupted run.
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describeCause, WhittleError } from '../errors.js';
import { TarParser } from '../internal/tar-parser.js';
import { toEntry } from '../layers/scan.js';

/**
 * MODULE matches the files spooled, wherever they are: JavaScript and JSON (the app's own source,
 * node_modules, Debian's /usr/share/nodejs), Python sources and .pth files, the entry points, top-level
 * names and RECORD of a distribution's metadata, a virtual environment's pyvenv.cfg.
 */
const MODULE = /\.(?:js|cjs|mjs|json|py|pth)$|\.(?:dist|egg)-info\/(?:entry_points\.txt|top_level\.txt|RECORD)$|(?:^|\/)pyvenv\.cfg$/;
/** MAX_MODULE: a larger file is left to the layer reads (the facts keep at most 1 MiB of text anyway). */
const MAX_MODULE = 1 << 20;

type Span = { offset: number; size: number };

/** LayerModuleSpool copies one layer's module files to a temporary file as its tar streams past. */
export class LayerModuleSpool {
  private readonly fd: number;
  private offset = 0;
  private readonly spans = new Map<string, Span>();
  private current: Span | null = null;
  private currentPath = '';
  private failed = false;
  private closed = false;
  private scratch: Buffer = Buffer.alloc(0);
  private readonly parser: TarParser;

  constructor(dir: string) {
    const path = join(dir, `whittle-modules-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      this.fd = openSync(path, 'wx+', 0o600);
      unlinkSync(path);
    } catch (err) {
      throw new WhittleError('io', `spooling the image's modules to ${dir}: ${describeCause(err)}`, { cause: err });
    }
    this.parser = new TarParser({
      entry: (h) => {
        const e = toEntry(h);
        this.current = e && e.type === 'file' && !e.whiteout && e.size <= MAX_MODULE && MODULE.test(e.path) ? { offset: this.offset, size: 0 } : null;
        this.currentPath = e?.path ?? '';
      },
      data: (c) => {
        if (!this.current) return;
        try {
          for (let off = 0; off < c.length; ) off += writeSync(this.fd, c, off, c.length - off, this.offset + off);
        } catch (err) {
          throw new WhittleError('io', `spooling the image's modules: ${describeCause(err)}`, { cause: err });
        }
        this.offset += c.length;
        this.current.size += c.length;
      },
      // a path held twice in the tar: the last copy counts
      entryEnd: () => {
        if (this.current) this.spans.set(this.currentPath, this.current);
        this.current = null;
      },
    });
  }

  /** write takes the next bytes of the layer's tar; a broken tar stops the spool (the scan reports it), a disk failure is thrown. */
  write(chunk: Buffer): void {
    if (this.failed || this.parser.done) return;
    try {
      this.parser.write(chunk);
    } catch (err) {
      if (err instanceof WhittleError && err.code === 'io') throw err;
      this.failed = true;
    }
  }

  /**
   * the content of a spooled path of this layer, null when it was not spooled: a view of one buffer
   * reused from read to read (valid until the next read; the facts are taken from it at once), so
   * the thousands of modules a trace reads leave no buffer of their size each behind.
   */
  read(path: string): Buffer | null {
    const span = this.spans.get(path);
    if (!span || this.failed || this.closed) return null;
    if (this.scratch.length < span.size) this.scratch = Buffer.allocUnsafe(Math.min(MAX_MODULE, Math.max(span.size, 2 * this.scratch.length)));
    const buf = this.scratch.subarray(0, span.size);
    let got = 0;
    while (got < span.size) {
      const n = readSync(this.fd, buf, got, span.size - got, span.offset + got);
      if (n === 0) return null;
      got += n;
    }
    return buf;
  }

  /** close releases the file and what the spool knows of it (once: a number closed twice may be another file's by then); later reads answer null. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.spans.clear();
    this.scratch = Buffer.alloc(0);
    try {
      closeSync(this.fd);
    } catch {
      /* nothing to release */
    }
  }
}
