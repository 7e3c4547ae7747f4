// The glibc dynamic loader's cache, /etc/ld.so.cache, as ldconfig writes it: the "new" format
// (magic "glibc-ld.so.cache", version "1.1"), alone (glibc ≥ 2.32 writes only it) or after an
// old-format "ld.so-1.7.0" table (the compat layout). Written by hand: no npm package reads it, and
// the format is small and fixed (glibc's sysdeps/generic/dl-cache.h): a 48-byte header (magic 17,
// version 3, nlibs at 20, len_strings at 24, a byte-order flag at 28, padding, extension_offset, 3 unused words),
// then nlibs 24-byte entries (flags int32, key and value string offsets, osversion, hwcap uint64),
// offsets counted from the start of that header. whittle reads it instead of running ldconfig or
// ldd, which would run code from the image (and are absent from distroless images).

export interface LdCacheEntry {
  /** the soname asked for, e.g. libc.so.6. */
  name: string;
  /** the absolute path ldconfig found it at. */
  path: string;
  /** FLAG_ELF_LIBC6 (3) in the low byte, the ABI (0x0300 x86-64, 0x0a00 AArch64, …) in the next. */
  flags: number;
}

const OLD_MAGIC = 'ld.so-1.7.0';
const NEW_MAGIC = 'glibc-ld.so.cache1.1';
const NEW_HEADER = 48;
const NEW_ENTRY = 24;
const OLD_HEADER = 16; // 11 bytes of magic, padded to 12, then nlibs
const OLD_ENTRY = 12;

const FLAG_TYPE_MASK = 0x00ff;
const FLAG_ELF_LIBC6 = 0x0003;
const FLAG_REQUIRED_MASK = 0xff00;

/** ABI_FLAGS maps (bits, e_machine) to the ABI bits ldconfig records for its libraries. */
const ABI_FLAGS: Record<string, number> = {
  '64:62': 0x0300, // x86-64
  '32:62': 0x0800, // x32
  '64:183': 0x0a00, // AArch64
  '64:21': 0x0500, // powerpc64
  '64:22': 0x0400, // s390x
  '64:2': 0x0100, // sparc64
  '64:43': 0x0100,
  '64:243': 0x1000, // riscv64 (lp64d: FLAG_RISCV_FLOAT_ABI_DOUBLE)
  '32:3': 0x0000, // i386
  '32:40': 0x0900, // armhf (armel is 0x0b00: accepted too, see matches)
};

/** parseLdCache reads the entries of an ld.so.cache; null when the bytes are not one it knows. */
export function parseLdCache(data: Uint8Array): LdCacheEntry[] | null {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let start = 0;
  if (buf.toString('latin1', 0, OLD_MAGIC.length) === OLD_MAGIC) {
    if (buf.length < OLD_HEADER) return null;
    const nlibs = buf.readUInt32LE(12);
    start = OLD_HEADER + nlibs * OLD_ENTRY;
    start = (start + 7) & ~7; // ALIGN_CACHE: the new table follows, aligned as its header
    if (buf.toString('latin1', start, start + NEW_MAGIC.length) !== NEW_MAGIC) return null; // old format alone: libc5-era, not read
  }
  if (buf.length < start + NEW_HEADER || buf.toString('latin1', start, start + NEW_MAGIC.length) !== NEW_MAGIC) return null;
  // byte order: 2 little, 3 big (0: written before the flag existed, so the host's: little for every ABI whittle meets)
  const le = buf[start + 28] !== 3;
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const i32 = (o: number) => (le ? buf.readInt32LE(o) : buf.readInt32BE(o));
  const nlibs = u32(start + 20);
  if (start + NEW_HEADER + nlibs * NEW_ENTRY > buf.length) return null;
  const text = (offset: number): string | null => {
    const at = start + offset;
    if (offset <= 0 || at >= buf.length) return null;
    const end = buf.indexOf(0, at);
    return buf.toString('utf8', at, end < 0 ? buf.length : end);
  };
  const out: LdCacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const e = start + NEW_HEADER + i * NEW_ENTRY;
    const name = text(u32(e + 4));
    const path = text(u32(e + 8));
    if (name === null || path === null) return null;
    out.push({ name, path, flags: i32(e) });
  }
  return out;
}

/** cacheMatches says whether the loader of an ELF file of this class and machine takes an entry with these flags. */
export function cacheMatches(flags: number, bits: 32 | 64, machine: number): boolean {
  if ((flags & FLAG_TYPE_MASK) !== FLAG_ELF_LIBC6) return false;
  const want = ABI_FLAGS[`${bits}:${machine}`];
  if (want === undefined) return true; // an ABI whittle has no table for: the loader's own machine check decides
  const abi = flags & FLAG_REQUIRED_MASK;
  return abi === want || (machine === 40 && abi === 0x0b00);
}

/** writeLdCache encodes entries in the new format (tests build images with it; ldconfig's own output reads the same). */
export function writeLdCache(entries: readonly LdCacheEntry[]): Buffer {
  const strings: Buffer[] = [];
  let stringsAt = NEW_HEADER + entries.length * NEW_ENTRY;
  const offsets = new Map<string, number>();
  const intern = (s: string): number => {
    const known = offsets.get(s);
    if (known !== undefined) return known;
    const b = Buffer.from(`${s}\0`);
    offsets.set(s, stringsAt);
    strings.push(b);
    stringsAt += b.length;
    return stringsAt - b.length;
  };
  const table = Buffer.alloc(entries.length * NEW_ENTRY);
  entries.forEach((e, i) => {
    table.writeInt32LE(e.flags, i * NEW_ENTRY);
    table.writeUInt32LE(intern(e.name), i * NEW_ENTRY + 4);
    table.writeUInt32LE(intern(e.path), i * NEW_ENTRY + 8);
  });
  const header = Buffer.alloc(NEW_HEADER);
  header.write(NEW_MAGIC, 0, 'latin1');
  header.writeUInt32LE(entries.length, 20);
  const stringBytes = Buffer.concat(strings);
  header.writeUInt32LE(stringBytes.length, 24);
  header[28] = 2; // little-endian
  return Buffer.concat([header, table, stringBytes]);
}
