// whittle analyze against what a real engine says about an image it built: per-layer sizes equal
// `docker history`, the total equals `docker image inspect`, and the wasted bytes are exactly the
// bytes the Dockerfile wasted. The same image read from the engine (docker-daemon:) analyzes the same.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../../src/analyze/run.js';
import { openImage } from '../../src/transports/open.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-engine-analyze-'));
const TAG = `whittle-test/engine-analyze:${process.pid}`;
afterAll(() => {
  try {
    execFileSync('docker', ['rmi', '-f', TAG], { stdio: 'ignore' });
  } catch {
    /* never built */
  }
  rmSync(tmp, { recursive: true, force: true });
});

const MB = 1024 * 1024;

describeWith(['debian-minbase'], 'analyze an image the engine built', () => {
  let archive = '';
  beforeAll(async () => {
    const base = await ensureMinbase();
    const ctx = join(tmp, 'ctx');
    execFileSync('mkdir', ['-p', ctx]);
    // each wasteful step writes a known number of bytes with head -c, so the waste is exact
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        `FROM ${base}`,
        'RUN head -c 20971520 /dev/urandom > /big.bin',
        'RUN mkdir -p /var/lib/apt/lists && head -c 3145728 /dev/urandom > /var/lib/apt/lists/demo_bookworm_Packages',
        'RUN head -c 5242880 /dev/urandom > /data.bin',
        'RUN rm /big.bin',
        'RUN chmod 600 /data.bin',
        'ENV APP=1',
        'CMD ["bash"]',
        '',
      ].join('\n'),
    );
    execFileSync('docker', ['build', '-q', '-t', TAG, ctx], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    archive = join(tmp, 'image.tar');
    execFileSync('docker', ['save', '-o', archive, TAG]);
  }, 600_000);

  it('has the layer sizes docker history reports, the size docker images reports, and exactly the wasted bytes', async () => {
    const analysis = await analyzeImage(await openImage(`docker-archive:${archive}`));
    // docker history lists newest first, with a 0 for instructions that made no layer
    const history = execFileSync('docker', ['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', TAG], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .reverse()
      .map((l) => ({ size: Number(l.split('\t')[0]), createdBy: l.split('\t')[1] ?? '' }));
    const layerSizes = analysis.layers.map((l) => l.sizes.docker);
    const nonEmpty = history.filter((h) => !/ENV |CMD /.test(h.createdBy) || h.size > 0);
    expect(layerSizes).toHaveLength(nonEmpty.length);
    expect(layerSizes).toEqual(nonEmpty.map((h) => h.size));
    const inspectSize = Number(execFileSync('docker', ['image', 'inspect', '-f', '{{.Size}}', TAG], { encoding: 'utf8' }).trim());
    expect(analysis.sizes.docker).toBe(inspectSize);
    // the deleted 20 MiB file and the chmod copy of the 5 MiB file are the only bytes that do not reach the end
    expect(analysis.wasted.bytes).toBe(20 * MB + 5 * MB);
    const byPath = Object.fromEntries(analysis.wasted.top.map((w) => [w.path, w]));
    expect(byPath['big.bin']?.bytes).toBe(20 * MB);
    expect(byPath['data.bin']?.bytes).toBe(5 * MB);
    // the cache left behind is a finding with its bytes
    expect(JSON.stringify(analysis.findings)).toContain('var/lib/apt/lists/demo_bookworm_Packages');
  });

  it('reads the same image from the engine (docker-daemon:) with the same figures', async () => {
    const [fromArchive, fromDaemon] = await Promise.all([
      analyzeImage(await openImage(`docker-archive:${archive}`)),
      analyzeImage(await openImage(`docker-daemon:${TAG}`)),
    ]);
    expect(fromDaemon.image.id).toBe(fromArchive.image.id);
    expect(fromDaemon.layers.map((l) => l.sizes)).toEqual(fromArchive.layers.map((l) => l.sizes));
    expect(fromDaemon.wasted).toEqual(fromArchive.wasted);
  });
});
