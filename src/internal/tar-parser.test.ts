import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TarHeader } from './tar-header.js';
import { TarParser } from './tar-parser.js';
import { TarIndex } from './tar-index.js';
import { encodeName } from './name-bytes.js';
import { describeWith } from '../../test/support/tools.js';

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Seen {
  header: TarHeader;
  content: string;
}

function parse(data: Uint8Array, chunkSize = 7): { seen: Seen[]; parser: TarParser } {
  const seen: Seen[] = [];
  let parts: Buffer[] = [];
  const parser = new TarParser({
    entry: (h) => {
      parts = [];
      seen.push({ header: h, content: '' });
    },
    data: (c) => parts.push(Buffer.from(c)),
    entryEnd: () => {
      seen[seen.length - 1]!.content = Buffer.concat(parts).toString();
    },
  });
  for (let i = 0; i < data.length; i += chunkSize) parser.write(data.subarray(i, i + chunkSize));
  parser.end();
  return { seen, parser };
}

function makeTree(): string {
  const dir = tempDir('whittle-tar-');
  const long = 'd'.repeat(120);
  mkdirSync(join(dir, 'root', long), { recursive: true });
  writeFileSync(join(dir, 'root', long, 'f'.repeat(110) + '.txt'), 'long name content');
  writeFileSync(join(dir, 'root', 'a.txt'), 'hello');
  linkSync(join(dir, 'root', 'a.txt'), join(dir, 'root', 'hard.txt'));
  symlinkSync('../' + 't'.repeat(130), join(dir, 'root', 'longlink'));
  return dir;
}

