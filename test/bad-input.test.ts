// Bad input to `whittle analyze`, as a user meets it: every case must end with exit code 2, one
// stderr line starting `whittle:` that names the problem, no stack trace, and nothing on stdout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobName, buildImage, dockerArchiveMembers, file, hardlink, ociLayout, putBlob, seeded, setIndex, writeDir, writeTar, type TarMember,
} from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function analyze(ref: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', 'analyze', ref, ...flags], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: ReturnType<typeof analyze>, pattern: RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^whittle: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.status).toBe(2);
}

/** layoutWith writes an OCI layout of one image whose single layer holds members. */
async function layoutWith(name: string, members: TarMember[][], opts: Parameters<typeof ociLayout>[1] = {}) {
  const layout = ociLayout(await buildImage(members), { refName: 'x', ...opts });
  return { dir: join(tmp, name), layout };
}

let good: { files: Map<string, Buffer>; layers: { digest: string }[]; manifest: { digest: string } };
beforeAll(async () => {
  const { layout } = await layoutWith('good', [[file('etc/hello', 'hi\n'), file('big', seeded(200_000, 1))], [file('more', seeded(50_000, 2))]]);
  good = layout;
});

const copy = () => new Map([...good.files].map(([k, v]) => [k, Buffer.from(v)]));

describe('whittle analyze on bad input', () => {
  it('a missing file', () => {
    expectOneLine(analyze(join(tmp, 'nope.tar')), /nope\.tar.*(no such file|not found|does not exist)/i);
  });

  it('an unknown transport', () => {
    // `foo:bar` is an image name (looked up in the engine, then the registry); a path after the colon is not
    expectOneLine(analyze('foo:/images/app.tar'), /unknown transport "foo"/);
  });

  it('a file that is no image', () => {
    const p = join(tmp, 'text.tar');
    writeFileSync(p, 'just some text, not a tar\n'.repeat(50));
    expectOneLine(analyze(p), /text\.tar/);
  });

  it('a docker-archive cut in the middle of a layer, and in the middle of a header', async () => {
    const img = await buildImage([[file('big', seeded(300_000, 3))]]);
    const path = await writeTar(join(tmp, 'cut.tar'), dockerArchiveMembers(img));
    const full = readFileSync(path).length;
    const mid = join(tmp, 'cut-mid.tar');
    writeFileSync(mid, readFileSync(path).subarray(0, Math.floor(full / 2)));
    expectOneLine(analyze(`docker-archive:${mid}`), /truncat|ends|missing|not found/i);
    truncateSync(path, 700); // inside the second header block
    expectOneLine(analyze(`docker-archive:${path}`), /truncat|ends|missing|not found|tar/i);
  });

  it('a corrupt gzip layer', () => {
    const files = copy();
    const name = blobName(good.layers[0]!.digest);
    const blob = files.get(name)!;
    blob.fill(0x41, 100, 400); // gzip-shaped start, garbage inside
    writeDir(join(tmp, 'corrupt-gzip'), files);
    expectOneLine(analyze(`oci:${join(tmp, 'corrupt-gzip')}:x`), /layer 1.*(corrupt|digest|invalid)/i);
  });

  it('a layer whose bytes do not match its digest', () => {
    const files = copy();
    const name = blobName(good.layers[1]!.digest);
    const other = gzipSync(Buffer.from('not the layer'));
    files.set(name, other);
    writeDir(join(tmp, 'wrong-digest'), files);
    expectOneLine(analyze(`oci:${join(tmp, 'wrong-digest')}:x`), /layer 2.*(digest|bytes|size)/i);
  });

  it('a config whose diff_id does not match the layer', async () => {
    const img = await buildImage([[file('a', 'a')]]);
    const config = JSON.parse(img.config.toString()) as { rootfs: { diff_ids: string[] } };
    config.rootfs.diff_ids[0] = `sha256:${'0'.repeat(64)}`;
    const patched = Buffer.from(JSON.stringify(config));
    const { createHash } = await import('node:crypto');
    const layout = ociLayout({ ...img, config: patched, configDigest: `sha256:${createHash('sha256').update(patched).digest('hex')}` }, { refName: 'x' });
    writeDir(join(tmp, 'diffid'), layout.files);
    expectOneLine(analyze(`oci:${join(tmp, 'diffid')}:x`), /diff_id/);
  });

  it('a missing blob', () => {
    const files = copy();
    files.delete(blobName(good.layers[1]!.digest));
    writeDir(join(tmp, 'missing-blob'), files);
    expectOneLine(analyze(`oci:${join(tmp, 'missing-blob')}:x`), /layer 2|missing|not found|no such/i);
  });

  it('an unknown layer media type', async () => {
    const { layout } = await layoutWith('mt', [[file('a', 'a')]], { layerMediaType: 'application/x-mystery' });
    writeDir(join(tmp, 'media-type'), layout.files);
    expectOneLine(analyze(`oci:${join(tmp, 'media-type')}:x`), /unsupported media type application\/x-mystery/);
  });

  it('a layer entry that climbs out with ../', async () => {
    const { layout } = await layoutWith('tr', [[file('../../etc/evil', 'x')]]);
    writeDir(join(tmp, 'traversal'), layout.files);
    expectOneLine(analyze(`oci:${join(tmp, 'traversal')}:x`), /\.\.\/\.\.\/etc\/evil/);
  });

  it('a hard link that points outside the image', async () => {
    const { layout } = await layoutWith('hl', [[file('a', 'a'), hardlink('b', '../../etc/shadow')]]);
    writeDir(join(tmp, 'hardlink-out'), layout.files);
    expectOneLine(analyze(`oci:${join(tmp, 'hardlink-out')}:x`), /etc\/shadow/);
  });

  it('an index with no manifest for the platform lists what it has (default linux/amd64, or --platform)', () => {
    const files = copy();
    const manifest = files.get(blobName(good.manifest.digest))!;
    const arm = putBlob(files, 'application/vnd.oci.image.manifest.v1+json', manifest, { platform: { os: 'linux', architecture: 'arm64' } });
    const s390 = { ...arm, platform: { os: 'linux', architecture: 's390x' } };
    setIndex(files, [arm, s390]);
    writeDir(join(tmp, 'platform'), files);
    expectOneLine(analyze(`oci:${join(tmp, 'platform')}`), /no image for linux\/amd64 \(available: linux\/arm64, linux\/s390x\)/);
    expectOneLine(analyze(`oci:${join(tmp, 'platform')}`, '--platform', 'linux/riscv64'), /no image for linux\/riscv64/);
  });
});
