// `whittle squash` as users run it: flags, base detection, output transports, exit codes and errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { baseFromHistory } from '../src/rewrite/base.js';
import { describeWith, requireTools } from './support/tools.js';
import { buildImage, dir, dockerArchiveMembers, file, ociLayout, seeded, whiteout, writeDir, writeTar } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-squash-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let source: string;
let baseOnly: string;
const baseLayer = () => [dir('etc/'), file('etc/os-release', 'ID=test\n'), file('base-blob', seeded(10_000, 1))];
beforeAll(async () => {
  baseOnly = writeDir(join(tmp, 'base'), ociLayout(await buildImage([baseLayer()]), { refName: 'b' }).files);
  const img = await buildImage(
    [
      baseLayer(),
      [file('app/big', seeded(50_000, 2))],
      [whiteout('app/big'), file('app/main', 'run\n')],
    ],
  );
  // history: the base layer was made long before the build's two layers
  const config = JSON.parse(img.config.toString()) as { history: { created: string }[] };
  config.history[0]!.created = '2025-06-01T00:00:00Z';
  config.history[1]!.created = '2026-01-01T00:00:00Z';
  config.history[2]!.created = '2026-01-01T00:01:00Z';
  const patched = Buffer.from(JSON.stringify(config));
  const { createHash } = await import('node:crypto');
  source = writeDir(
    join(tmp, 'src'),
    ociLayout({ ...img, config: patched, configDigest: `sha256:${createHash('sha256').update(patched).digest('hex')}` }, { refName: 'v1' }).files,
  );
});