for (const format of ['gnu', 'pax'] as const) {
  describeWith(['gnu-tar'], `TarParser on GNU tar --format=${format}`, () => {
    it('reads names, links and contents as tar wrote them', () => {
      const dir = makeTree();
      const out = join(dir, 'out.tar');
      execFileSync('tar', ['-C', join(dir, 'root'), '--sort=name', `--format=${format}`, '-cf', out, '.'], { stdio: 'pipe' });
      const { seen } = parse(readFileSync(out));
      const byName = new Map(seen.map((s) => [s.header.name.replace(/^\.\//, ''), s]));
      expect(byName.get('a.txt')?.content).toBe('hello');
      expect(byName.get('hard.txt')?.header.kind === 'hardlink' || byName.get('a.txt')?.header.kind === 'hardlink').toBe(true);
      const longFile = `${'d'.repeat(120)}/${'f'.repeat(110)}.txt`;
      expect(byName.get(longFile)?.content).toBe('long name content');
      expect(byName.get('longlink')?.header.linkname).toBe('../' + 't'.repeat(130));
      expect(byName.get('longlink')?.header.kind).toBe('symlink');
    });

    it('says where each entry\'s content starts in the stream, also after PAX and long-name headers and across chunks', () => {
      const dir = makeTree();
      const out = join(dir, 'out.tar');
      execFileSync('tar', ['-C', join(dir, 'root'), '--sort=name', `--format=${format}`, '-cf', out, '.'], { stdio: 'pipe' });
      const data = readFileSync(out);
      for (const chunkSize of [1, 7, 512, 4096]) {
        const found: { name: string; offset: number; size: number }[] = [];
        const parser = new TarParser({ entry: (h) => found.push({ name: h.name, offset: parser.contentOffset, size: h.size }), entryEnd: () => undefined });
        for (let i = 0; i < data.length; i += chunkSize) parser.write(data.subarray(i, i + chunkSize));
        const contents = new Map(found.filter((f) => f.size > 0).map((f) => [f.name.replace(/^\.\//, ''), data.subarray(f.offset, f.offset + f.size).toString()]));
        expect(contents.get('a.txt'), `chunks of ${chunkSize}`).toBe('hello');
        expect(contents.get(`${'d'.repeat(120)}/${'f'.repeat(110)}.txt`), `chunks of ${chunkSize}`).toBe('long name content');
      }
    });
  });
}

describeWith(['gnu-tar'], 'TarParser across chunkings', () => {
  it('reads the same headers and contents whether a header lies whole in an aligned chunk, in an unaligned one, or across chunks', () => {
    // makeTree's names need GNU or PAX records; a second tree's fit ustar's prefix and name fields
    const dir = makeTree();
    const ustarRoot = join(dir, 'ustar-root', 'q'.repeat(80));
    mkdirSync(ustarRoot, { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(ustarRoot, `${'p'.repeat(60)}${i}.txt`), 'x'.repeat(i * 37));
    const trees: [format: string, root: string][] = [
      ['gnu', join(dir, 'root')],
      ['pax', join(dir, 'root')],
      ['ustar', join(dir, 'ustar-root')],
    ];
    for (const [format, root] of trees) {
      const out = join(dir, `${format}.tar`);
      execFileSync('tar', ['-C', root, '--sort=name', `--format=${format}`, '-cf', out, '.'], { stdio: 'pipe' });
      const data = readFileSync(out);
      const copied = parse(data, 7).seen; // every header is gathered from pieces of 7 bytes
      expect(copied.length, format).toBeGreaterThan(4);
      for (const shift of [0, 1, 2, 3]) {
        const shifted = Buffer.alloc(data.length + shift);
        data.copy(shifted, shift);
        const view = shifted.subarray(shift);
        for (const chunkSize of [data.length, 512, 1536, 4096, 1000]) {
          expect(parse(view, chunkSize).seen, `${format}, offset ${shift}, chunks of ${chunkSize}`).toEqual(copied);
        }
      }
    }
  });
});

for (const format of ['gnu', 'pax', 'ustar'] as const) {
  describeWith(['gnu-tar'], `TarParser on names that are not UTF-8 (GNU tar --format=${format})`, () => {
    it('keeps each byte: names apart only in such a byte stay apart, and encode back to the bytes on disk', () => {
      // GNU tar, like Go's archive/tar, writes such names raw: in ustar fields, GNU long names, or PAX path records without hdrcharset
      const dir = tempDir('whittle-tar-raw-');
      const root = Buffer.from(join(dir, 'root'));
      const at = (...bytes: (string | number[])[]) => Buffer.concat([root, ...bytes.map((b) => Buffer.from(typeof b === 'string' ? Buffer.from(b) : b))]);
      mkdirSync(at('/d', [0xff]), { recursive: true });
      for (const b of [0xff, 0xfe, 0xc3]) writeFileSync(at('/d', [0xff], '/f', [b]), `byte ${b}`);
      if (format !== 'ustar') writeFileSync(at('/', 'n'.repeat(120), [0xe9]), 'long');
      symlinkSync(Buffer.from([0x74, 0xc3, 0x28]), at('/l', [0x80]));
      const out = join(dir, 'out.tar');
      execFileSync('tar', ['-C', join(dir, 'root'), '--sort=name', `--format=${format}`, '-cf', out, '.'], { stdio: 'pipe' });
      const { seen } = parse(readFileSync(out));
      const byName = new Map(seen.map((s) => [s.header.name.replace(/^\.\//, ''), s]));
      for (const [b, c] of [[0xff, '\udcff'], [0xfe, '\udcfe'], [0xc3, '\udcc3']] as const) {
        expect(byName.get(`d\udcff/f${c}`)?.content).toBe(`byte ${b}`);
        expect(encodeName(`d\udcff/f${c}`)).toEqual(Buffer.from([0x64, 0xff, 0x2f, 0x66, b]));
      }
      if (format !== 'ustar') expect(byName.get(`${'n'.repeat(120)}\udce9`)?.content).toBe('long');
      expect(byName.get('l\udc80')?.header.linkname).toBe('t\udcc3(');
      expect(seen.map((s) => s.header.name).join('')).not.toContain('\ufffd');
    });
  });
}

describeWith(['gnu-tar'], 'TarParser on GNU tar --format=ustar', () => {
  it('GNU tar refuses what ustar cannot hold (a name that cannot be split, a link over 100 bytes)', () => {
    const dir = makeTree();
    const r = spawnSync('tar', ['-C', join(dir, 'root'), '--sort=name', '--format=ustar', '-cf', join(dir, 'out.tar'), '.'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/file name is too long \(cannot be split\)/);
    expect(r.stderr).toMatch(/link name is too long/);
  });

  it('joins the prefix and name fields of long ustar names, and reads links and contents', () => {
    const dir = tempDir('whittle-ustar-');
    const deep = `${'p'.repeat(60)}/${'q'.repeat(60)}`;
    mkdirSync(join(dir, 'root', deep), { recursive: true });
    writeFileSync(join(dir, 'root', deep, `${'f'.repeat(90)}.txt`), 'split name content');
    writeFileSync(join(dir, 'root', 'a.txt'), 'hello');
    linkSync(join(dir, 'root', 'a.txt'), join(dir, 'root', 'hard.txt'));
    symlinkSync(`../${'t'.repeat(90)}`, join(dir, 'root', 'link'));
    const out = join(dir, 'out.tar');
    execFileSync('tar', ['-C', join(dir, 'root'), '--sort=name', '--format=ustar', '-cf', out, '.'], { stdio: 'pipe' });
    const data = readFileSync(out);
    const longFile = `${deep}/${'f'.repeat(90)}.txt`;
    // 157 bytes: it can only be stored split into the 155-byte prefix and the 100-byte name field
    expect(data.includes(Buffer.from(longFile))).toBe(false);
    const { seen } = parse(data);
    const byName = new Map(seen.map((s) => [s.header.name.replace(/^\.\//, ''), s]));
    expect(byName.get(longFile)?.content).toBe('split name content');
    expect(byName.get(`${deep}/`)?.header.kind).toBe('dir');
    expect(byName.get('a.txt')?.content).toBe('hello');
    expect(byName.get('hard.txt')?.header).toMatchObject({ kind: 'hardlink', linkname: './a.txt' });
    expect(byName.get('link')?.header).toMatchObject({ kind: 'symlink', linkname: `../${'t'.repeat(90)}` });
  });
});

describeWith(['gnu-tar'], 'TarParser', () => {
  it('stops at the end-of-archive marker and ignores trailing bytes', () => {
    const dir = makeTree();
    const out = join(dir, 'out.tar');
    execFileSync('tar', ['-C', join(dir, 'root'), '--format=pax', '-cf', out, 'a.txt']);
    const data = Buffer.concat([readFileSync(out), Buffer.alloc(3000, 0x41)]);
    const { seen, parser } = parse(data, 1000);
    expect(parser.done).toBe(true);
    expect(seen.map((s) => s.header.name)).toEqual(['a.txt']);
  });

  it('reports a stream cut inside an entry as truncated', () => {
    const dir = makeTree();
    const out = join(dir, 'out.tar');
    execFileSync('tar', ['-C', join(dir, 'root'), '--format=gnu', '-cf', out, 'a.txt']);
    expect(() => parse(readFileSync(out).subarray(0, 600))).toThrow(/truncated/);
  });

  it('rejects a block whose checksum is wrong', () => {
    const block = Buffer.alloc(1024);
    block.write('garbage', 0);
    expect(() => parse(block)).toThrow(/checksum/);
  });

  it('applies PAX records (path, size, xattrs) and skips global headers', () => {
    const records = (pairs: [string, string][]) =>
      Buffer.from(
        pairs
          .map(([k, v]) => {
            const body = ` ${k}=${v}\n`;
            let len = body.length;
            while (String(len).length + body.length !== len) len = String(len).length + body.length;
            return `${len}${body}`;
          })
          .join(''),
      );
    const header = (name: string, type: string, size: number) => {
      const b = Buffer.alloc(512);
      b.write(name, 0);
      b.write('0000644\0', 100);
      b.write('0000000\0', 108);
      b.write('0000000\0', 116);
      b.write(size.toString(8).padStart(11, '0') + '\0', 124);
      b.write('00000000000\0', 136);
      b.write(type, 156);
      b.write('ustar\0', 257);
      b.write('00', 263);
      b.fill(0x20, 148, 156);
      let sum = 0;
      for (const x of b) sum += x;
      b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
      return b;
    };
    const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
    const global = records([['comment', 'made by git archive']]);
    const pax = records([
      ['path', 'very/long/' + 'x'.repeat(200)],
      ['SCHILY.xattr.security.capability', 'cap'],
    ]);
    const data = Buffer.concat([
      header('pax_global_header', 'g', global.length),
      pad(global),
      header('PaxHeaders/x', 'x', pax.length),
      pad(pax),
      header('short', '0', 3),
      pad(Buffer.from('abc')),
      Buffer.alloc(1024),
    ]);
    const { seen } = parse(data, 100);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.header.name).toBe('very/long/' + 'x'.repeat(200));
    expect(seen[0]!.header.xattrs).toEqual({ 'security.capability': 'cap' });
    expect(seen[0]!.content).toBe('abc');
  });
});

describeWith(['gnu-tar'], 'TarIndex', () => {
  it('finds members by name and follows symlinks between them', async () => {
    const dir = tempDir('whittle-idx-');
    mkdirSync(join(dir, 'root', 'one'), { recursive: true });
    mkdirSync(join(dir, 'root', 'two'));
    writeFileSync(join(dir, 'root', 'one', 'layer.tar'), 'LAYER');
    symlinkSync('../one/layer.tar', join(dir, 'root', 'two', 'layer.tar'));
    const out = join(dir, 'a.tar');
    execFileSync('tar', ['-C', join(dir, 'root'), '-cf', out, '.']);
    const index = await TarIndex.build(out);
    const member = index.resolve('two/layer.tar');
    expect(member?.name).toBe('one/layer.tar');
    const chunks: Buffer[] = [];
    for await (const c of index.openMember(member!)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('LAYER');
  });

  it.each([
    ['an absolute symlink', '/etc/passwd', /links outside the archive/],
    ['a climbing symlink', '../../../etc/passwd', /links outside the archive/],
  ])('refuses %s', async (_label, target, message) => {
    const dir = tempDir('whittle-idx-');
    mkdirSync(join(dir, 'root'));
    symlinkSync(target, join(dir, 'root', 'layer.tar'));
    const out = join(dir, 'a.tar');
    execFileSync('tar', ['-C', join(dir, 'root'), '-cf', out, 'layer.tar']);
    const index = await TarIndex.build(out);
    expect(() => index.resolve('layer.tar')).toThrow(message);
  });

  it('refuses members that climb out of the archive', async () => {
    const dir = tempDir('whittle-idx-');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'evil'), 'x');
    const out = join(dir, 'a.tar');
    execFileSync('tar', ['-C', join(dir, 'a', 'b'), '-P', '-cf', out, '../evil'], { stdio: 'pipe' });
    await expect(TarIndex.build(out)).rejects.toThrow(/path traversal/);
  });

  it('reports truncation', async () => {
    const dir = tempDir('whittle-idx-');
    mkdirSync(join(dir, 'root'));
    writeFileSync(join(dir, 'root', 'big'), Buffer.alloc(5000, 1));
    const out = join(dir, 'a.tar');
    execFileSync('tar', ['-C', join(dir, 'root'), '-cf', out, 'big']);
    writeFileSync(out, readFileSync(out).subarray(0, 3000));
    await expect(TarIndex.build(out)).rejects.toThrow(/truncated/);
  });
});
