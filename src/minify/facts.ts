// What minify needs to know of a file's content, read from the image's layers without holding a
// layer in memory: an ELF file's dynamic-linking facts (a small one buffered whole, a large one
// spooled to disk and read by offset, one file at a time), the module paths a binary names, the
// text of a small file (scripts, nsswitch.conf, ld.so.conf), the parsed ld.so.cache. One pass over
// each layer holding a wanted file's final version.
import type { LayerModuleSpool } from './module-spool.js';
import { readUntil } from './read-until.js';
import type { FinalTree } from '../analyze/resolve.js';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCause, WhittleError, wrap } from '../errors.js';
import { parseLdCache, type LdCacheEntry } from '../elf/ld-cache.js';
import { inspectElf, inspectElfSource, isElf, type ElfInfo, type ElfSource } from '../elf/parse.js';
import type { Image } from '../image/image.js';
import { TarParser } from '../internal/tar-parser.js';
import { toEntry } from '../layers/scan.js';

/** MAX_ELF bounds the size of one ELF file whittle reads the facts of. */
const MAX_ELF = 512 << 20;
/** IN_MEMORY: an ELF file up to this size is read from one buffer; a larger one (libpython 7 MB, libnode 47 MB) is spooled to disk and read by offset (writes to the page cache cost less than a buffer of several MiB per layer read at once). */
const IN_MEMORY = 1 << 20;
/** MAX_TEXT is how much of a file that is not ELF is kept as text. */
const MAX_TEXT = 1 << 20;

export interface FileFacts {
  elf?: { info: ElfInfo } | { malformed: string };
  /** for ELF files: module paths written in the binary that it loads at start-up (Debian's libnode and /usr/share/nodejs). */
  embedded?: string[];
  /** the file as text (its first MAX_TEXT bytes), when it is not ELF. */
  text?: string;
  /** for /etc/ld.so.cache: its entries, null when it is not a cache whittle reads. */
  cache?: LdCacheEntry[] | null;
}

/** sourceOf is where a path's content lives: the layer of its final version, and the entry there (a hard link's target). */
export function sourceOf(tree: FinalTree, path: string): { layer: number; path: string } | null {
  const r = tree.get(path);
  if (!r) return null;
  if (r.type === 'file') return { layer: r.layer, path };
  if (r.type === 'hardlink' && r.linkTarget !== undefined) return { layer: r.layer, path: r.linkTarget };
  return null;
}

/** EMBEDDED_ROOTS are directories whose files a binary names by absolute path to load them itself. */
const EMBEDDED_ROOTS = ['/usr/share/nodejs/'].map((r) => Buffer.from(r, 'latin1'));
/** EMBEDDED_MAX bounds the length of one embedded path. */
const EMBEDDED_MAX = 512;
const PATH_BYTE = /[A-Za-z0-9/_.@+-]/;

/**
 * EmbeddedScanner finds absolute paths under EMBEDDED_ROOTS written in a binary as it streams past,
 * holding the tail of the chunk before (a path cut by a chunk boundary is found whole in the next
 * window, the tail and the chunk; a large chunk is not copied into it).
 */
export class EmbeddedScanner {
  private readonly found = new Set<string>();
  private tail: Buffer = Buffer.alloc(0);
  private static readonly KEEP = EMBEDDED_MAX + Math.max(...EMBEDDED_ROOTS.map((r) => r.length));

  push(chunk: Buffer): void {
    const keep = EmbeddedScanner.KEEP;
    if (this.tail.length === 0 || chunk.length <= keep) {
      this.scan(this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk, false);
      return;
    }
    // the window is the tail and the chunk, without copying the chunk: a path starting in the tail
    // ends within the chunk's first `keep` bytes, so the tail and those are scanned for the
    // occurrences starting in the tail, then the chunk for the rest, from where the scan of the
    // window as one buffer would go on
    const head = Buffer.concat([this.tail, chunk.subarray(0, keep)]);
    const split = this.tail.length;
    for (const root of EMBEDDED_ROOTS) {
      let from = 0;
      for (let at = head.indexOf(root); at >= 0 && at < split; at = head.indexOf(root, at + root.length)) {
        this.take(head, at, root, false);
        from = at + root.length - split;
      }
      for (let at = chunk.indexOf(root, Math.max(0, from)); at >= 0; at = chunk.indexOf(root, at + root.length)) if (!this.take(chunk, at, root, false)) break;
    }
    this.tail = Buffer.from(chunk.subarray(chunk.length - keep));
  }

