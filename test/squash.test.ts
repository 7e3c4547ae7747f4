// squash and the image writers, judged by independent readers: whittle reads back what it wrote,
// umoci unpacks original and squashed images into real file trees that must be equal, skopeo
// inspects and copies the layouts and archives; test/engine/squash-run.test.ts has docker load and run them.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage, scanImage } from '../src/analyze/run.js';
import { mergeLayers } from '../src/analyze/merge.js';
import { openImage } from '../src/transports/open.js';
import { squash } from '../src/rewrite/squash.js';
import { END_OF_ARCHIVE, encodeHeader, padding, type OutHeader } from '../src/internal/tar-encode.js';
import { TarParser } from '../src/internal/tar-parser.js';
import type { TarHeader } from '../src/internal/tar-header.js';
import { writeImage } from '../src/transports/write.js';
import { REGISTRY_KINDS, type TestRegistry } from './registry-helpers.js';
import { runCli } from './support/cli.js';
import { describeWith, itWith, requireTools } from './support/tools.js';
import { buildImage, dir, file, hardlink, nameBytes, ociLayout, packTar, seeded, symlink, whiteout, writeDir, type TarMember } from './support/image-writer.js';
import { strip } from '../src/rewrite/strip/index.js';
import { explicitParents, fileTree, opaqueMarker, randomStack } from './support/layer-stacks.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-squash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));



