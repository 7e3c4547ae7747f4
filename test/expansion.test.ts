// Expansion while squash and strip rewrite: a gzip bomb (megabytes of zeros in kilobytes of gzip)
// gets a warning as it expands past the limits of src/rewrite/expansion.ts, and --max-output stops
// a run once what it writes would pass the size given, leaving nothing behind.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { squash } from '../src/rewrite/squash.js';
import { EXPANSION_FLOOR, EXPANSION_RATIO } from '../src/rewrite/expansion.js';
import { buildImage, dir, file, ociLayout, seeded, writeDir } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-expansion-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MB = 1_000_000;

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function outDir(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d);
  return d;
}

let bomb: string;
let plain: string;
let bombBlob = 0;
beforeAll(async () => {
  // 24 MB of zeros: a gzip layer of a few kilobytes
  const img = await buildImage([[file('etc/os-release', 'ID=test\n')], [file('zeros', Buffer.alloc(24 * MB))]]);
  const layout = ociLayout(img, { refName: 'v1' });
  bombBlob = layout.layers[1]!.size;
  bomb = `oci:${writeDir(join(tmp, 'bomb'), layout.files)}:v1`;
  const docs = await buildImage([[dir('usr/'), dir('usr/share/'), dir('usr/share/doc/'), dir('usr/share/doc/pkg/'), file('usr/share/doc/pkg/README', 'read me\n'), file('data', seeded(3 * MB, 7))]]);
  plain = `oci:${writeDir(join(tmp, 'plain'), ociLayout(docs, { refName: 'v1' }).files)}:v1`;
});

describe('the expansion warning', () => {
  it('is documented at 100× and 1 GiB', () => {
    expect([EXPANSION_RATIO, EXPANSION_FLOOR]).toEqual([100, 1024 ** 3]);
  });

  it('names the layer that expands past both limits, once', async () => {
    expect(bombBlob).toBeLessThan(24 * MB / 100); // over 100×
    const warnings: string[] = [];
    const result = await squash(await openImage(bomb), { tmpDir: tmp, compression: 'gzip', onWarning: (m) => warnings.push(m), expansion: { ratio: 100, floor: 4 * MB } });
    await result.dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^layer 2 of 2 expands more than 100× \(blob [\d.]+kB, [\d.]+MB of tar so far\): squash writes what it decompresses; --max-output SIZE stops a run at a size$/);
  });

  it('says nothing of a layer under either limit', async () => {
    const warnings: string[] = [];
    const below = await squash(await openImage(bomb), { tmpDir: tmp, onWarning: (m) => warnings.push(m), expansion: { ratio: 100, floor: 30 * MB } });
    await below.dispose();
    const incompressible = await squash(await openImage(plain), { tmpDir: tmp, onWarning: (m) => warnings.push(m), expansion: { ratio: 100, floor: 0 } });
    await incompressible.dispose();
    expect(warnings).toEqual([]);
  });
});

describe('--max-output', () => {
  it('stops a squash of a gzip bomb once the merged layer passes it, and leaves nothing', () => {
    const out = outDir('squash-stopped');
    const before = readdirSync(tmp).sort();
    const r = whittle('squash', bomb, '-o', join(out, 'bomb.tar'), '--max-output', '5M');
    expect(r.stderr).toMatch(/^whittle: the new layer passed 5MB \(--max-output\) after [\d.]+MB of tar; nothing was written\n$/);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(tmp).sort()).toEqual(before);
  });

  it('counts the bytes written: the same bomb recompressed with gzip fits', () => {
    const out = outDir('squash-gzip');
    const r = whittle('squash', bomb, '-o', join(out, 'bomb.tar'), '--compression', 'gzip', '--max-output', '5M');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out)).toEqual(['bomb.tar']);
  });

  it('is checked against the whole output before it is written (strip keeps the original layers)', () => {
    const out = outDir('strip-stopped');
    const r = whittle('strip', plain, '-o', join(out, 'stripped.tar'), '--max-output', '1M');
    expect(r.stderr).toMatch(/^whittle: the output would take 3(\.\d+)?MB, more than 1MB \(--max-output\); nothing was written\n$/);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('strip --squash stops while writing', () => {
    const out = outDir('strip-squash-stopped');
    const r = whittle('strip', plain, '--squash', '-o', join(out, 'stripped.tar'), '--max-output', '2MB');
    expect(r.stderr).toMatch(/^whittle: the new layer passed 2MB \(--max-output\)/);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('takes sizes as 10G, 500M, 1.5GiB; anything else is a usage error', () => {
    const r = whittle('squash', bomb, '-o', join(tmp, 'x.tar'), '--max-output', 'lots');
    expect(r.stderr).toBe('whittle: --max-output: "lots" is not a size (e.g. 200MB, 1.5GiB)\n');
    expect(r.status).toBe(2);
    const big = outDir('squash-10g');
    expect(whittle('squash', bomb, '-o', join(big, 'bomb.tar'), '--max-output', '10G').status).toBe(0);
  });
});
