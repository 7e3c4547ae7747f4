// Sources read the same image the same way whatever the container: a legacy `docker save`
// directory layout packed by GNU tar (with a layer.tar that is a symlink, as Docker writes for
// repeated layers), the Docker 25+ form, an OCI layout, and an OCI archive.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openImage } from '../transports/open.js';
import { scanLayer } from '../layers/scan.js';
import { MediaType } from '../image/mediatypes.js';

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function layerTar(dir: string, files: Record<string, string>): Buffer {
  const root = mkdtempSync(join(dir, 'layer-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return execFileSync('tar', ['-C', root, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', '-', ...Object.keys(files)]);
}

function fixture() {
  const dir = tempDir('whittle-src-');
  const l1 = layerTar(dir, { 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n', 'app/big': 'x'.repeat(5000) });
  const l2 = layerTar(dir, { 'app/.wh.big': '' });
  const diffIds = [l1, l2, l1].map((l) => `sha256:${sha(l)}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [{ created_by: 'ADD rootfs' }, { created_by: 'RUN rm /app/big' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'ADD rootfs again' }],
    }),
  );
  return { dir, l1, l2, config, diffIds };
}

function legacyArchive() {
  const f = fixture();
  const root = join(f.dir, 'legacy');
  mkdirSync(join(root, 'aaa'), { recursive: true });
  mkdirSync(join(root, 'bbb'));
  mkdirSync(join(root, 'ccc'));
  writeFileSync(join(root, 'aaa', 'layer.tar'), f.l1);
  writeFileSync(join(root, 'bbb', 'layer.tar'), f.l2);
  symlinkSync('../aaa/layer.tar', join(root, 'ccc', 'layer.tar')); // what Docker writes for a repeated layer
  writeFileSync(join(root, `${sha(f.config)}.json`), f.config);
  writeFileSync(
    join(root, 'manifest.json'),
    JSON.stringify([{ Config: `${sha(f.config)}.json`, RepoTags: ['example.com/app:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar', 'ccc/layer.tar'] }]),
  );
  const out = join(f.dir, 'legacy.tar');
  execFileSync('tar', ['-C', root, '-cf', out, '.']);
  return { ...f, out, root };
}

function ociLayout(opts: { docker25?: boolean; gzip?: boolean } = {}) {
  const f = fixture();
  const root = join(f.dir, 'layout');
  mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
  const put = (b: Buffer) => {
    writeFileSync(join(root, 'blobs', 'sha256', sha(b)), b);
    return sha(b);
  };
  const blobs = [f.l1, f.l2, f.l1].map((l) => (opts.gzip ? gzipSync(l) : l));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: `sha256:${put(f.config)}`, size: f.config.length },
      layers: blobs.map((b) => ({ mediaType: opts.gzip ? MediaType.ociLayerGzip : MediaType.ociLayer, digest: `sha256:${put(b)}`, size: b.length })),
    }),
  );
  put(manifest);
  writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(root, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: opts.docker25
        ? null
        : [{ mediaType: MediaType.ociManifest, digest: `sha256:${sha(manifest)}`, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
    }),
  );
  if (opts.docker25) {
    writeFileSync(
      join(root, 'manifest.json'),
      JSON.stringify([{ Config: `blobs/sha256/${sha(f.config)}`, RepoTags: ['app:1'], Layers: blobs.map((b) => `blobs/sha256/${sha(b)}`) }]),
    );
    writeFileSync(join(root, 'blobs', 'sha256', sha(Buffer.from('{"legacy":"unreferenced"}'))), '{"legacy":"unreferenced"}');
  }
  const out = join(f.dir, 'layout.tar');
  execFileSync('tar', ['-C', root, '-cf', out, '.']);
  return { ...f, root, out };
}

async function summary(ref: string) {
  const image = await openImage(ref);
  const layers = await image.layers();
  const scans = [];
  for (const l of layers) scans.push(await scanLayer(l));
  return {
    diffIds: scans.map((s) => s.stats.diffId),
    paths: scans.map((s) => s.entries.map((e) => `${e.path}${e.whiteout ? `(${e.whiteout})` : ''}:${e.size}`)),
    tags: await image.tags(),
    history: (await image.config()).history?.length,
  };
}

describe('sources agree on the same image', () => {
  it('reads a legacy docker save archive, following a layer.tar symlink', async () => {
    const f = legacyArchive();
    const s = await summary(f.out);
    expect(s.diffIds).toEqual(f.diffIds);
    expect(s.paths[1]).toEqual(['app/big(file):0']);
    expect(s.paths[2]).toEqual(s.paths[0]);
    expect(s.tags).toEqual(['example.com/app:1']);
    // the same archive unpacked in a directory
    expect((await summary(`docker-archive:${f.root}`)).diffIds).toEqual(f.diffIds);
    expect((await summary(`docker-archive:${f.out}:example.com/app:1`)).diffIds).toEqual(f.diffIds);
    expect((await summary(`docker-archive:${f.out}:@0`)).diffIds).toEqual(f.diffIds);
    await expect(openImage(`docker-archive:${f.out}:other:2`)).rejects.toThrow(/no image tagged other:2 \(it has: example.com\/app:1\)/);
  });

  it.each([
    ['uncompressed', false],
    ['gzip', true],
  ])('reads an OCI layout and archive with %s layers', async (_label, gzip) => {
    const f = ociLayout({ gzip });
    for (const ref of [f.root, `oci:${f.root}:v1`, f.out, `oci-archive:${f.out}`, `oci-archive:${f.out}:v1`]) {
      const s = await summary(ref);
      expect(s.diffIds).toEqual(f.diffIds);
      expect(s.paths[0]).toEqual(['etc/passwd:26', 'app/big:5000']);
      expect(s.tags).toEqual(['v1']);
    }
  });

  it('prefers manifest.json in a Docker 25+ archive whose index.json lists no manifests', async () => {
    const f = ociLayout({ docker25: true });
    const s = await summary(f.out);
    expect(s.diffIds).toEqual(f.diffIds);
    expect(s.tags).toEqual(['app:1']);
    expect(s.history).toBe(4);
  });

  it.each([
    ['a tampered layer', (root: string, f: ReturnType<typeof ociLayout>) => writeFileSync(join(root, 'blobs', 'sha256', sha(f.l2)), Buffer.concat([f.l2.subarray(0, 1024), Buffer.alloc(f.l2.length - 1024, 1)])), /blob digest is sha256:/],
    ['a missing layer', (root: string, f: ReturnType<typeof ociLayout>) => execFileSync('rm', [join(root, 'blobs', 'sha256', sha(f.l2))]), /blob sha256:[0-9a-f]+ is missing/],
    ['a tampered config', (root: string, f: ReturnType<typeof ociLayout>) => writeFileSync(join(root, 'blobs', 'sha256', sha(f.config)), f.config.toString().replace('amd64', 'arm64')), /config blob hashes to/],
  ])('fails cleanly on %s', async (_label, damage, message) => {
    const f = ociLayout();
    damage(f.root, f);
    await expect(summary(`oci:${f.root}`)).rejects.toThrow(message);
  });

  it('refuses an artifact that is not a container image', async () => {
    const f = ociLayout();
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: `sha256:${sha(f.config)}`, size: f.config.length },
        layers: [],
      }),
    );
    writeFileSync(join(f.root, 'blobs', 'sha256', sha(manifest)), manifest);
    writeFileSync(join(f.root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, digest: `sha256:${sha(manifest)}`, size: manifest.length }] }));
    await expect(summary(`oci:${f.root}`)).rejects.toThrow(/not a container image/);
  });

  it('names the problem for paths that are not images', async () => {
    const f = fixture();
    const notTar = join(f.dir, 'notes.txt');
    writeFileSync(notTar, 'hello, this is not a tar archive at all'.repeat(20));
    await expect(openImage(notTar)).rejects.toThrow(/is not a tar archive/);
    const empty = join(f.dir, 'empty.tar');
    writeFileSync(empty, '');
    await expect(openImage(empty)).rejects.toThrow(/is empty/);
    await expect(openImage(join(f.dir, 'missing.tar'))).rejects.toThrow(/no such file or directory/);
    await expect(openImage(`oci:${join(f.dir, 'notes.txt')}`)).rejects.toThrow(/not a directory/);
    expect(readFileSync(notTar).length).toBeGreaterThan(0);
  });
});