/** The traps of other squashers, one layer at a time. */
const TRAP_LAYERS: TarMember[][] = [
  [
    dir('etc/'), file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'), dir('bin/'), file('bin/tool', seeded(4096, 1), 0o755),
    hardlink('bin/tool-alias', 'bin/tool'), dir('var/'), dir('var/cache/'), file('var/cache/big', seeded(20_000, 2)),
    dir('data/'), file('data/keep', 'keep\n'), file('data/old', 'old\n'), file('target', 'target\n'), symlink('dangling', 'target'),
    file('shared', seeded(3000, 3)), dir('lib/'), file('lib/libx.so', seeded(2048, 4), 0o755),
  ],
  [
    whiteout('bin/tool'), // a hard link whose target a later layer deleted
    file('./etc/hostname', 'box\n'), // ./-prefixed entry
    whiteout('var/cache'), // whiteout of a whole directory
    file('data/new', 'new\n'), opaqueMarker('data'), dir('data/'), // opaque directory re-populated in the same layer, marker after the entries
    whiteout('target'), // a symlink whose target is gone
    hardlink('lib/libx.so.1', 'lib/libx.so'), // a link into a lower layer
  ],
  [file('shared', seeded(3000, 5)), file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n', 0o600)], // overwrite and chmod copy
];

function unpack(layout: string, ref: string, name: string): Map<string, string> {
  const bundle = join(tmp, `bundle-${name}`);
  execFileSync('umoci', ['unpack', '--image', `${layout}:${ref}`, bundle], { stdio: 'pipe' });
  return fileTree(join(bundle, 'rootfs'));
}

let original: string;

beforeAll(async () => {
  const img = await buildImage(TRAP_LAYERS);
  original = writeDir(join(tmp, 'original'), ociLayout(img, { refName: 'v1' }).files);
});

describe('squash of the traps', () => {
  it('gives the same file tree as the original, in one layer (umoci unpacks both)', async (ctx) => {
    const result = await squash(await openImage(`oci:${original}:v1`));
    try {
      await writeImage(result.image, `oci:${join(tmp, 'out')}:squashed`);
    } finally {
      await result.dispose();
    }
    const back = await openImage(`oci:${join(tmp, 'out')}:squashed`);
    expect((await back.layers()).length).toBe(1);
    const config = await back.config();
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect(config.history?.filter((h) => !h.empty_layer)).toHaveLength(1);
    expect(config.history?.at(-1)?.created_by).toMatch(/whittle squash: 3 layers merged into one/);
    requireTools(ctx, 'umoci');
    const before = unpack(original, 'v1', 'orig');
    const after = unpack(join(tmp, 'out'), 'squashed', 'squashed');
    expect([...after]).toEqual([...before]);
    // and it is the file system whittle itself computes for the original (paths and types)
    const merged = mergeLayers((await scanImage(await openImage(`oci:${original}:v1`), { hashContents: false })).layers.map((l) => l.entries)).tree;
    const kinds = new Map([...merged.records].map(([p, r]) => [p, r.type === 'hardlink' ? 'file' : r.type === 'symlink' ? 'symlink' : r.type]));
    expect([...kinds.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [p, desc] of before) expect(desc.startsWith(kinds.get(p)!)).toBe(true);
    // the traps really were there
    expect(before.get('bin/tool-alias')).toMatch(/^file 755/);
    expect(before.has('bin/tool')).toBe(false);
    expect(before.get('dangling')).toBe('symlink -> target');
    expect(before.has('data/old')).toBe(false);
    expect(before.get('lib/libx.so')).toMatch(/linked\(lib\/libx.so,lib\/libx.so.1\)/);
    expect(before.get('etc/passwd')).toMatch(/^file 600/);
  });

  it('keeps base layers byte for byte and still gives the same tree (--keep-base 1)', async (ctx) => {
    const source = await openImage(`oci:${original}:v1`);
    const result = await squash(source, { from: 1 });
    try {
      await writeImage(result.image, `oci:${join(tmp, 'out')}:keepbase`);
    } finally {
      await result.dispose();
    }
    const back = await openImage(`oci:${join(tmp, 'out')}:keepbase`);
    const [srcLayers, outLayers] = [await source.layers(), await back.layers()];
    expect(outLayers).toHaveLength(2);
    expect(await outLayers[0]!.digest()).toBe(await srcLayers[0]!.digest());
    expect(result.plan.whiteouts).toEqual(
      expect.arrayContaining([
        { path: 'bin/tool', opaque: false },
        { path: 'var/cache', opaque: false },
        { path: 'data', opaque: true },
        { path: 'target', opaque: false },
      ]),
    );
    requireTools(ctx, 'umoci');
    expect([...unpack(join(tmp, 'out'), 'keepbase', 'keepbase')]).toEqual([...unpack(original, 'v1', 'orig2')]);
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const outs: Buffer[] = [];
    for (const n of [1, 2]) {
      const result = await squash(await openImage(`oci:${original}:v1`));
      const path = join(tmp, `det-${n}.tar`);
      await writeImage(result.image, `docker-archive:${path}:whittle-test/det:1`);
      await result.dispose();
      outs.push(readFileSync(path));
    }
    expect(outs[0]!.equals(outs[1]!)).toBe(true);
  });
});

/** onReferenceBase writes a layout (ref `r`) of the base layers given and the top layer of a squashed image. */
async function onReferenceBase(base: TarMember[][], layout: string, ref: string, out: string): Promise<string> {
  const blob = (digest: string) => readFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const manifest = JSON.parse(blob(index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref)!.digest).toString()) as { layers: { digest: string }[] };
  const top = blob(manifest.layers.at(-1)!.digest);
  const tars = [...(await Promise.all(base.map(packTar))), top[0] === 0x1f && top[1] === 0x8b ? gunzipSync(top) : top];
  const diffIds = tars.map((t) => `sha256:${createHash('sha256').update(t).digest('hex')}`);
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }));
  return writeDir(out, ociLayout({ layers: tars, diffIds, config, configDigest: `sha256:${createHash('sha256').update(config).digest('hex')}` }, { refName: 'r' }).files);
}

