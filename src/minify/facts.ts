// What minify needs to know of a file's content, read from the image's layers without holding a
// layer in memory: an ELF file's dynamic-linking facts (the file is buffered whole, one at a time,
// up to MAX_ELF), the text of a small file (scripts, nsswitch.conf, ld.so.conf), the parsed
// ld.so.cache. One pass over each layer holding a wanted file's final version.
import { readUntil } from './read-until.js';
import type { FinalTree } from '../analyze/resolve.js';
import { WhittleError, wrap } from '../errors.js';
import { parseLdCache, type LdCacheEntry } from '../elf/ld-cache.js';
import { inspectElf, isElf, type ElfInfo } from '../elf/parse.js';
import type { Image } from '../image/image.js';
import { TarParser } from '../internal/tar-parser.js';
import { toEntry } from '../layers/scan.js';

/** MAX_ELF bounds the bytes buffered to read one ELF file (the dynamic section can sit anywhere). */
const MAX_ELF = 512 << 20;
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
const EMBEDDED_ROOTS = ['/usr/share/nodejs/'];

/** embeddedPaths finds absolute paths under EMBEDDED_ROOTS written in a binary (NUL- or separator-terminated). */
function embeddedPaths(data: Buffer): string[] {
  const out = new Set<string>();
  for (const root of EMBEDDED_ROOTS) {
    for (let at = data.indexOf(root); at >= 0; at = data.indexOf(root, at + root.length)) {
      let end = at + root.length;
      while (end < data.length && end - at < 512 && /[A-Za-z0-9/_.@+-]/.test(String.fromCharCode(data[end]!))) end++;
      const path = data.toString('latin1', at, end);
      if (/\.(c|m)?js$/.test(path)) out.add(path.slice(1));
    }
  }
  return [...out].sort();
}

function factsOf(path: string, data: Buffer, cut: boolean): FileFacts {
  if (isElf(data)) {
    if (cut) return { elf: { malformed: `larger than the ${MAX_ELF >> 20} MiB whittle reads of one program` } };
    const embedded = embeddedPaths(data);
    return { elf: inspectElf(data)!, ...(embedded.length > 0 ? { embedded } : {}) };
  }
  if (path === 'etc/ld.so.cache') return { cache: parseLdCache(data) };
  return { text: data.toString('utf8') };
}

/** FactsCollector parses a layer's tar as it streams past and keeps the facts of the files `wants` accepts (by their path in that layer). */
export interface FactsCollector {
  write(chunk: Buffer): void;
  end(): void;
  /** path in the layer → facts. */
  readonly facts: Map<string, FileFacts>;
}

export function factsCollector(wants: (path: string) => boolean): FactsCollector {
  const facts = new Map<string, FileFacts>();
  let current: string | null = null;
  // the file's bytes go straight into one buffer of its size (from the tar header): a large library
  // is held once, not once in chunks and again concatenated
  let buf: Buffer | null = null;
  let size = 0;
  let bytes = 0;
  let limit = MAX_TEXT;
  let cut = false;
  let failed: unknown = null;
  const parser = new TarParser({
    entry: (h) => {
      const e = toEntry(h);
      current = e && e.type === 'file' && !e.whiteout && wants(e.path) ? e.path : null;
      size = e?.size ?? 0;
      buf = null;
      bytes = 0;
      cut = false;
      limit = MAX_TEXT;
    },
    data: (c) => {
      if (current === null || cut) return;
      if (bytes === 0) {
        if (isElf(c)) limit = MAX_ELF;
        buf = Buffer.allocUnsafe(Math.min(Math.max(size, c.length), limit));
      }
      const room = buf!.length - bytes;
      const take = Math.min(c.length, room);
      if (take < c.length) cut = true;
      if (take > 0) {
        buf!.set(c.subarray(0, take), bytes);
        bytes += take;
      }
    },
    entryEnd: () => {
      if (current !== null) facts.set(current, factsOf(current, buf ? buf.subarray(0, bytes) : Buffer.alloc(0), cut));
      current = null;
      buf = null;
    },
  });
  return {
    facts,
    // the layer's own reader reports a broken tar; the collector stops at the first problem
    write: (chunk) => {
      if (failed !== null || parser.done) return;
      try {
        parser.write(chunk);
      } catch (err) {
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
): Promise<Map<string, FileFacts>> {
  const byLayer = new Map<number, Map<string, string[]>>();
  for (const path of paths) {
    const src = sourceOf(tree, path);
    if (!src) continue;
    let wanted = byLayer.get(src.layer);
    if (!wanted) byLayer.set(src.layer, (wanted = new Map()));
    wanted.set(src.path, [...(wanted.get(src.path) ?? []), path]);
  }
  const layers = await image.layers();
  const out = new Map<string, FileFacts>();
  for (const [index, wanted] of [...byLayer].sort((a, b) => a[0] - b[0])) {
    const collector = factsCollector((p) => wanted.has(p));
    const stopEarly = ![...wanted.keys()].some((p) => repeated[index]?.has(p));
    await readUntil(layers[index]!, index, onBytes, {
      feed: (chunk) => collector.write(chunk),
      done: () => stopEarly && collector.facts.size >= wanted.size && [...wanted.keys()].every((p) => collector.facts.has(p)),
      end: () => collector.end(),
    });
    for (const [source, dests] of wanted) {
      const f = collector.facts.get(source);
      if (!f) throw new WhittleError('bad-archive', `layer ${index + 1} does not hold /${source}, the content of /${dests[0]}`);
      for (const d of dests) out.set(d, f);
    }
  }
  return out;
}
