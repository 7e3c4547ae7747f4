// Images written by real tools, read by whittle: skopeo's docker-archive and oci-archive (copied
// from an OCI layout the test makes) and a layout umoci built from a file tree. Digests must be the
// ones the tools report, and the file trees the same.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../src/analyze/run.js';
import { openImage } from '../src/transports/open.js';
import { describeWith } from './support/tools.js';
import { buildImage, dir, file, hardlink, ociLayout, seeded, symlink, whiteout, writeDir } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-real-tools-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const inspect = (ref: string) => JSON.parse(execFileSync('skopeo', ['inspect', ref], { encoding: 'utf8' })) as { Digest: string; Layers: string[] };
const inspectConfig = (ref: string) => JSON.parse(execFileSync('skopeo', ['inspect', '--config', ref], { encoding: 'utf8' })) as { rootfs: { diff_ids: string[] } };

describeWith(['skopeo'], 'archives skopeo wrote', () => {
  let layout = '';
  beforeAll(async () => {
    const img = await buildImage([
      [dir('etc/'), file('etc/os-release', 'ID=test\n'), file('big', seeded(100_000, 1)), symlink('link', 'big'), hardlink('big2', 'big')],
      [whiteout('big'), file('etc/os-release', 'ID=test2\n')],
    ]);
    layout = writeDir(join(tmp, 'layout'), ociLayout(img, { refName: 'v1' }).files);
  });

  it.each(['docker-archive', 'oci-archive'])('%s: the digests skopeo reports and the same analysis as the source', async (transport) => {
    const out = join(tmp, `${transport}.tar`);
    execFileSync('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `${transport}:${out}${transport === 'docker-archive' ? ':whittle-test/real:1' : ':v1'}`]);
    const image = await openImage(`${transport}:${out}`);
    const judge = inspectConfig(`${transport}:${out}`);
    expect((await image.config()).rootfs.diff_ids).toEqual(judge.rootfs.diff_ids);
    if (transport === 'oci-archive') expect(await image.digest()).toBe(inspect(`${transport}:${out}`).Digest);
    const [a, b] = [await analyzeImage(await openImage(`oci:${layout}:v1`)), await analyzeImage(image)];
    expect(b.sizes.finalFilesystem).toBe(a.sizes.finalFilesystem);
    expect(b.wasted).toEqual(a.wasted);
    expect(b.layers.map((l) => l.sizes.fileContent)).toEqual(a.layers.map((l) => l.sizes.fileContent));
  });
});

describeWith(['umoci', 'skopeo'], 'a layout umoci built', () => {
  it('reads with the manifest digest skopeo reports and the files umoci packed', async () => {
    const d = join(tmp, 'umoci');
    execFileSync('umoci', ['init', '--layout', d]);
    execFileSync('umoci', ['new', '--image', `${d}:t`]);
    const bundle = join(tmp, 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${d}:t`, bundle]);
    mkdirSync(join(bundle, 'rootfs', 'app'), { recursive: true });
    writeFileSync(join(bundle, 'rootfs', 'app', 'main'), seeded(30_000, 2));
    chmodSync(join(bundle, 'rootfs', 'app', 'main'), 0o755);
    writeFileSync(join(bundle, 'rootfs', 'app', 'conf'), 'x=1\n');
    execFileSync('umoci', ['repack', '--image', `${d}:t`, bundle]);
    const image = await openImage(`oci:${d}:t`);
    expect(await image.digest()).toBe(inspect(`oci:${d}:t`).Digest);
    const analysis = await analyzeImage(image);
    expect(analysis.sizes.finalFilesystem).toBe(30_000 + 4);
    expect(analysis.sizes.fileCount).toBeGreaterThanOrEqual(2);
  });
});
