// The dynamic-linking facts of an ELF file: its class and machine, its interpreter (the dynamic
// loader), the libraries it needs (DT_NEEDED) and where it asks to find them (DT_RUNPATH /
// DT_RPATH). Written by hand: the npm ELF parsers are unmaintained or parse far more than this
// (sections, symbols) from a whole file; strip and minify need these facts from program headers
// and the dynamic segment, for 32/64-bit and either byte order, reading only those pieces of one file
// (from a buffer holding it, or by offset from a file on disk: ElfSource).

export interface ElfInfo {
  /** 32 or 64 (EI_CLASS). */
  bits: 32 | 64;
  /** e_machine (62 x86-64, 183 AArch64, 3 i386, …): the loader only maps libraries of its own machine. */
  machine: number;
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2 (absent for static executables and most libraries). */
  interpreter?: string;
  needed: string[];
  /** DT_RUNPATH, else DT_RPATH, split on ':' ($ORIGIN not expanded). */
  searchPath: string[];
  /** true when searchPath is DT_RUNPATH (searched after LD_LIBRARY_PATH, for this object only). */
  runpath?: boolean;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/** isElf says whether the bytes start with the ELF magic. */
export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/**
 * ElfSource gives the bytes of one file by offset: a buffer holding it whole, or a file on disk read
 * piece by piece (a large library is spooled, not held, while its facts are read).
 */
export interface ElfSource {
  size: number;
  /** up to `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Buffer;
}

/** bufferSource reads from a buffer holding the whole file. */
export function bufferSource(data: Uint8Array): ElfSource {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { size: buf.length, read: (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)) };
}

/** MAX_STRING bounds the bytes read for one dynamic string (a library name, a run path). */
const MAX_STRING = 64 << 10;

function cString(src: ElfSource, offset: number): string | undefined {
  if (offset < 0 || offset >= src.size) return undefined;
  const pieces: Buffer[] = [];
  for (let at = offset, step = 256; at < src.size && at - offset < MAX_STRING; at += step, step = Math.min(step * 4, MAX_STRING)) {
    const piece = src.read(at, step);
    const end = piece.indexOf(0);
    pieces.push(end >= 0 ? piece.subarray(0, end) : piece);
    if (end >= 0) break;
  }
  return Buffer.concat(pieces).toString('utf8');
}

/** parseElf reads an ELF file's dynamic-linking facts; null when it is not ELF or is malformed. */
export function parseElf(data: Uint8Array): ElfInfo | null {
  const r = inspectElf(data);
  return r && 'info' in r ? r.info : null;
}

/** inspectElf reads an ELF file's dynamic-linking facts, or says why a file with the ELF magic cannot be read; null when it is not ELF. */
export function inspectElf(data: Uint8Array): { info: ElfInfo } | { malformed: string } | null {
  return inspectElfSource(bufferSource(data));
}

/** inspectElfSource is inspectElf reading only the pieces it needs: the header, the program headers, PT_INTERP, the dynamic segment and its strings. */
export function inspectElfSource(src: ElfSource): { info: ElfInfo } | { malformed: string } | null {
  const size = src.size;
  const head = src.read(0, 64);
  if (!isElf(head)) return null;
  if (size < 52) return { malformed: `ELF file truncated (${size} bytes, shorter than its header)` };
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  if (head[4] !== 1 && head[4] !== 2) return { malformed: `ELF class ${head[4]} is neither 32- nor 64-bit` };
  if (is64 && size < 64) return { malformed: `ELF file truncated (${size} bytes, shorter than its header)` };
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const word = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
  const wordSize = is64 ? 8 : 4;
  try {
    const machine = u16(head, 18);
    const phoff = word(head, is64 ? 32 : 28);
    const phentsize = u16(head, is64 ? 54 : 42);
    const phnum = u16(head, is64 ? 56 : 44);
    if (phoff <= 0 || phnum === 0) return { info: { bits: is64 ? 64 : 32, machine, needed: [], searchPath: [] } }; // an object file: nothing to load
    if (phentsize < (is64 ? 56 : 32)) return { malformed: `ELF program header size ${phentsize} is too small` };
    if (phoff + phnum * phentsize > size) return { malformed: `ELF file truncated (${size} bytes; its program headers end at ${phoff + phnum * phentsize})` };
    const ph = src.read(phoff, phnum * phentsize);
    const loads: { vaddr: number; offset: number; filesz: number }[] = [];
    let dynamic: { offset: number; size: number } | null = null;
    const info: ElfInfo = { bits: is64 ? 64 : 32, machine, needed: [], searchPath: [] };
    for (let i = 0; i < phnum; i++) {
      const p = i * phentsize;
      const type = u32(ph, p);
      const offset = is64 ? word(ph, p + 8) : u32(ph, p + 4);
      const vaddr = is64 ? word(ph, p + 16) : u32(ph, p + 8);
      const filesz = is64 ? word(ph, p + 32) : u32(ph, p + 16);
      if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
      else if (type === PT_DYNAMIC) dynamic = { offset, size: filesz };
      else if (type === PT_INTERP) {
        if (offset + filesz > size) return { malformed: `ELF file truncated (${size} bytes; PT_INTERP ends at ${offset + filesz})` };
        const interp = cString(src, offset);
        if (interp) info.interpreter = interp;
      }
    }
    if (!dynamic) return { info };
    if (dynamic.offset + dynamic.size > size) return { malformed: `ELF file truncated (${size} bytes; PT_DYNAMIC ends at ${dynamic.offset + dynamic.size})` };
    const dyn = src.read(dynamic.offset, dynamic.size);
    const entries: [number, number][] = [];
    const step = wordSize * 2;
    for (let o = 0; o + step <= dyn.length; o += step) {
      const tag = word(dyn, o);
      if (tag === DT_NULL) break;
      entries.push([tag, word(dyn, o + wordSize)]);
    }
    const strtabAddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
    if (strtabAddr === undefined) return { info };
    const seg = loads.find((l) => strtabAddr >= l.vaddr && strtabAddr < l.vaddr + l.filesz);
    const strtab = seg ? strtabAddr - seg.vaddr + seg.offset : strtabAddr;
    let runpath: string | undefined;
    let rpath: string | undefined;
    for (const [tag, value] of entries) {
      if (tag !== DT_NEEDED && tag !== DT_RUNPATH && tag !== DT_RPATH) continue;
      if (strtab + value >= size) return { malformed: `ELF file truncated (${size} bytes; its dynamic strings lie past the end)` };
      const s = cString(src, strtab + value);
      if (s === undefined) continue;
      if (tag === DT_NEEDED) info.needed.push(s);
      else if (tag === DT_RUNPATH) runpath = s;
      else rpath = s;
    }
    const path = runpath ?? rpath;
    if (runpath !== undefined) info.runpath = true;
    if (path) info.searchPath = path.split(':').filter((p) => p !== '');
    return { info };
  } catch {
    return { malformed: 'ELF file truncated (an offset points past its end)' }; // offsets past the end: not a file we can read
  }
}