describe('whittle squash', () => {
  it('merges everything by default and reports what it dropped', async () => {
    const out = join(tmp, 'all.tar');
    const r = whittle('squash', `oci:${source}:v1`, '-o', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/squashed 3 of 3 layers into one/);
    expect(r.stdout).toMatch(/dropped 50kB\)/);
    const back = await openImage(out);
    expect(await back.layers()).toHaveLength(1);
  });

  it.for([
    ['docker-archive', 'none', (d: string) => `docker-archive:${join(d, 'out.tar')}:whittle-test/adopt:1`],
    ['docker-archive', 'gzip', (d: string) => `docker-archive:${join(d, 'out.tar')}`],
    ['oci-archive', 'gzip', (d: string) => `oci-archive:${join(d, 'out.oci.tar')}:v1`],
    ['oci-archive', 'none', (d: string) => `oci-archive:${join(d, 'out.oci.tar')}:v1`],
    ['oci', 'gzip', (d: string) => `oci:${join(d, 'layout')}:v1`],
  ] as const)('writes its merged layer into %s (%s) in place: read back with every digest checked, nothing left beside it', async ([, compression, ref], ctx) => {
    const d = mkdtempSync(join(tmp, 'adopt-'));
    const out = ref(d);
    const r = whittle('squash', `oci:${source}:v1`, '--compression', compression, '--json', '-o', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { configDigest: string; mergedLayer: { digest: string; size: number } };
    const back = await openImage(out.replace(/:whittle-test\/adopt:1$/, ''));
    const [layer] = await back.layers();
    const read = await layer!.read();
    for await (const chunk of read.tar) void chunk;
    const stats = await read.stats; // digest, size and diff_id verified against what the manifest and config say
    expect(stats.digest).toBe(summary.mergedLayer.digest);
    expect(stats.size).toBe(summary.mergedLayer.size);
    expect(stats.compression).toBe(compression);
    expect(readdirSync(d).filter((n) => n.startsWith('.'))).toEqual([]);
    if (!out.startsWith('oci:')) {
      requireTools(ctx, 'skopeo');
      const inspect = spawnSync('skopeo', ['inspect', '--raw', out.replace(/:whittle-test\/adopt:1$/, '')], { encoding: 'utf8' });
      expect(inspect.status).toBe(0);
      // skopeo's docker-archive reader names each layer by its diff_id, as docker save's manifest.json does
      expect(inspect.stdout).toContain(out.startsWith('docker-archive:') ? stats.diffId : summary.mergedLayer.digest);
    }
    if (out.startsWith('docker-archive:')) {
      requireTools(ctx, 'docker');
      // the archive starts with the adopted blob, not with oci-layout: docker load takes it all the same
      const load = spawnSync('docker', ['load', '-i', out.slice('docker-archive:'.length).replace(/:whittle-test\/adopt:1$/, '')], { encoding: 'utf8' });
      expect(load.stderr).toBe('');
      expect(load.stdout).toMatch(/Loaded image/);
      const id = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', summary.configDigest], { encoding: 'utf8' });
      expect(id.stdout.trim()).toBe(summary.configDigest);
      spawnSync('docker', ['rmi', '-f', summary.configDigest], { stdio: 'ignore' });
    }
  });

  it('--keep-base finds the base from history and keeps its blob', async () => {
    const r = whittle('squash', `oci:${source}:v1`, '--keep-base', '--json', '-o', `oci:${join(tmp, 'kb')}:out`);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { layersAfter: number; base: { layers: number; how: string } };
    expect(summary.layersAfter).toBe(2);
    expect(summary.base.layers).toBe(1);
    expect(summary.base.how).toMatch(/history/);
    const [src, out] = [await openImage(`oci:${source}:v1`), await openImage(`oci:${join(tmp, 'kb')}:out`)];
    expect(await (await out.layers())[0]!.digest()).toBe(await (await src.layers())[0]!.digest());
  });

  it('--keep-base IMAGE counts the layers shared with the base image', async () => {
    const ok = whittle('squash', `oci:${source}:v1`, '--keep-base', `oci:${baseOnly}:b`, '--json', '-o', join(tmp, 'kbi.tar'));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ layersAfter: 2, base: { layers: 1 } });
    const base = whittle('squash', `oci:${source}:v1`, '--last', '2', '-o', `oci:${join(tmp, 'b2')}:x`);
    expect(base.status).toBe(0);
    // the first layer of the source is the base of the --last 2 result as well
    const r = whittle('squash', `oci:${join(tmp, 'b2')}:x`, '--keep-base', `oci:${source}:v1`, '-o', join(tmp, 'x.tar'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whittle: .* is not built on .*: they share 1 of its 3 layers\n$/);
  });

  it('--last N merges only the top N layers', async () => {
    const r = whittle('squash', `oci:${source}:v1`, '--last', '2', '--json', '-o', join(tmp, 'last.tar'));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ layersBefore: 3, layersAfter: 2, merged: 2, droppedBytes: 50_000 });
  });

  it.each([
    [['--last', '0'], /--last 0: the image has 3 layer\(s\)/],
    [['--last', 'x'], /--last needs a whole number/],
    [['--last', '1', '--keep-base', '1'], /cannot be used together/],
    [['--keep-base', '3'], /nothing to squash/],
  ])('refuses %j with one line and exit 2', (flags, message) => {
    const r = whittle('squash', `oci:${source}:v1`, ...flags, '-o', join(tmp, 'never.tar'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('needs to know how to write a bare output path', () => {
    const r = whittle('squash', `oci:${source}:v1`, '-o', join(tmp, 'somewhere'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot tell how to write .*name a transport/);
  });

  it('leaves no output behind when the input is missing', () => {
    const r = whittle('squash', join(tmp, 'missing.tar'), '-o', join(tmp, 'out-missing.tar'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whittle: .*missing\.tar/);
    expect(readdirSync(tmp).filter((n) => n.includes('out-missing'))).toEqual([]);
  });
});

describe('base layers from history', () => {
  const h = (created: string, empty = false) => ({ created, created_by: 'x', ...(empty ? { empty_layer: true } : {}) });
  it('splits at the widest gap of over an hour, counting only non-empty entries', () => {
    expect(baseFromHistory([h('2024-01-01T00:00:00Z'), h('2024-01-01T00:00:01Z', true), h('2024-01-01T00:00:02Z'), h('2026-01-01T00:00:00Z'), h('2026-01-01T00:05:00Z')], 4)).toMatchObject({ count: 2 });
  });
  it('gives up when every entry has the same time (reproducible builds) or none has one', () => {
    expect(baseFromHistory([h('1970-01-01T00:00:00Z'), h('1970-01-01T00:00:00Z')], 2)).toBeNull();
    expect(baseFromHistory([{ created_by: 'a' }, { created_by: 'b' }], 2)).toBeNull();
  });
});

describe('whittle squash to a bare PATH.tar', () => {
  let tagged: string;
  beforeAll(async () => {
    tagged = await writeTar(join(tmp, 'tagged-src.tar'), dockerArchiveMembers(await buildImage([baseLayer(), [file('app/main', 'run\n')]]), 'whittle-test/tagged-src:1'));
  });

  it('tags the archive whittle/NAME:squashed when the source has no tag, NAME from the file name', async () => {
    const out = join(tmp, 'My_App.v2.tar');
    const r = whittle('squash', `oci:${source}:v1`, '-o', out);
    expect(r.status).toBe(0);
    expect(await (await openImage(out)).tags()).toEqual(['whittle/my-app-v2:squashed']);
  });

  it('whittle strip tags it whittle/NAME:stripped', async () => {
    const out = join(tmp, 'stripped-app.tar');
    const r = whittle('strip', `oci:${source}:v1`, '--remove', 'app/main', '-o', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(await (await openImage(out)).tags()).toEqual(['whittle/stripped-app:stripped']);
  });

  it("keeps the source's own tag", async () => {
    const out = join(tmp, 'retagged.tar');
    const r = whittle('squash', tagged, '-o', out);
    expect(r.status).toBe(0);
    expect(await (await openImage(out)).tags()).toEqual(['whittle-test/tagged-src:1']);
  });

  it('lets :name:tag win', async () => {
    const out = join(tmp, 'named.tar');
    expect(whittle('squash', tagged, '-o', `docker-archive:${out}:whittle-test/named:2`).status).toBe(0);
    expect(await (await openImage(out)).tags()).toEqual(['whittle-test/named:2']);
  });

  describeWith(['docker'], 'loaded by docker', () => {
    it.each([
      ['an untagged source', () => `oci:${source}:v1`, 'whittle-load-check.tar', 'whittle/whittle-load-check:squashed'],
      ['a tagged source', () => tagged, 'whittle-load-tagged.tar', 'whittle-test/tagged-src:1'],
    ])('%s: docker load names the image', (_, input, name, tag) => {
      const out = join(tmp, name);
      expect(whittle('squash', input(), '-o', out).status).toBe(0);
      const load = spawnSync('docker', ['load', '-i', out], { encoding: 'utf8' });
      try {
        expect(load.stderr).toBe('');
        expect(load.stdout).toContain(`Loaded image: ${tag}`);
      } finally {
        spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
      }
    });
  });
});
