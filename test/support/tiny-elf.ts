// The smallest program an engine test can run in an image that has nothing else: no toolchain is
// needed to make it, and it needs no loader or library.

/** A 156-byte static x86-64 Linux executable that prints "ok" and exits 0 (no toolchain needed). */
export function tinyElf(): Buffer {
  const code = Buffer.from([
    0xb8, 1, 0, 0, 0, 0xbf, 1, 0, 0, 0, 0x48, 0x8d, 0x35, 0x10, 0, 0, 0, 0xba, 3, 0, 0, 0, 0x0f, 0x05, 0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f,
    0x05, 0x6f, 0x6b, 0x0a,
  ]);
  const total = 64 + 56 + code.length;
  const b = Buffer.alloc(total);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(0x3e, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x400000n + 120n, 24);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56);
  b.writeUInt32LE(1, 64);
  b.writeUInt32LE(5, 68);
  b.writeBigUInt64LE(0x400000n, 80);
  b.writeBigUInt64LE(0x400000n, 88);
  b.writeBigUInt64LE(BigInt(total), 96);
  b.writeBigUInt64LE(BigInt(total), 104);
  b.writeBigUInt64LE(0x1000n, 112);
  code.copy(b, 120);
  return b;
}
