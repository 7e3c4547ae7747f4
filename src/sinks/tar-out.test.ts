// A merged layer of 8 GiB or more is adopted in place like a smaller one (never copied): its size,
// too large for octal, goes into the one free header block in base-256. The blob is a sparse file,
// so the test writes no gigabytes.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Layer } from '../image/image.js';
import { decodeHeader } from '../internal/tar-header.js';
import { TarIndex } from '../internal/tar-index.js';
import { headOf } from './layout.js';
import type { PreparedImage } from './oci-documents.js';
import { writeArchive } from './tar-out.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-tar-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GIB = 1024 ** 3;
const NAME = `blobs/sha256/${'ab'.repeat(32)}`;

/** sparseBlob is a file with one free block and then size bytes of blob (a marker at its end), holding almost no disk. */
function sparseBlob(file: string, size: number): void {
  writeFileSync(file, '');
  truncateSync(file, 512 + size);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from('END'), 0, 3, 512 + size - 3);
  closeSync(fd);
}

describe.each([
  ['a small blob', 3000],
  ['a blob of exactly 8 GiB', 8 * GIB],
  ['a blob over 8 GiB', 8 * GIB + 600_000_123],
])('writeArchive around %s', (_, size) => {
  it('adopts the file (same inode) and writes a header that states the size', async () => {
    const head = join(tmp, `head-${size}`);
    sparseBlob(head, size);
    const inode = statSync(head).ino;
    const out = join(tmp, `out-${size}.tar`);
    await writeArchive(out, [{ kind: 'file', name: 'index.json', data: Buffer.from('{}') }], { file: head, offset: 512, name: NAME, size });
    expect(statSync(out).ino).toBe(inode); // renamed into place, not copied
    const block = Buffer.alloc(512);
    const fd = openSync(out, 'r');
    readSync(fd, block, 0, 512, 0);
    const tail = Buffer.alloc(3);
    readSync(fd, tail, 0, 3, 512 + size - 3);
    closeSync(fd);
    expect(decodeHeader(block)).toMatchObject({ name: NAME, kind: 'file', size });
    expect(tail.toString()).toBe('END');
    const index = await TarIndex.build(out);
    expect(index.resolve(NAME)?.size).toBe(size);
    expect(index.resolve('index.json')?.size).toBe(2);
  });
});

describe('headOf', () => {
  it('builds an archive around a merged layer whatever its size', async () => {
    const file = join(tmp, 'merged');
    writeFileSync(file, '');
    const layer = { localFile: { path: file, offset: 512 } } as unknown as Layer;
    for (const size of [1000, 8 * GIB - 1, 8 * GIB, 17 * GIB]) {
      const p = { layers: [{ layer, descriptor: { mediaType: 'x', digest: `sha256:${'cd'.repeat(32)}`, size } }] } as unknown as PreparedImage;
      expect(await headOf(p, join(tmp, 'out.tar'), { moveLayerFiles: true }), `size ${size}`).toMatchObject({ file, size });
    }
  });
});
