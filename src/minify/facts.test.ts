import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elfFile } from '../../test/support/elf-writer.js';
import { file, packTar } from '../../test/support/image-writer.js';
import { isWhittleError } from '../errors.js';
import { inspectElf } from '../elf/parse.js';
import { EmbeddedScanner, embeddedPaths, factsCollector } from './facts.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-facts-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PATHS = '\0/usr/share/nodejs/cjs-module-lexer/dist/lexer.js\0junk/usr/share/nodejs/undici/index-fetch.js\n/usr/share/nodejs/acorn/dist/acorn.mjs\0/usr/share/nodejs/not-a-module.txt\0';

/** collect feeds a tar to a collector in chunks of `step` bytes. */
async function collect(members: Parameters<typeof packTar>[0], step: number, spoolDir?: string) {
  const tar = await packTar(members);
  const c = factsCollector(() => true, spoolDir);
  for (let at = 0; at < tar.length; at += step) c.write(tar.subarray(at, at + step));
  c.end();
  return c.facts;
}

describe('EmbeddedScanner', () => {
  it('finds the same paths whatever the chunk boundaries', () => {
    const data = Buffer.concat([Buffer.alloc(3000, 7), Buffer.from(PATHS, 'latin1'), Buffer.alloc(100, 1)]);
    const whole = embeddedPaths(data);
    expect(whole).toEqual(['usr/share/nodejs/acorn/dist/acorn.mjs', 'usr/share/nodejs/cjs-module-lexer/dist/lexer.js', 'usr/share/nodejs/undici/index-fetch.js']);
    for (let cut = 2990; cut < 3000 + PATHS.length + 5; cut++) {
      for (const step of [1, 7, 64, 4096]) {
        const s = new EmbeddedScanner();
        s.push(data.subarray(0, cut));
        for (let at = cut; at < data.length; at += step) s.push(data.subarray(at, at + step));
        expect(s.finish()).toEqual(whole);
      }
    }
  });

  it('finds the same paths in chunks larger than its window (not copied into it), cut at every place', () => {
    const roots = '/usr/share/nodejs/x.js\0/usr/share/nodejs/a/b.mjs/usr/share/nodejs/c.cjs\0';
    const data = Buffer.concat([Buffer.alloc(700, 7), Buffer.from(roots.repeat(40), 'latin1'), Buffer.alloc(900, 1), Buffer.from(`/usr/share/nodejs/${'d'.repeat(600)}.js\0`, 'latin1')]);
    const whole = embeddedPaths(data);
    // (a path longer than the bound is not one: the long one at the end is left out)
    expect(whole).toEqual(['usr/share/nodejs/a/b.mjs/usr/share/nodejs/c.cjs', 'usr/share/nodejs/c.cjs', 'usr/share/nodejs/x.js']);
    for (const step of [531, 600, 1024, 1500]) {
      for (let first = 0; first < 1400; first += 13) {
        const s = new EmbeddedScanner();
        s.push(data.subarray(0, first));
        for (let at = first; at < data.length; at += step) s.push(data.subarray(at, at + step));
        expect(s.finish()).toEqual(whole);
      }
    }
  });

  it('keeps a path that ends the file', () => {
    const s = new EmbeddedScanner();
    s.push(Buffer.from('\0/usr/share/nodejs/a/'));
    s.push(Buffer.from('b.js'));
    expect(s.finish()).toEqual(['usr/share/nodejs/a/b.js']);
  });
});