describeWith(['umoci'], 'random layer stacks', () => {
  it.each(Array.from({ length: Number(process.env.WHITTLE_RANDOM_STACKS ?? 40) }, (_, i) => i + 1))('seed %i: the squashed image unpacks to the original tree (whole, and above a kept base)', async (seed) => {
    const stack = randomStack(seed);
    const img = await buildImage(stack.layers);
    const src = writeDir(join(tmp, `random-${seed}`), ociLayout(img, { refName: 'r' }).files);
    // The file system the engine gives (overlay2): umoci unpacking the stack with its implied parent
    // directories written out (test/support/layer-stacks.ts, checked against docker in
    // test/engine/squash-symlink.test.ts). umoci on the stack itself differs by design when a layer
    // writes below a lower symlink (it follows the link); elsewhere the two must agree.
    const reference = writeDir(join(tmp, `random-ref-${seed}`), ociLayout(await buildImage(explicitParents(stack.layers)), { refName: 'r' }).files);
    const before = unpack(reference, 'r', `random-ref-${seed}`);
    if (!stack.symlinkedParents) expect([...unpack(src, 'r', `random-${seed}`)]).toEqual([...before]);
    const layers = img.layers.length;
    for (const from of [...new Set([0, seed % layers])]) {
      const result = await squash(await openImage(`oci:${src}:r`), { from, compression: seed % 2 ? 'gzip' : 'none' });
      try {
        await writeImage(result.image, `oci:${join(tmp, `random-out-${seed}`)}:from${from}`);
      } finally {
        await result.dispose();
      }
      // A kept base that writes below a lower symlink unpacks differently in umoci (that is the
      // base, passed through unchanged): judge the merged layer on top of the base as the engine sees it.
      const after =
        from > 0 && stack.symlinkedParents
          ? unpack(await onReferenceBase(explicitParents(stack.layers).slice(0, from), join(tmp, `random-out-${seed}`), `from${from}`, join(tmp, `random-rebased-${seed}`)), 'r', `random-${seed}-${from}`)
          : unpack(join(tmp, `random-out-${seed}`), `from${from}`, `random-${seed}-${from}`);
      // Above a kept base, a base file that a merged layer links to is copied up, as overlayfs does,
      // and base links to it keep the old copy: same contents, but not one inode any more.
      const unlinked = (t: Map<string, string>) => [...t].map(([p, d]) => [p, from > 0 ? d.replace(/ linked\(.*\)$/, '') : d]);
      expect(unlinked(after)).toEqual(unlinked(before));
    }
  });
});

/** Names that are not UTF-8 (\udcXX is the byte 0xXX, see nameBytes): three names apart only in such a byte, a UTF-8 name,
 *  long names (split into ustar prefix and name, and one component over 100 bytes), symlinks to such names, a hard link. */
const RAW = {
  ff: 'f\udcff', fe: 'f\udcfe', c3: 'f\udcc3', utf8: 'café', gone: 'gone\udcff', dir: 'd\udcff',
  split: `l\udce9ng-${'d'.repeat(60)}/${'n'.repeat(70)}\udcff`,
  single: `${'s'.repeat(120)}\udcfe`,
  link: 'link\udcff', target: 'target\udcfe', longLink: 'longlink\udcff', longTarget: `${'t'.repeat(110)}\udcfe`,
  doc: 'usr/share/doc/p\udcff/README',
};
const RAW_LAYERS: TarMember[][] = [
  [
    file(RAW.ff, 'ff\n'), file(RAW.fe, 'fe\n'), file(RAW.c3, 'c3\n'), file(RAW.utf8, 'utf8\n'), file(RAW.gone, 'gone\n'),
    dir(`${RAW.dir}/`), hardlink(`${RAW.dir}/hard\udcfe`, RAW.ff), dir(`${RAW.split.split('/')[0]}/`), file(RAW.split, 'split\n'), file(RAW.single, 'single\n'),
    symlink(RAW.link, RAW.target), symlink(RAW.longLink, RAW.longTarget),
    dir('usr/'), dir('usr/share/'), dir('usr/share/doc/'), dir('usr/share/doc/p\udcff/'), file(RAW.doc, seeded(5000, 7)),
  ],
  [whiteout(RAW.gone), file(RAW.fe, 'fe, again\n'), file(`${RAW.dir}/new\udcc3`, 'new\n')],
];
/** key is how tree() spells a name: one character per byte. */
const key = (name: string) => nameBytes(name).toString('latin1');

