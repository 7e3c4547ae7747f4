// docker loads and runs what whittle's squash writes (engine suite: `npm run test:engine`).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openImage } from '../../src/transports/open.js';
import { squash } from '../../src/rewrite/squash.js';
import { writeImage } from '../../src/transports/write.js';
import { buildImage, file, hardlink, ociLayout, seeded, whiteout, writeDir } from '../support/image-writer.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-squash-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeWith(['docker'], 'docker loads and runs what whittle writes', () => {
  const TAG = `whittle-test/squash-run:${process.pid}`;
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', TAG, `${TAG}-archive`], { stdio: 'ignore' });
  });

  it('a squashed image written to docker-daemon: and to docker-archive: runs and prints what the original prints', async () => {
    // a static x86-64 program that prints "ok": no base image or toolchain needed
    const code = Buffer.from([
      0xb8, 1, 0, 0, 0, 0xbf, 1, 0, 0, 0, 0x48, 0x8d, 0x35, 0x10, 0, 0, 0, 0xba, 3, 0, 0, 0, 0x0f, 0x05, 0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f,
      0x05, 0x6f, 0x6b, 0x0a,
    ]);
    const elf = Buffer.alloc(120 + code.length);
    elf.write('\x7fELF', 0, 'latin1');
    elf[4] = 2; elf[5] = 1; elf[6] = 1;
    elf.writeUInt16LE(2, 16); elf.writeUInt16LE(0x3e, 18); elf.writeUInt32LE(1, 20);
    elf.writeBigUInt64LE(0x400000n + 120n, 24); elf.writeBigUInt64LE(64n, 32);
    elf.writeUInt16LE(64, 52); elf.writeUInt16LE(56, 54); elf.writeUInt16LE(1, 56);
    elf.writeUInt32LE(1, 64); elf.writeUInt32LE(5, 68);
    elf.writeBigUInt64LE(0x400000n, 80); elf.writeBigUInt64LE(0x400000n, 88);
    elf.writeBigUInt64LE(BigInt(elf.length), 96); elf.writeBigUInt64LE(BigInt(elf.length), 104); elf.writeBigUInt64LE(0x1000n, 112);
    code.copy(elf, 120);
    const img = await buildImage([
      [file('hello', elf, 0o755), file('junk', seeded(500_000, 12))],
      [whiteout('junk'), hardlink('hello2', 'hello')],
      [whiteout('hello')],
    ]);
    const config = JSON.parse(img.config.toString()) as { config: Record<string, unknown> };
    config.config = { Entrypoint: ['/hello2'] };
    const patched = { ...img, config: Buffer.from(JSON.stringify(config)) };
    patched.configDigest = `sha256:${createHash('sha256').update(patched.config).digest('hex')}`;
    const src = writeDir(join(tmp, 'runnable'), ociLayout(patched, { refName: 'r' }).files);
    const result = await squash(await openImage(`oci:${src}:r`));
    try {
      await writeImage(result.image, `docker-daemon:${TAG}`);
      await writeImage(result.image, `docker-archive:${join(tmp, 'run.tar')}:${TAG}-archive`);
    } finally {
      await result.dispose();
    }
    expect(execFileSync('docker', ['run', '--rm', TAG], { encoding: 'utf8' })).toBe('ok\n');
    execFileSync('docker', ['load', '-q', '-i', join(tmp, 'run.tar')]);
    expect(execFileSync('docker', ['run', '--rm', `${TAG}-archive`], { encoding: 'utf8' })).toBe('ok\n');
    const history = execFileSync('docker', ['history', '--no-trunc', '--format', '{{.CreatedBy}}', TAG], { encoding: 'utf8' });
    expect(history).toMatch(/whittle squash/);
  });
});