  /** finish scans what is left and returns the paths found (without the leading slash), sorted. */
  finish(): string[] {
    this.scan(this.tail, true);
    this.tail = Buffer.alloc(0);
    return [...this.found].sort();
  }

  private scan(window: Buffer, last: boolean): void {
    for (const root of EMBEDDED_ROOTS) {
      for (let at = window.indexOf(root); at >= 0; at = window.indexOf(root, at + root.length)) if (!this.take(window, at, root, last)) break;
    }
    if (!last) this.tail = Buffer.from(window.subarray(Math.max(0, window.length - EmbeddedScanner.KEEP)));
  }

  /** take reads the path starting at `at` in a window; false when the window's end cuts it (it is found whole in the next). */
  private take(window: Buffer, at: number, root: Buffer, last: boolean): boolean {
    let end = at + root.length;
    while (end < window.length && end - at < EMBEDDED_MAX && PATH_BYTE.test(String.fromCharCode(window[end]!))) end++;
    if (end === window.length && !last && end - at < EMBEDDED_MAX) return false;
    const path = window.toString('latin1', at, end);
    if (/\.(c|m)?js$/.test(path)) this.found.add(path.slice(1));
    return true;
  }
}

/** embeddedPaths finds the paths EmbeddedScanner finds in a buffer holding a whole file. */
export function embeddedPaths(data: Buffer): string[] {
  const s = new EmbeddedScanner();
  s.push(data);
  return s.finish();
}

/** spoolError marks a failure of the disk spool (not of the tar): it is reported, not taken for a broken layer. */
class SpoolError extends WhittleError {}

/**
 * ElfSpool holds the bytes of one large ELF file in an unlinked temporary file (nothing is left
 * behind if the run is interrupted) and reads them back by offset.
 */
class ElfSpool {
  private fd: number;
  private written = 0;
  constructor(dir: string) {
    const path = join(dir, `whittle-elf-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      this.fd = openSync(path, 'wx+', 0o600);
    } catch (err) {
      throw new SpoolError('io', `spooling a program's contents to ${dir}: ${describeCause(err)}`, { cause: err });
    }
    try {
      unlinkSync(path);
    } catch (err) {
      closeSync(this.fd);
      throw new SpoolError('io', `spooling a program's contents to ${dir}: ${describeCause(err)}`, { cause: err });
    }
  }

  write(chunk: Buffer): void {
    try {
      for (let off = 0; off < chunk.length; ) off += writeSync(this.fd, chunk, off, chunk.length - off, this.written + off);
    } catch (err) {
      throw new SpoolError('io', `spooling a program's contents: ${describeCause(err)}`, { cause: err });
    }
    this.written += chunk.length;
  }

