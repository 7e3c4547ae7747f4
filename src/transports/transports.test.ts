// The transport table and references as users type them: parsing, bare paths and names, `-`,
// where outputs go, what `--compression auto` picks, and --platform checked against what opened.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dockerArchiveMembers, file, ociLayout, setIndex, writeDir, writeTar } from '../../test/support/image-writer.js';
import { stdinImage } from '../sources/stdin/index.js';
import { TRANSPORTS } from './index.js';
import { openImage } from './open.js';
import { isBareName, parseReference, unknownTransport } from './reference.js';
import { resolveName } from './resolve.js';
import { defaultCompressionOf, localTargetOf, writeImage } from './write.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-transports-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let archive: string;
let archiveBytes: Buffer;
let twoPlatforms: string;
let noPlatform: string;
beforeAll(async () => {
  const img = await buildImage([[file('etc/hello', 'hi\n')]]);
  archive = await writeTar(join(tmp, 'app.tar'), dockerArchiveMembers(img, 'acme/app:1'));
  archiveBytes = readFileSync(archive);
  // an index with an amd64 and an arm64 image
  const arm = await buildImage([[file('etc/arch', 'arm64\n')]], { platform: { os: 'linux', architecture: 'arm64' } });
  const both = ociLayout(img, { platform: { os: 'linux', architecture: 'amd64' } });
  const armLayout = ociLayout(arm, { platform: { os: 'linux', architecture: 'arm64' } });
  for (const [name, data] of armLayout.files) if (name.startsWith('blobs/')) both.files.set(name, data);
  setIndex(both.files, [both.manifest, armLayout.manifest]);
  twoPlatforms = writeDir(join(tmp, 'two'), both.files);
  // one image whose index entry names no platform: only its config says amd64
  noPlatform = writeDir(join(tmp, 'one'), ociLayout(img).files);
});

describe('the transport table', () => {
  it('has one entry per transport, each spelled with its own prefix', () => {
    expect(TRANSPORTS.map((t) => t.name)).toEqual(['docker-archive', 'oci', 'oci-archive', 'docker', 'docker-daemon']);
    for (const t of TRANSPORTS) expect(t.syntax.startsWith(`${t.name}:`)).toBe(true);
  });

  it.each([
    ['docker-archive:a.tar:app:1', { transport: 'docker-archive', path: 'a.tar', ref: 'app:1' }],
    ['oci:dir', { transport: 'oci', path: 'dir' }],
    ['docker://ghcr.io/acme/app:1', { transport: 'docker', path: '//ghcr.io/acme/app', ref: '1' }],
    ['app.tar', { transport: '', path: 'app.tar' }],
    ['alpine:3.20', { transport: '', path: 'alpine:3.20' }],
  ])('parses %s', (reference, parsed) => {
    expect(parseReference(reference)).toEqual(parsed);
  });

  it('refuses an empty reference and a transport without a path', () => {
    expect(() => parseReference('')).toThrow('empty image reference');
    expect(() => parseReference('oci:')).toThrow('oci: needs a path');
  });

  it.each([
    ['alpine', true],
    ['alpine:3.20', true],
    ['ghcr.io/acme/app:1', true],
    ['localhost:5000/app', true],
    [`app@sha256:${'a'.repeat(64)}`, true],
    ['app.tar', false],
    ['./app', false],
    ['/images/app', false],
    ['App:1', false],
    ['foo:/images/app.tar', false],
  ])('%s is a bare image name: %s', (reference, bare) => {
    expect(isBareName(reference)).toBe(bare);
  });

  it('names the known transports when a prefix is none of them', () => {
    expect(unknownTransport('foo:/x')?.message).toBe(
      'unknown transport "foo" in "foo:/x" (known: docker-archive, oci, oci-archive, docker, docker-daemon; or give a path or an image name)',
    );
    expect(unknownTransport('/x')).toBeNull();
  });
});

describe('bare names', () => {
  it('resolve to the engine when it has the image, else to the registry', async () => {
    expect(await resolveName('alpine:3.20', async (n) => n === 'alpine:3.20')).toBe('docker-daemon:alpine:3.20');
    expect(await resolveName('alpine:3.20', async () => false)).toBe('docker://alpine:3.20');
  });

  it('lose to an existing path of the same spelling', async () => {
    const seen: string[] = [];
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const image = await openImage('app.tar', { onResolve: (r) => seen.push(r) });
      expect(image.reference).toBe('app.tar');
    } finally {
      process.chdir(cwd);
    }
    expect(seen).toEqual([]);
  });
});