describe('factsCollector', () => {
  // a library over the in-memory bound: its dynamic facts and embedded paths are read from a spool on disk
  const big = Buffer.concat([elfFile({ needed: ['libc.so.6', 'libstdc++.so.6'], runpath: '$ORIGIN/../lib' }), Buffer.alloc(9 << 20, 0x41), Buffer.from(PATHS, 'latin1'), Buffer.alloc(5000)]);
  const small = Buffer.concat([elfFile({ needed: ['libz.so.1'] }), Buffer.from(PATHS, 'latin1')]);

  it('reads a large ELF file from a spool on disk, with the facts of the whole file, and leaves nothing behind', async () => {
    const spool = mkdtempSync(join(tmp, 'spool-'));
    for (const step of [65536, 100_003]) {
      const facts = await collect([file('usr/lib/libnode.so.108', big), file('usr/lib/libz-user.so', small), file('etc/nsswitch.conf', 'hosts: files\n')], step, spool);
      expect(facts.get('usr/lib/libnode.so.108')).toEqual({ elf: inspectElf(big), embedded: embeddedPaths(big) });
      expect(facts.get('usr/lib/libnode.so.108')!.elf).toEqual({ info: { bits: 64, machine: 62, needed: ['libc.so.6', 'libstdc++.so.6'], searchPath: ['$ORIGIN/../lib'], runpath: true } });
      expect(facts.get('usr/lib/libnode.so.108')!.embedded).toHaveLength(3);
      expect(facts.get('usr/lib/libz-user.so')).toEqual({ elf: inspectElf(small), embedded: embeddedPaths(small) });
      expect(facts.get('etc/nsswitch.conf')).toEqual({ text: 'hosts: files\n' });
    }
    expect(readdirSync(spool)).toEqual([]);
  });

  it('reads each wanted file whole into one buffer reused from file to file: a small file after a larger one holds only its own bytes', async () => {
    for (const step of [512, 65536]) {
      const facts = await collect([file('usr/lib/libz-user.so', small), file('etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n'), file('usr/lib/libtiny.so', elfFile({})), file('etc/hosts', 'x')], step);
      expect(facts.get('usr/lib/libz-user.so')).toEqual({ elf: inspectElf(small), embedded: embeddedPaths(small) });
      expect(facts.get('etc/ld.so.conf')).toEqual({ text: 'include /etc/ld.so.conf.d/*.conf\n' });
      expect(facts.get('usr/lib/libtiny.so')).toEqual({ elf: inspectElf(elfFile({})) });
      expect(facts.get('etc/hosts')).toEqual({ text: 'x' });
    }
  });

  it("reads a path wanted as 'elf' only when it is an ELF file held in memory (up to 1 MiB), not a text or a larger program", async () => {
    const tar = await packTar([file('usr/lib/python3/dist-packages/m/_x.so', small), file('usr/lib/python3/dist-packages/m/fake.so', 'not elf'), file('usr/lib/python3/dist-packages/m/_big.so', big)]);
    const c = factsCollector(() => 'elf', tmp);
    for (let at = 0; at < tar.length; at += 65536) c.write(tar.subarray(at, at + 65536));
    c.end();
    expect([...c.facts.keys()]).toEqual(['usr/lib/python3/dist-packages/m/_x.so']);
  });

  it('spools only the large ELF files: a spool directory that cannot be written is an io error for them alone', async () => {
    const gone = join(tmp, 'no-such-dir');
    const facts = await collect([file('usr/lib/libz-user.so', small)], 65536, gone);
    expect(facts.get('usr/lib/libz-user.so')!.elf).toEqual(inspectElf(small));
    const err = await collect([file('usr/lib/libnode.so.108', big)], 65536, gone).catch((e: unknown) => e);
    expect(isWhittleError(err) && err.code === 'io' && /spooling a program's contents to .*no-such-dir/.test(err.message)).toBe(true);
  });

  it('says a truncated large ELF file is malformed', async () => {
    // the header of a real one, its program headers said to lie past the end: read by offset from the spool
    const head = Buffer.concat([elfFile({ needed: ['libc.so.6'] }).subarray(0, 64), Buffer.alloc(9 << 20)]);
    head.writeBigUInt64LE(BigInt(head.length + 10), 32);
    const facts = await collect([file('usr/bin/broken', head)], 65536, tmp);
    expect(facts.get('usr/bin/broken')!.elf).toHaveProperty('malformed');
    expect((facts.get('usr/bin/broken')!.elf as { malformed: string }).malformed).toMatch(/truncated/);
  });
});
