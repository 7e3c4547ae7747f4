// A zero-length layer: `docker load` and `umoci unpack` both read an empty file as an empty tar (Go's
// archive/tar ends at once on no input) and check it, like any layer, against its digests. whittle
// does the same in a docker-archive (a zero-length `layer.tar` member) and an OCI layout (a
// zero-length blob): an empty layer with diff_id sha256 of nothing (e3b0c442…) is read and
// squashed; one whose config lists another diff_id is the usual diff_id error (docs/transports.md).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerArchiveMembers, file, ociLayout, packTar, writeDir, writeTar, type TestImage } from './support/image-writer.js';
import { itWith } from './support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-empty-layer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const EMPTY_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** imageWithEmptyLayer is an image whose first layer is zero bytes long; diffId is what its config lists for it. */
async function imageWithEmptyLayer(diffId: string): Promise<TestImage> {
  const top = await packTar([file('hello', 'hi\n')]);
  const layers = [Buffer.alloc(0), top];
  const diffIds = [diffId, sha(top)];
  const config = Buffer.from(
    JSON.stringify({
      os: 'linux',
      architecture: 'amd64',
      config: {},
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [{ created_by: 'empty' }, { created_by: 'hello' }],
    }),
  );
  return { layers, diffIds, config, configDigest: sha(config) };
}

const refs: Record<string, string> = {};
const bad: Record<string, string> = {};
beforeAll(async () => {
  const good = await imageWithEmptyLayer(EMPTY_DIGEST);
  refs['docker-archive'] = `docker-archive:${await writeTar(join(tmp, 'good.tar'), dockerArchiveMembers(good))}`;
  refs.oci = `oci:${writeDir(join(tmp, 'good-oci'), ociLayout(good, { gzip: false, refName: 'v1' }).files)}:v1`;
  // the digest of a 1024-byte all-zero tar: what an empty layer's diff_id would be, had it its end blocks
  const wrong = await imageWithEmptyLayer(sha(Buffer.alloc(1024)));
  bad['docker-archive'] = `docker-archive:${await writeTar(join(tmp, 'bad.tar'), dockerArchiveMembers(wrong))}`;
  bad.oci = `oci:${writeDir(join(tmp, 'bad-oci'), ociLayout(wrong, { gzip: false, refName: 'v1' }).files)}:v1`;
});

describe.each(['docker-archive', 'oci'])('a zero-length layer in %s', (kind) => {
  it('is read as an empty layer', () => {
    const r = whittle('analyze', refs[kind]!, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { layers: { diffId: string; sizes: { compressedBlob: number; uncompressedTar: number }; added: { count: number } }[] };
    expect(out.layers.map((l) => [l.diffId === EMPTY_DIGEST, l.sizes.compressedBlob, l.sizes.uncompressedTar, l.added.count])).toEqual([
      [true, 0, 0, 0],
      [false, expect.any(Number), expect.any(Number), 1],
    ]);
    const ls = whittle('ls', refs[kind]!);
    expect(ls.status).toBe(0);
    expect(ls.stdout.trim().split('\n')).toEqual(['/hello']);
  });

  it('is squashed into an image that reads back', () => {
    const out = join(tmp, `${kind}-squashed.tar`);
    const r = whittle('squash', refs[kind]!, '-o', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(whittle('ls', out).stdout.trim().split('\n')).toEqual(['/hello']);
  });

  it('with a diff_id other than the digest of nothing: the diff_id error, exit 2', () => {
    const r = whittle('analyze', bad[kind]!);
    expect(r.stderr).toMatch(/^whittle: layer 1 \(.*uncompressed content hashes to sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, but the config lists diff_id sha256:5f70bf18a086/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.status).toBe(2);
  });
});

itWith(['umoci'], 'umoci reads the same OCI layout with its zero-length blob', () => {
  const bundle = join(tmp, 'bundle');
  execFileSync('umoci', ['unpack', '--rootless', '--image', refs.oci!.slice('oci:'.length), bundle], { stdio: 'pipe' });
  expect(readFileSync(join(bundle, 'rootfs', 'hello'), 'utf8')).toBe('hi\n');
  expect(existsSync(join(bundle, 'rootfs'))).toBe(true);
});