describe('- (standard input)', () => {
  it('reads a docker save stream, spooled under the temp directory, and removes the spool when opening fails', async () => {
    const spools = join(tmp, 'spools');
    mkdirSync(spools);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = spools; // os.tmpdir() follows it
    try {
      const image = await stdinImage('-', {}, Readable.from([archiveBytes]));
      expect(await image.tags()).toEqual(['acme/app:1']);
      expect(readdirSync(spools).filter((n) => n.startsWith('whittle-stdin-'))).toHaveLength(1);
      await expect(stdinImage('-', {}, Readable.from([Buffer.from('not a tar')]))).rejects.toThrow(/^standard input /);
      expect(readdirSync(spools).filter((n) => n.startsWith('whittle-stdin-'))).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('refuses a terminal', async () => {
    await expect(stdinImage('-', {}, Object.assign(Readable.from([]), { isTTY: true }))).rejects.toThrow(/standard input \(-\), but it is a terminal/);
  });
});

describe('--platform', () => {
  it('picks the asked platform from an index', async () => {
    const image = await openImage(`oci:${twoPlatforms}`, { platform: 'linux/arm64' });
    expect((await image.config()).architecture).toBe('arm64');
  });

  it('is an error when no manifest of an index matches, not a fallback to another', async () => {
    await expect(openImage(`oci:${twoPlatforms}`, { platform: 'linux/s390x' })).rejects.toMatchObject({
      code: 'no-matching-platform',
      message: expect.stringMatching(/has no image for linux\/s390x \(available: linux\/amd64, linux\/arm64\)/),
    });
  });

  it('is checked against the config when nothing else names a platform', async () => {
    await expect(openImage(`oci:${noPlatform}`, { platform: 'linux/arm64' })).rejects.toMatchObject({
      code: 'no-matching-platform',
      message: `oci:${noPlatform} is an image for linux/amd64, not linux/arm64`,
    });
    await expect(openImage(archive, { platform: 'linux/arm64' })).rejects.toThrow(/is an image for linux\/amd64, not linux\/arm64/);
    expect((await (await openImage(archive, { platform: 'linux/amd64' })).config()).architecture).toBe('amd64');
  });
});

describe('outputs', () => {
  it.each([
    ['x/out.tar', 'none', 512],
    ['docker-archive:x/out.tar:app:1', 'none', 512],
    ['oci-archive:x/out.tar', 'gzip', 512],
    ['oci:x/layout', 'gzip', 0],
    ['docker://r.example/app:1', 'gzip', null],
    ['docker-daemon:app:1', 'none', null],
  ])('%s: --compression auto is %s, local reserve %s', (reference, compression, reserve) => {
    expect(defaultCompressionOf(reference)).toBe(compression);
    expect(localTargetOf(reference)?.reserve ?? null).toBe(reserve);
  });

  it('needs a transport or .tar for a bare output path', async () => {
    expect(() => defaultCompressionOf('x/out')).toThrow(/cannot tell how to write "x\/out": name a transport \(docker-archive:, oci:/);
    await expect(writeImage(await openImage(archive), join(tmp, 'out'))).rejects.toMatchObject({ code: 'usage' });
  });
});

describe('names an output cannot have', () => {
  it('are refused by each sink itself, before it writes anything', async () => {
    const { writeDockerArchive, writeOciArchive, writeOciLayout } = await import('../sinks/layout.js');
    const { writeToRegistry } = await import('../sinks/registry.js');
    const { loadIntoDaemon } = await import('../sinks/daemon.js');
    const { RegistryClient } = await import('../sources/registry/client.js');
    const image = await openImage(archive);
    const out = mkdtempSync(join(tmp, 'bad-names-'));
    await expect(writeDockerArchive(image, join(out, 'a.tar'), 'BAD TAG!!')).rejects.toMatchObject({ code: 'bad-reference', message: expect.stringMatching(/invalid repository name "BAD TAG!!"/) });
    await expect(writeDockerArchive(image, join(out, 'a.tar'), `app@sha256:${'a'.repeat(64)}`)).rejects.toThrow(/a tag cannot hold a digest/);
    await expect(writeOciLayout(image, join(out, 'layout'), '../../evil')).rejects.toMatchObject({ code: 'bad-reference', message: expect.stringMatching(/invalid ref name "\.\.\/\.\.\/evil"/) });
    await expect(writeOciArchive(image, join(out, 'b.tar'), 'a/../b')).rejects.toMatchObject({ code: 'bad-reference' });
    await expect(writeToRegistry(image, '127.0.0.1:99999/x')).rejects.toMatchObject({ code: 'bad-reference', message: expect.stringMatching(/port "99999"/) });
    await expect(loadIntoDaemon(image, 'Bad:1', { engine: { socketPath: join(out, 'no.sock') } as never })).rejects.toMatchObject({ code: 'bad-reference' });
    expect(() => new RegistryClient('[::1:15001')).toThrow(/invalid registry host "\[::1:15001"/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('are refused by the table before anything is read', () => {
    for (const ref of ['docker-archive:x.tar:BAD TAG!!', 'oci:x:../../evil', 'oci-archive:x.tar:a b', 'docker://host/repo:bad tag', 'docker://[::1:15001/x', 'docker-daemon:Bad']) {
      expect(() => defaultCompressionOf(ref)).toThrow(expect.objectContaining({ code: 'bad-reference' }));
    }
    const docker = TRANSPORTS.find((t) => t.name === 'docker-archive')!;
    expect(() => docker.check({ transport: 'docker-archive', path: 'x.tar', ref: '@1' }, 'read')).not.toThrow();
    expect(() => docker.check({ transport: 'docker-archive', path: 'x.tar', ref: '@1' }, 'write')).toThrow(/malformed digest|invalid repository/);
  });
});
