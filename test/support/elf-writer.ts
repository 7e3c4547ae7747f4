// makeElf writes a small 64-bit little-endian ELF shared object: the header with the given machine,
// a PT_LOAD over the whole file, a PT_DYNAMIC whose DT_NEEDED entries name `needed`, its string
// table, then `tail` (e.g. a "GLIBC_2.34" version string). Enough for src/build/native.ts to read
// what a real `.node` addon says; generated here so no binary fixture is stored.
export function makeElf(opts: { machine: number; needed: string[]; tail?: string }): Buffer {
  const header = 64;
  const ph = 56;
  const dynOffset = header + 2 * ph;
  const dynEntries = opts.needed.length + 2; // DT_NEEDED…, DT_STRTAB, DT_NULL
  const strOffset = dynOffset + dynEntries * 16;
  const strings: number[] = [];
  let strtab = Buffer.from([0]);
  for (const n of opts.needed) {
    strings.push(strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(n + '\0')]);
  }
  const tail = Buffer.from(opts.tail ? `${opts.tail}\0` : '');
  const total = strOffset + strtab.length + tail.length;
  const b = Buffer.alloc(total);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(opts.machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(header), 32); // e_phoff
  b.writeUInt16LE(header, 52);
  b.writeUInt16LE(ph, 54);
  b.writeUInt16LE(2, 56);
  // PT_LOAD: offset 0 at vaddr 0, the whole file
  b.writeUInt32LE(1, header);
  b.writeBigUInt64LE(0n, header + 8);
  b.writeBigUInt64LE(0n, header + 16);
  b.writeBigUInt64LE(BigInt(total), header + 32);
  // PT_DYNAMIC
  b.writeUInt32LE(2, header + ph);
  b.writeBigUInt64LE(BigInt(dynOffset), header + ph + 8);
  b.writeBigUInt64LE(BigInt(dynOffset), header + ph + 16);
  b.writeBigUInt64LE(BigInt(dynEntries * 16), header + ph + 32);
  let o = dynOffset;
  for (const s of strings) {
    b.writeBigUInt64LE(1n, o);
    b.writeBigUInt64LE(BigInt(s), o + 8);
    o += 16;
  }
  b.writeBigUInt64LE(5n, o);
  b.writeBigUInt64LE(BigInt(strOffset), o + 8);
  strtab.copy(b, strOffset);
  tail.copy(b, strOffset + strtab.length);
  return b;
}
