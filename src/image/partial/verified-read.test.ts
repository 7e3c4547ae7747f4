import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { itWith } from '../../../test/support/tools.js';
import { readVerified } from './verified-read.js';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const tarBytes = Buffer.concat([Buffer.from('pretend tar '), Buffer.alloc(100_000, 7)]);

async function drain(r: ReturnType<typeof readVerified>) {
  const chunks: Buffer[] = [];
  for await (const c of r.tar) chunks.push(c as Buffer);
  return { data: Buffer.concat(chunks), stats: await r.stats };
}

const stream = (b: Buffer, chunk = 4096) => Readable.from((function* () { for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk); })());



describe('readVerified', () => {
  const gz = gzipSync(tarBytes);
  it.each([
    ['none', tarBytes],
    ['gzip', gz],
    ['gzip', Buffer.concat([gzipSync(tarBytes.subarray(0, 50_000)), gzipSync(tarBytes.subarray(50_000))])], // multi-member
  ] as const)('decompresses %s, sniffed from bytes, and measures what passed', async (compression, blob) => {
    const { data, stats } = await drain(readVerified(stream(blob), { what: 'l', digest: sha(blob), size: blob.length, diffId: sha(tarBytes) }));
    expect(data.equals(tarBytes)).toBe(true);
    expect(stats).toEqual({ digest: sha(blob), size: blob.length, diffId: sha(tarBytes), uncompressedSize: tarBytes.length, compression });
  });

  itWith(['zstd'], 'decompresses zstd', async () => {
    const blob = execFileSync('zstd', ['-c', '-q'], { input: tarBytes });
    const { data, stats } = await drain(readVerified(stream(blob), { what: 'l', diffId: sha(tarBytes) }));
    expect(data.equals(tarBytes)).toBe(true);
    expect(stats.compression).toBe('zstd');
  });

  it.each([
    ['a wrong blob digest', { digest: sha(Buffer.from('other')) }, /blob digest is sha256:.*expected/],
    ['a wrong diff_id', { diffId: sha(Buffer.from('other')) }, /config lists diff_id/],
    ['a wrong size', { size: gz.length + 1 }, /truncated/],
  ])('fails on %s', async (_label, expected, message) => {
    await expect(drain(readVerified(stream(gz), { what: 'layer 1', ...expected }))).rejects.toThrow(message);
  });

  it('reports truncated gzip', async () => {
    await expect(drain(readVerified(stream(gz.subarray(0, gz.length - 100)), { what: 'layer 1' }))).rejects.toThrow(/truncated|ends early/);
  });

  it('reports corrupt gzip', async () => {
    const bad = Buffer.from(gz);
    bad.fill(0x55, 12, 100);
    await expect(drain(readVerified(stream(bad), { what: 'layer 1' }))).rejects.toThrow(/layer 1: corrupt gzip data/);
  });
});