describe('names that are not UTF-8', () => {
  let src: string;
  beforeAll(async () => {
    src = writeDir(join(tmp, 'raw-names'), ociLayout(await buildImage(RAW_LAYERS), { refName: 'v1' }).files);
  });

  it('are distinct files to analyze, and print as \\xNN', async () => {
    const merged = mergeLayers((await scanImage(await openImage(`oci:${src}:v1`), { hashContents: false })).layers.map((l) => l.entries)).tree;
    const names = [...merged.records.keys()].map(key).sort();
    for (const n of [RAW.ff, RAW.fe, RAW.c3, RAW.utf8, RAW.split, RAW.single, RAW.link, `${RAW.dir}/new\udcc3`]) expect(names).toContain(key(n));
    expect(names).not.toContain(key(RAW.gone));
    expect(merged.get(RAW.link)?.linkTarget).toBe(RAW.target);
    const ls = await runCli(['ls', `oci:${src}:v1`, '--json']);
    expect(ls.stderr).toBe('');
    const listed = ls.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; target: string | null });
    expect(listed.map((p) => p.path)).toEqual(expect.arrayContaining(['/f\\xff', '/f\\xfe', '/f\\xc3', '/café', `/${'s'.repeat(120)}\\xfe`]));
    expect(listed.find((p) => p.path === '/link\\xff')?.target).toBe('target\\xfe');
    const text = await runCli(['ls', `oci:${src}:v1`, '--wide']);
    expect(text.stdout).toContain('/link\\xff -> target\\xfe');
    const analyze = await runCli(['analyze', `oci:${src}:v1`, '--json']);
    expect(analyze.status).toBe(0);
    expect(JSON.stringify(JSON.parse(analyze.stdout))).toContain('f\\\\xfe'); // the overwritten copy is wasted
    const report = await runCli(['analyze', `oci:${src}:v1`, '--wide']);
    expect(report.stdout).toMatch(/overwritten +f\\xfe$/m);
    expect(report.stdout).toMatch(/deleted +gone\\xff$/m);
    for (const out of [ls.stdout, text.stdout, analyze.stdout, report.stdout]) expect(out).not.toMatch(/[\ufffd\udc80-\udcff]/);
  });

  it('squash keeps every name byte for byte (umoci unpack and GNU tar agree)', async (ctx) => {
    const result = await squash(await openImage(`oci:${src}:v1`), { compression: 'none' });
    try {
      await writeImage(result.image, `oci:${join(tmp, 'raw-out')}:squashed`);
    } finally {
      await result.dispose();
    }
    requireTools(ctx, 'umoci');
    const before = unpack(src, 'v1', 'raw-orig');
    expect(before.get(key(RAW.link))).toBe(`symlink -> ${key(RAW.target)}`);
    expect(before.get(key(RAW.longLink))).toBe(`symlink -> ${key(RAW.longTarget)}`);
    for (const n of [RAW.ff, RAW.fe, RAW.c3, RAW.utf8, RAW.split, RAW.single, RAW.doc]) expect(before.get(key(n))).toMatch(/^file /);
    expect(before.get(key(`${RAW.dir}/hard\udcfe`))).toMatch(/linked\(/);
    expect([...unpack(join(tmp, 'raw-out'), 'squashed', 'raw-squashed')]).toEqual([...before]);
    // GNU tar reads the same names from the merged layer
    const index = JSON.parse(readFileSync(join(tmp, 'raw-out', 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const manifest = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'squashed')!;
    const blob = (d: string) => join(tmp, 'raw-out', 'blobs', 'sha256', d.slice('sha256:'.length));
    const layer = (JSON.parse(readFileSync(blob(manifest.digest), 'utf8')) as { layers: { digest: string }[] }).layers[0]!;
    const listing = execFileSync('tar', ['--quoting-style=literal', '-tvf', blob(layer.digest)], { env: { ...process.env, LC_ALL: 'C' } }).toString('latin1');
    const lines = listing.split('\n');
    const names = execFileSync('tar', ['--quoting-style=literal', '-tf', blob(layer.digest)], { env: { ...process.env, LC_ALL: 'C' } }).toString('latin1').split('\n');
    for (const n of [RAW.ff, RAW.fe, RAW.c3, RAW.utf8, RAW.split, RAW.single, `${RAW.dir}/`, `${RAW.dir}/new\udcc3`]) expect(names.filter((l) => l === key(n))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith(` ${key(`${RAW.dir}/hard\udcfe`)} link to ${key(RAW.ff)}`))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith(` ${key(RAW.link)} -> ${key(RAW.target)}`))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith(` ${key(RAW.longLink)} -> ${key(RAW.longTarget)}`))).toHaveLength(1);
    expect(listing).not.toContain(key('\ufffd'));
  });

  it('strip keeps every name byte for byte, and removes and reports one', async (ctx) => {
    requireTools(ctx, 'umoci');
    const before = unpack(src, 'v1', 'raw-orig-strip');
    for (const squashToo of [false, true]) {
      const result = await strip(await openImage(`oci:${src}:v1`), { squash: squashToo });
      try {
        expect(result.plan.removed.map((r) => r.path)).toEqual([RAW.doc]);
        await writeImage(result.image!, `oci:${join(tmp, 'raw-strip')}:s${squashToo}`);
      } finally {
        await result.dispose();
      }
      const expected = new Map(before);
      expected.delete(key(RAW.doc));
      expected.delete(key('usr/share/doc/p\udcff')); // a directory left empty below a category root goes too
      expect([...unpack(join(tmp, 'raw-strip'), `s${squashToo}`, `raw-strip-${squashToo}`)]).toEqual([...expected]);
    }
    const cli = await runCli(['strip', `oci:${src}:v1`, '--dry-run', '--json']);
    expect(cli.status).toBe(0);
    expect((JSON.parse(cli.stdout) as { removed: { path: string }[] }).removed.map((r) => r.path)).toEqual(['usr/share/doc/p\\xff/README']);
  });
});

