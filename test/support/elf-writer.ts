// Tiny synthetic ELF files for tests: an ELF header, one PT_LOAD covering the file, PT_INTERP when
// an interpreter is given, and PT_DYNAMIC with DT_NEEDED / DT_RUNPATH / DT_RPATH / DT_STRTAB
// entries, so the closure code can be tested on generated images without real binaries.

export interface ElfSpec {
  interpreter?: string;
  needed?: string[];
  runpath?: string;
  rpath?: string;
  bits?: 32 | 64;
  /** e_machine; default 62 (x86-64). */
  machine?: number;
  /** no PT_DYNAMIC at all (a static program). */
  static?: boolean;
}

const BASE = 0x400000;

/** elfFile builds the bytes of an ELF executable with the given dynamic-linking facts. */
export function elfFile(spec: ElfSpec = {}): Buffer {
  const is64 = (spec.bits ?? 64) === 64;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phnum = 1 + (spec.interpreter ? 1 : 0) + (spec.static ? 0 : 1);
  const strings: string[] = [''];
  const strOffset = new Map<string, number>();
  let strLen = 1;
  const intern = (s: string) => {
    if (!strOffset.has(s)) {
      strOffset.set(s, strLen);
      strings.push(s);
      strLen += Buffer.byteLength(s) + 1;
    }
    return strOffset.get(s)!;
  };
  const dyn: [number, number][] = [];
  if (!spec.static) {
    for (const n of spec.needed ?? []) dyn.push([1, intern(n)]);
    if (spec.rpath) dyn.push([15, intern(spec.rpath)]);
    if (spec.runpath) dyn.push([29, intern(spec.runpath)]);
  }
  const interpAt = ehsize + phnum * phentsize;
  const interpBytes = spec.interpreter ? Buffer.from(`${spec.interpreter}\0`) : Buffer.alloc(0);
  const strtabAt = interpAt + interpBytes.length;
  const strtab = Buffer.from(strings.map((s) => `${s}\0`).join(''));
  const word = is64 ? 8 : 4;
  const dynAt = (strtabAt + strtab.length + 7) & ~7;
  if (!spec.static) dyn.push([5, BASE + strtabAt]);
  dyn.push([0, 0]);
  const dynBytes = Buffer.alloc(spec.static ? 0 : dyn.length * word * 2);
  if (!spec.static) {
    dyn.forEach(([tag, value], i) => {
      if (is64) {
        dynBytes.writeBigUInt64LE(BigInt(tag), i * 16);
        dynBytes.writeBigUInt64LE(BigInt(value), i * 16 + 8);
      } else {
        dynBytes.writeUInt32LE(tag, i * 8);
        dynBytes.writeUInt32LE(value, i * 8 + 4);
      }
    });
  }
  const total = dynAt + dynBytes.length;
  const out = Buffer.alloc(total);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1, 0]);
  out.writeUInt16LE(2, 16); // ET_EXEC
  out.writeUInt16LE(spec.machine ?? 62, 18);
  out.writeUInt32LE(1, 20);
  if (is64) {
    out.writeBigUInt64LE(BigInt(ehsize), 32); // e_phoff
    out.writeUInt16LE(ehsize, 52);
    out.writeUInt16LE(phentsize, 54);
    out.writeUInt16LE(phnum, 56);
  } else {
    out.writeUInt32LE(ehsize, 28);
    out.writeUInt16LE(ehsize, 40);
    out.writeUInt16LE(phentsize, 42);
    out.writeUInt16LE(phnum, 44);
  }
  let ph = ehsize;
  const program = (type: number, offset: number, size: number) => {
    if (is64) {
      out.writeUInt32LE(type, ph);
      out.writeBigUInt64LE(BigInt(offset), ph + 8);
      out.writeBigUInt64LE(BigInt(BASE + offset), ph + 16);
      out.writeBigUInt64LE(BigInt(BASE + offset), ph + 24);
      out.writeBigUInt64LE(BigInt(size), ph + 32);
      out.writeBigUInt64LE(BigInt(size), ph + 40);
    } else {
      out.writeUInt32LE(type, ph);
      out.writeUInt32LE(offset, ph + 4);
      out.writeUInt32LE(BASE + offset, ph + 8);
      out.writeUInt32LE(BASE + offset, ph + 12);
      out.writeUInt32LE(size, ph + 16);
      out.writeUInt32LE(size, ph + 20);
    }
    ph += phentsize;
  };
  program(1, 0, total);
  if (spec.interpreter) program(3, interpAt, interpBytes.length);
  if (!spec.static) program(2, dynAt, dynBytes.length);
  interpBytes.copy(out, interpAt);
  strtab.copy(out, strtabAt);
  dynBytes.copy(out, dynAt);
  return out;
}

/**
 * makeElf is an addon-like shared library for src/build/native.ts: elfFile's facts for `machine`
 * and `needed`, followed by `tail` (symbol version strings such as "GLIBC_2.34", NUL-separated).
 */
export function makeElf(opts: { machine: number; needed: string[]; tail?: string }): Buffer {
  const elf = elfFile({ machine: opts.machine, needed: opts.needed });
  return opts.tail ? Buffer.concat([elf, Buffer.from(`${opts.tail}\0`)]) : elf;
}
