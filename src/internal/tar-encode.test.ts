import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TarHeader } from './tar-header.js';
import { TarParser } from './tar-parser.js';
import { itWith } from '../../test/support/tools.js';
import { END_OF_ARCHIVE, encodeHeader, padding, whiteoutHeader, type OutHeader } from './tar-encode.js';
import { encodeName } from './name-bytes.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-tar-encode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function archive(entries: { header: OutHeader; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { header, data } of entries) {
    parts.push(encodeHeader(header));
    if (data) parts.push(data, Buffer.alloc(padding(data.length)));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

function parse(buf: Buffer): { header: TarHeader; data: Buffer }[] {
  const out: { header: TarHeader; data: Buffer }[] = [];
  let chunks: Buffer[] = [];
  const parser = new TarParser({
    entry: (header) => {
      chunks = [];
      out.push({ header, data: Buffer.alloc(0) });
    },
    data: (c) => chunks.push(Buffer.from(c)),
    entryEnd: () => {
      out[out.length - 1]!.data = Buffer.concat(chunks);
    },
  });
  parser.write(buf);
  parser.end();
  expect(parser.done).toBe(true);
  return out;
}

const capability = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x80]).toString('latin1');
const longName = `usr/share/${'very-long-directory-name/'.repeat(8)}file-with-a-long-name.txt`;
const base = { mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000 };
const ENTRIES: { header: OutHeader; data?: Buffer }[] = [
  { header: { ...base, name: 'etc/', type: 'dir', mode: 0o755 } },
  { header: { ...base, name: 'etc/hosts', type: 'file', size: 5, uname: 'root', gname: 'root' }, data: Buffer.from('hosts') },
  { header: { ...base, name: 'usr/bin/ping', type: 'file', mode: 0o4755, size: 3, xattrs: { 'security.capability': capability, 'user.note': Buffer.from('grüße', 'utf8').toString('latin1') } }, data: Buffer.from('elf') },
  { header: { ...base, name: longName, type: 'file', size: 1 }, data: Buffer.from('x') },
  { header: { ...base, name: 'café/naïve.txt', type: 'file', size: 2, uid: 3_000_000, gid: 70_000_000 }, data: Buffer.from('ok') },
  { header: { ...base, name: 'link-to-long', type: 'symlink', linkname: `/${longName}` } },
  { header: { ...base, name: 'etc/hosts.hard', type: 'hardlink', linkname: 'etc/hosts' } },
  { header: { ...base, name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 } },
  { header: { ...base, name: 'run/fifo', type: 'fifo' } },
  { header: whiteoutHeader('var/cache/apt', false) },
  { header: whiteoutHeader('opt/app', true) },
  { header: whiteoutHeader('', true) },
];

describe('encodeHeader', () => {
  const buf = archive(ENTRIES);

  it('round-trips every field whittle reads, binary xattrs byte for byte', () => {
    const back = parse(buf);
    expect(back.map((e) => e.header.name)).toEqual([
      'etc/', 'etc/hosts', 'usr/bin/ping', longName, 'café/naïve.txt', 'link-to-long', 'etc/hosts.hard', 'dev/null', 'run/fifo',
      'var/cache/.wh.apt', 'opt/app/.wh..wh..opq', '.wh..wh..opq',
    ]);
    const [dir, hosts, ping, long, cafe, sym, hard, dev, fifo] = back.map((e) => e.header);
    expect(dir!.kind).toBe('dir');
    expect(hosts).toMatchObject({ kind: 'file', size: 5, mode: 0o644, mtime: 1_700_000_000, uname: 'root', gname: 'root' });
    expect(back[1]!.data.toString()).toBe('hosts');
    expect(ping!.mode).toBe(0o4755);
    expect(Buffer.from(ping!.xattrs!['security.capability']!, 'latin1')).toEqual(Buffer.from(capability, 'latin1'));
    expect(Buffer.from(ping!.xattrs!['user.note']!, 'latin1').toString('utf8')).toBe('grüße');
    expect(long!.name).toBe(longName);
    expect(cafe).toMatchObject({ uid: 3_000_000, gid: 70_000_000 });
    expect(sym).toMatchObject({ kind: 'symlink', linkname: `/${longName}` });
    expect(hard).toMatchObject({ kind: 'hardlink', linkname: 'etc/hosts' });
    expect(dev).toMatchObject({ kind: 'char', devmajor: 1, devminor: 3, mode: 0o666 });
    expect(fifo!.kind).toBe('fifo');
  });

  itWith(['gnu-tar'], 'is read the same by GNU tar', () => {
    const file = join(tmp, 'encoded.tar');
    writeFileSync(file, buf);
    // a UTF-8 locale, or tar prints café as caf\303\251 (as in a shell started with env -i)
    const env = { ...process.env, LC_ALL: 'C.UTF-8' };
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8', env });
    expect(listing).toMatch(/-rwsr-xr-x 0\/0 +3 .* usr\/bin\/ping/);
    expect(listing).toContain(longName);
    expect(listing).toMatch(/3000000\/70000000 .* café\/naïve.txt/);
    expect(listing).toMatch(/crw-rw-rw- 0\/0 +1,3 .* dev\/null/);
    expect(listing).toContain(`link-to-long -> /${longName}`);
    expect(listing).toContain('etc/hosts.hard link to etc/hosts');
    const xattrs = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-tvvf', file], { encoding: 'utf8', env });
    expect(xattrs).toMatch(/security\.capability/);
  });
});