  source(): ElfSource {
    return {
      size: this.written,
      read: (offset, length) => {
        const n = Math.max(0, Math.min(length, this.written - offset));
        const buf = Buffer.allocUnsafe(n);
        let got = 0;
        while (got < n) {
          const r = readSync(this.fd, buf, got, n - got, offset + got);
          if (r === 0) break;
          got += r;
        }
        return buf.subarray(0, got);
      },
    };
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

/** contentFacts are the facts of a file whose content is held whole (a module read back from the spool of module-spool.ts). */
export function contentFacts(path: string, data: Buffer): FileFacts {
  if (isElf(data)) {
    const embedded = embeddedPaths(data);
    return { elf: inspectElf(data)!, ...(embedded.length > 0 ? { embedded } : {}) };
  }
  if (path === 'etc/ld.so.cache') return { cache: parseLdCache(data) };
  return { text: data.toString('utf8', 0, Math.min(data.length, MAX_TEXT)) };
}

/** FactsCollector parses a layer's tar as it streams past and keeps the facts of the files `wants` accepts (by their path in that layer; 'elf': only if it is an ELF file read from memory, not spooled). */
export interface FactsCollector {
  write(chunk: Buffer): void;
  end(): void;
  /** releases a spool left open by a read that stopped inside a file (a layer that failed). */
  close(): void;
  /** path in the layer → facts. */
  readonly facts: Map<string, FileFacts>;
}

/**
 * factsCollector: a wanted file's bytes go into one buffer of its size (from the tar header) when it
 * is text (up to MAX_TEXT) or an ELF file up to IN_MEMORY; a larger ELF file goes to a spool on disk
 * in `spoolDir`, whose header, program headers and dynamic segment are then read by offset. The
 * paths an ELF file names under EMBEDDED_ROOTS are found as it streams past. At most one file's
 * bytes are held at a time.
 */
export function factsCollector(wants: (path: string) => boolean | 'elf', spoolDir: string = tmpdir()): FactsCollector {
  const facts = new Map<string, FileFacts>();
  let current: string | null = null;
  let elfOnly = false;
  /** the bytes of the file being read: a view of `scratch`, one buffer reused for every file (hundreds of libraries of every size would otherwise each leave a buffer of their size to the allocator). */
  let buf: Buffer | null = null;
  let scratch: Buffer = Buffer.alloc(0);
  const room = (n: number): Buffer => {
    if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.min(Math.max(n, 2 * scratch.length), Math.max(n, IN_MEMORY)));
    return scratch.subarray(0, n);
  };
  let spool: ElfSpool | null = null;
  let embedded: EmbeddedScanner | null = null;
  let size = 0;
  let bytes = 0;
  let cut: string | null = null;
  let failed: unknown = null;
  const reset = () => {
    spool?.close();
    spool = null;
    buf = null;
    embedded = null;
    bytes = 0;
    cut = null;
  };
  const finish = (path: string): FileFacts => {
    if (cut !== null) return { elf: { malformed: cut } };
    if (embedded === null) {
      const data = buf ? buf.subarray(0, bytes) : Buffer.alloc(0);
      if (isElf(data)) return { elf: inspectElf(data)! }; // fewer bytes than its first chunk's test needs: a tiny "ELF" file
      if (path === 'etc/ld.so.cache') return { cache: parseLdCache(data) };
      return { text: data.toString('utf8') };
    }
    const found = embedded.finish();
    const elf = spool ? inspectElfSource(spool.source())! : inspectElf(buf!.subarray(0, bytes))!;
    return { elf, ...(found.length > 0 ? { embedded: found } : {}) };
  };
  const parser = new TarParser({
    entry: (h) => {
      reset();
      const e = toEntry(h);
      const want = e && e.type === 'file' && !e.whiteout ? wants(e.path) : false;
      current = want !== false ? e!.path : null;
      elfOnly = want === 'elf';
      size = e?.size ?? 0;
    },
    data: (bytesIn) => {
      if (current === null || cut !== null) return;
      const c = Buffer.from(bytesIn.buffer, bytesIn.byteOffset, bytesIn.byteLength);
      if (bytes === 0 && buf === null && spool === null) {
        if (elfOnly && (!isElf(c) || size > IN_MEMORY)) {
          current = null;
          return;
        }
        if (isElf(c)) {
          embedded = new EmbeddedScanner();
          if (size > MAX_ELF) {
            cut = `larger than the ${MAX_ELF >> 20} MiB whittle reads of one program`;
            return;
          }
          if (size > IN_MEMORY) spool = new ElfSpool(spoolDir);
          else buf = room(Math.max(size, c.length));
        } else buf = room(Math.min(Math.max(size, c.length), MAX_TEXT));
      }
      embedded?.push(c);
      if (spool) {
        spool.write(c);
        bytes += c.length;
        return;
      }
      const take = Math.min(c.length, buf!.length - bytes);
      if (take > 0) {
        buf!.set(c.subarray(0, take), bytes);
        bytes += take;
      }
    },
    entryEnd: () => {
      if (current !== null) facts.set(current, finish(current));
      current = null;
      reset();
    },
  });
  return {
    facts,
    // the layer's own reader reports a broken tar; the collector stops at the first problem. A
    // failure of the spool on disk is the run's error.
    write: (chunk) => {
      if (failed !== null || parser.done) return;
      try {
        parser.write(chunk);
      } catch (err) {
        reset();
        if (err instanceof SpoolError) throw err;
        failed = err;
      }
    },
    end: () => {
      if (failed === null && !parser.done) {
        try {
          parser.end();
        } catch {
          /* reported by the layer's own reader */
        }
      }
      reset();
    },
    close: () => {
      reset();
      scratch = Buffer.alloc(0);
    },
  };
}

/**
 * spooledFacts are the facts of a path whose content the scan spooled (module-spool.ts), read back
 * by offset; undefined when it was not spooled. A module's text is not held: it is read from the
 * spool again each time it is asked for (the tracers keep what they derive from it, once per
 * file), so the megabytes of sources a trace reads do not live as long as the run.
 */
export function spooledFacts(tree: FinalTree, path: string, modules: readonly (LayerModuleSpool | undefined)[]): FileFacts | undefined {
  const src = sourceOf(tree, path);
  const spool = src ? modules[src.layer] : undefined;
  const data = src && spool ? spool.read(src.path) : null;
  if (!data || !src || !spool) return undefined;
  if (isElf(data) || src.path === 'etc/ld.so.cache') return contentFacts(src.path, data);
  return {
    get text() {
      return contentFacts(src.path, spool.read(src.path) ?? Buffer.alloc(0)).text;
    },
  };
}

/**
 * repeatedPaths lists, per layer, the paths its tar holds more than once (the last one counts): a
 * read that stops once it has every wanted path must not stop at an earlier copy of one of these.
 */
export function repeatedPaths(entries: readonly (readonly { path: string }[])[]): Set<string>[] {
  return entries.map((list) => {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const e of list) (seen.has(e.path) ? twice : seen).add(e.path);
    return twice;
  });
}