describe('what squash carries over', () => {
  it('keeps modes, owners and names, times, binary xattrs, devices and long names of surviving entries', async () => {
    const cap = Buffer.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0]).toString('latin1');
    const longName = `opt/${'deep/'.repeat(30)}file`;
    const entry = (h: OutHeader, data?: Buffer) => Buffer.concat([encodeHeader(h), ...(data ? [data, Buffer.alloc(padding(data.length))] : [])]);
    const t = { uid: 0, gid: 0, size: 0, mtime: 1_600_000_000 };
    const layer1 = Buffer.concat([
      entry({ ...t, name: 'bin/', type: 'dir', mode: 0o755 }),
      entry({ ...t, name: 'bin/ping', type: 'file', mode: 0o4755, size: 4, uid: 1000, gid: 1001, uname: 'app', gname: 'app', xattrs: { 'security.capability': cap } }, Buffer.from('ping')),
      entry({ ...t, name: 'dev/', type: 'dir', mode: 0o755 }),
      entry({ ...t, name: 'dev/tty', type: 'char', mode: 0o620, devmajor: 5, devminor: 0 }),
      entry({ ...t, name: longName, type: 'file', mode: 0o600, size: 2, mtime: 1_650_000_000 }, Buffer.from('hi')),
      END_OF_ARCHIVE,
    ]);
    const layer2 = Buffer.concat([entry({ ...t, name: 'tmp/', type: 'dir', mode: 0o1777 }), END_OF_ARCHIVE]);
    const img = await buildImage([[file('placeholder', 'x')], [file('placeholder', 'y')]]);
    const tars = [layer1, layer2];
    const diffIds = tars.map((b) => `sha256:${createHash('sha256').update(b).digest('hex')}`);
    const cfg = JSON.parse(img.config.toString()) as { rootfs: { diff_ids: string[] }; config: object };
    cfg.rootfs.diff_ids = diffIds;
    cfg.config = { Cmd: ['/bin/ping'], Env: ['A=1'], User: '1000', Labels: { team: 'core' }, WorkingDir: '/opt' };
    const config = Buffer.from(JSON.stringify(cfg));
    const src = writeDir(
      join(tmp, 'fidelity'),
      ociLayout({ layers: tars, diffIds, config, configDigest: `sha256:${createHash('sha256').update(config).digest('hex')}` }, { refName: 'f', gzip: false }).files, // plain tars
    );
    const result = await squash(await openImage(`oci:${src}:f`), { compression: 'none' });
    try {
      const headers: TarHeader[] = [];
      const parser = new TarParser({ entry: (h) => headers.push(h), data: () => undefined, entryEnd: () => undefined });
      parser.write(readFileSync(result.layer.file));
      parser.end();
      const byName = new Map(headers.map((h) => [h.name, h]));
      // the long name's parents have no entries: they are written as the directories the engine makes (0755, root)
      const parents = longName.split('/').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`);
      expect([...byName.keys()].sort()).toEqual(['bin/', 'bin/ping', 'dev/', 'dev/tty', ...parents, longName, 'tmp/'].sort());
      for (const p of parents) expect(byName.get(p)).toMatchObject({ kind: 'dir', mode: 0o755, uid: 0, gid: 0 });
      expect(byName.get('bin/ping')).toMatchObject({ mode: 0o4755, uid: 1000, gid: 1001, uname: 'app', gname: 'app', mtime: 1_600_000_000 });
      expect(byName.get('bin/ping')!.xattrs).toEqual({ 'security.capability': cap });
      expect(byName.get('dev/tty')).toMatchObject({ kind: 'char', devmajor: 5, devminor: 0, mode: 0o620 });
      expect(byName.get(longName)).toMatchObject({ mode: 0o600, mtime: 1_650_000_000 });
      expect(byName.get('tmp/')!.mode).toBe(0o1777);
      const out = await result.image.config();
      expect(out.config).toEqual(cfg.config);
    } finally {
      await result.dispose();
    }
  });
});

describe('a wasteful image', () => {
  it('shrinks by exactly the wasted bytes whittle analyze predicts', async () => {
    const layers: TarMember[][] = [
      [dir('var/'), dir('var/lib/'), dir('var/lib/apt/'), dir('var/lib/apt/lists/'), file('var/lib/apt/lists/deb_Packages', seeded(300_000, 7)), file('usr-status', seeded(50_000, 8))],
      [file('tmp-big', seeded(2_000_000, 9))],
      [whiteout('tmp-big'), whiteout('var/lib/apt/lists')],
      [file('usr-status', seeded(50_000, 8), 0o600)], // chmod copy
    ];
    const dirPath = writeDir(join(tmp, 'wasteful'), ociLayout(await buildImage(layers), { refName: 'w' }).files);
    const image = await openImage(`oci:${dirPath}:w`);
    const analysis = await analyzeImage(image);
    const result = await squash(image, { compression: 'none' });
    try {
      expect(result.plan.bytesIn - result.plan.bytesOut).toBe(analysis.wasted.bytes);
      expect(analysis.wasted.bytes).toBe(300_000 + 2_000_000 + 50_000);
      const out = join(tmp, 'wasteful-squashed.tar');
      await writeImage(result.image, out);
      const after = await analyzeImage(await openImage(out));
      expect(after.wasted.bytes).toBe(0);
      expect(analysis.sizes.fileContent - after.sizes.fileContent).toBe(analysis.wasted.bytes);
      expect(after.sizes.finalFilesystem).toBe(analysis.sizes.finalFilesystem);
    } finally {
      await result.dispose();
    }
  });
});

describeWith(['skopeo'], 'writers read by skopeo', () => {
  it('reads oci:, oci-archive: and both faces of docker-archive: with the digests whittle wrote', async () => {
    const image = await openImage(`oci:${original}:v1`);
    const layout = await writeImage(image, `oci:${join(tmp, 'w-layout')}:v2`);
    const archive = await writeImage(image, `oci-archive:${join(tmp, 'w.oci.tar')}:v2`);
    const docker = await writeImage(image, `docker-archive:${join(tmp, 'w.docker.tar')}:whittle-test/w:v2`);
    // an OCI source is copied without touching its manifest: the digest survives every writer
    const sourceDigest = await image.digest();
    for (const r of [layout, archive, docker]) expect(r.manifestDigest).toBe(sourceDigest);
    const inspect = (ref: string) => JSON.parse(execFileSync('skopeo', ['inspect', ref], { encoding: 'utf8' })) as { Digest: string; Layers: string[] };
    expect(inspect(`oci:${join(tmp, 'w-layout')}:v2`).Digest).toBe(sourceDigest);
    expect(inspect(`oci-archive:${join(tmp, 'w.oci.tar')}`).Digest).toBe(sourceDigest);
    expect(inspect(`oci-archive:${join(tmp, 'w.docker.tar')}`).Digest).toBe(sourceDigest);
    // skopeo's docker-archive face names layers by their uncompressed digest (diff_id)
    const asDocker = inspect(`docker-archive:${join(tmp, 'w.docker.tar')}`);
    expect(asDocker.Layers).toEqual((await image.config()).rootfs.diff_ids);
    execFileSync('skopeo', ['copy', '--quiet', `oci:${join(tmp, 'w-layout')}:v2`, `dir:${join(tmp, 'w-dir')}`]);
    expect(existsSync(join(tmp, 'w-dir', 'manifest.json'))).toBe(true);
  });

  it('adds an image to an existing layout without losing the others', async () => {
    const image = await openImage(`oci:${original}:v1`);
    const target = join(tmp, 'multi');
    await writeImage(image, `oci:${target}:one`);
    const squashed = await squash(image);
    await writeImage(squashed.image, `oci:${target}:two`);
    await squashed.dispose();
    const index = JSON.parse(readFileSync(join(target, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name'])).toEqual(['one', 'two']);
    execFileSync('skopeo', ['inspect', `oci:${target}:one`]);
    execFileSync('skopeo', ['inspect', `oci:${target}:two`]);
  });
});

describe('failures leave nothing behind', () => {
  it('a corrupt layer blob fails the write and leaves no output or temp file', async () => {
    const img = await buildImage([[file('a', seeded(100_000, 11))]]);
    const layout = ociLayout(img, { refName: 'bad' });
    const blobPath = `blobs/sha256/${layout.layers[0]!.digest.slice(7)}`;
    const blob = Buffer.from(layout.files.get(blobPath)!);
    blob[blob.length - 20]! ^= 0xff; // still gzip-shaped, wrong digest
    layout.files.set(blobPath, blob);
    const src = writeDir(join(tmp, 'corrupt'), layout.files);
    const outDir = join(tmp, 'failed-out');
    writeFileSync(join(tmp, 'marker'), '');
    rmSync(outDir, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', outDir]);
    const image = await openImage(`oci:${src}:bad`);
    for (const ref of [`docker-archive:${outDir}/x.tar`, `oci-archive:${outDir}/x.oci.tar`, `oci:${outDir}/layout`]) {
      await expect(writeImage(image, ref)).rejects.toThrow(/digest|corrupt|truncated/);
    }
    await expect(squash(image)).rejects.toThrow(/digest|corrupt|truncated/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('a truncated source blob fails the write and leaves nothing', async () => {
    const img = await buildImage([[file('a', seeded(100_000, 14))], [file('b', seeded(100_000, 15))]]);
    const layout = ociLayout(img, { gzip: false, refName: 't' });
    const blobPath = `blobs/sha256/${layout.layers[1]!.digest.slice(7)}`;
    layout.files.set(blobPath, layout.files.get(blobPath)!.subarray(0, 60_000));
    const src = writeDir(join(tmp, 'truncated'), layout.files);
    const outDir = join(tmp, 'truncated-out');
    execFileSync('mkdir', ['-p', outDir]);
    const image = await openImage(`oci:${src}:t`);
    for (const ref of [`docker-archive:${outDir}/x.tar`, `oci:${outDir}/layout`]) {
      await expect(writeImage(image, ref)).rejects.toThrow(/truncated|60000 bytes/);
    }
    const cli = spawnSync(process.execPath, ['bin/whittle.js', 'squash', `oci:${src}:t`, '-o', `${outDir}/y.tar`], { encoding: 'utf8' });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^whittle: .*truncated/);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

/** smallDisk mounts a 1 MiB tmpfs (root only; the test asks tools.ts for 'tmpfs-mount' first). */
function smallDisk(): string {
  const at = join(tmp, 'small-disk');
  execFileSync('mkdir', ['-p', at]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', at]);
  return at;
}

describe('a full disk', () => {
  itWith(['tmpfs-mount'], 'fails the write with one clear error and leaves nothing on the disk', async () => {
    const disk = smallDisk();
    try {
      const img = await buildImage([[file('big', seeded(3_000_000, 13))]]);
      const src = writeDir(join(tmp, 'big-src'), ociLayout(img, { gzip: false, refName: 'b' }).files);
      const image = await openImage(`oci:${src}:b`);
      for (const ref of [`docker-archive:${disk}/x.tar`, `oci:${disk}/layout`, `oci-archive:${disk}/y.tar`]) {
        await expect(writeImage(image, ref)).rejects.toThrow(/no space left on device/);
        expect(readdirSync(disk)).toEqual([]);
      }
      const cli = spawnSync(process.execPath, ['bin/whittle.js', 'squash', `oci:${src}:b`, '--compression', 'none', '-o', `${disk}/z.tar`], { encoding: 'utf8' });
      expect(cli.status).toBe(2);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(/^whittle: .*no space left on device/);
      expect(readdirSync(disk)).toEqual([]);
    } finally {
      spawnSync('umount', [disk]);
    }
  });
});

for (const kind of REGISTRY_KINDS) describeWith([...kind.tools, 'umoci'], `squash between registries (${kind.kind})`, () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await kind.start();
  });
  afterAll(async () => reg?.stop());

  it('reads from a registry, pushes the squashed image back with --keep-base, keeping the digest of the base layer', async () => {
    await writeImage(await openImage(`oci:${original}:v1`), `docker://${reg.host}/app/orig:1`);
    // asynchronously: the in-process registry answers from this process
    const cli = await runCli(['squash', `docker://${reg.host}/app/orig:1`, '--keep-base', '1', '--json', '-o', `docker://${reg.host}/app/orig:1-squashed`]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const summary = JSON.parse(cli.stdout) as { manifestDigest: string; layersAfter: number };
    expect(summary.layersAfter).toBe(2);
    const inspected = reg.inspect('app/orig:1-squashed');
    expect(inspected.Digest).toBe(summary.manifestDigest);
    const source = await openImage(`docker://${reg.host}/app/orig:1`);
    expect(inspected.Layers[0]).toBe(await (await source.layers())[0]!.digest());
    // what the registry holds unpacks to the original's file tree
    reg.exportLayout('app/orig:1-squashed', join(tmp, `from-registry-${kind.kind}`), 's');
    expect([...unpack(join(tmp, `from-registry-${kind.kind}`), 's', `from-registry-${kind.kind}`)]).toEqual([...unpack(original, 'v1', `orig3-${kind.kind}`)]);
  });
});