describe('names that are not UTF-8', () => {
  // \udcXX is how name-bytes.ts holds the byte 0xXX of a name that is not UTF-8
  const short = 'f\udcff';
  const split = `d\udce9${'d'.repeat(60)}/${'n'.repeat(70)}\udcfe`;
  const single = `${'s'.repeat(120)}\udcc3`;
  const target = `${'t'.repeat(110)}\udcff`;
  const RAW: { header: OutHeader; data?: Buffer }[] = [
    { header: { ...base, name: short, type: 'file', size: 1 }, data: Buffer.from('a') },
    { header: { ...base, name: split, type: 'file', size: 1 }, data: Buffer.from('b') },
    { header: { ...base, name: single, type: 'file', size: 1 }, data: Buffer.from('c') },
    { header: { ...base, name: 'l\udcfe', type: 'symlink', linkname: short } },
    { header: { ...base, name: 'long-link', type: 'symlink', linkname: target } },
    { header: { ...base, name: 'caf\u00e9', type: 'file', size: 1 }, data: Buffer.from('d') },
  ];
  const bytes = (s: string) => encodeName(s);

  it('puts the raw bytes in the ustar fields when they fit, with no PAX header', () => {
    const block = encodeHeader(RAW[0]!.header);
    expect(block).toHaveLength(512);
    expect(block.subarray(0, 3)).toEqual(Buffer.from([0x66, 0xff, 0]));
    const link = encodeHeader(RAW[3]!.header);
    expect(link).toHaveLength(512);
    expect(link.subarray(157, 160)).toEqual(Buffer.from([0x66, 0xff, 0]));
    expect(encodeHeader(RAW[1]!.header)).toHaveLength(512); // split into prefix and name
  });

  it('marks a PAX header that carries such a name hdrcharset=BINARY, and only then', () => {
    const pax = encodeHeader(RAW[2]!.header);
    expect(pax.toString('latin1', 156, 157)).toBe('x');
    expect(pax.subarray(512, 1024).toString('latin1')).toMatch(/^21 hdrcharset=BINARY\n\d+ path=s+\xc3\n/);
    expect(encodeHeader(RAW[4]!.header).subarray(512, 1024).toString('latin1')).toMatch(/^21 hdrcharset=BINARY\n\d+ linkpath=t+\xff\n/);
    expect(encodeHeader(RAW[5]!.header).toString('latin1', 512, 1024)).not.toContain('hdrcharset');
  });

  it('round-trips names and link targets byte for byte', () => {
    const back = parse(archive(RAW)).map((e) => e.header);
    expect(back.map((h) => h.name)).toEqual([short, split, single, 'l\udcfe', 'long-link', 'café']);
    expect(back[3]!.linkname).toBe(short);
    expect(back[4]!.linkname).toBe(target);
  });

  itWith(['gnu-tar'], 'is read the same by GNU tar', () => {
    const file = join(tmp, 'raw-names.tar');
    writeFileSync(file, archive(RAW));
    const env = { ...process.env, LC_ALL: 'C' };
    const names = execFileSync('tar', ['--quoting-style=literal', '-tf', file], { env }).toString('latin1').trim().split('\n');
    expect(names).toEqual(RAW.map((e) => bytes(e.header.name).toString('latin1')));
    const listing = execFileSync('tar', ['--quoting-style=literal', '-tvf', file], { env }).toString('latin1');
    expect(listing).toContain(`l\xfe -> f\xff`);
    expect(listing).toContain(`long-link -> ${'t'.repeat(110)}\xff`);
  });
});