/**
 * readFacts reads the facts of the given paths (files or hard links of the final tree); paths that
 * are neither are left out. A layer is read until it has given every wanted path (unless one of
 * them is in `repeated` for that layer): the scan already read and verified each layer whole, so
 * the rest need not be read again.
 */
export async function readFacts(
  image: Image,
  tree: FinalTree,
  paths: Iterable<string>,
  onBytes: (n: number) => void = () => undefined,
  repeated: readonly ReadonlySet<string>[] = [],
  spoolDir?: string,
  modules: readonly (LayerModuleSpool | undefined)[] = [],
): Promise<Map<string, FileFacts>> {
  const byLayer = new Map<number, Map<string, string[]>>();
  const out = new Map<string, FileFacts>();
  for (const path of paths) {
    const src = sourceOf(tree, path);
    if (!src) continue;
    const spooled = spooledFacts(tree, path, modules);
    if (spooled) {
      out.set(path, spooled);
      continue;
    }
    let wanted = byLayer.get(src.layer);
    if (!wanted) byLayer.set(src.layer, (wanted = new Map()));
    wanted.set(src.path, [...(wanted.get(src.path) ?? []), path]);
  }
  const layers = await image.layers();
  for (const [index, wanted] of [...byLayer].sort((a, b) => a[0] - b[0])) {
    const collector = factsCollector((p) => wanted.has(p), spoolDir);
    const stopEarly = ![...wanted.keys()].some((p) => repeated[index]?.has(p));
    try {
      await readUntil(layers[index]!, index, onBytes, {
        feed: (chunk) => collector.write(chunk),
        done: () => stopEarly && collector.facts.size >= wanted.size && [...wanted.keys()].every((p) => collector.facts.has(p)),
        end: () => collector.end(),
      });
    } finally {
      collector.close();
    }
    for (const [source, dests] of wanted) {
      const f = collector.facts.get(source);
      if (!f) throw new WhittleError('bad-archive', `layer ${index + 1} does not hold /${source}, the content of /${dests[0]}`);
      for (const d of dests) out.set(d, f);
    }
  }
  return out;
}
