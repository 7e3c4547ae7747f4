// docker-daemon: as a source and a sink against the local Docker engine (skipped without one).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/transports/open.js';
import { daemonImage } from '../../src/sources/daemon/index.js';
import { loadIntoDaemon } from '../../src/sinks/daemon.js';
import { ociFixture } from '../registry-helpers.js';
import { describeWith } from '../support/tools.js';
import { tinyElf } from '../support/tiny-elf.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-daemontest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}


const TAG = `whittle-test/daemon-fixture:${process.pid}`;
const LOADED = `whittle-test/daemon-loaded:${process.pid}`;
const RUNNABLE = `whittle-test/daemon-runnable:${process.pid}`;

describeWith(['docker'], 'docker-daemon: against a Docker engine', () => {
  beforeAll(() => {
    const root = join(tmp, 'rootfs');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'hello'), 'hello from whittle\n');
    writeFileSync(join(root, 'hello'), tinyElf());
    chmodSync(join(root, 'hello'), 0o755);
    const tarFile = join(tmp, 'rootfs.tar');
    execFileSync('tar', ['-C', root, '-cf', tarFile, '.']);
    docker('import', '--change', 'CMD ["/hello"]', tarFile, TAG);
  });
  afterAll(() => {
    for (const t of [TAG, LOADED, RUNNABLE, `whittle-test/daemon-broken:${process.pid}`]) {
      try {
        docker('rmi', '-f', t);
      } catch {
        /* already gone */
      }
    }
  });

  it('reads the same image as docker save gives to docker-archive:', async () => {
    const fromDaemon = await openImage(`docker-daemon:${TAG}`);
    const saved = join(tmp, 'saved.tar');
    docker('save', '-o', saved, TAG);
    const fromArchive = await openImage(`docker-archive:${saved}`);
    expect(await fromDaemon.digest()).toBe(await fromArchive.digest());
    expect(await fromDaemon.configDigest()).toBe(await fromArchive.configDigest());
    const id = docker('image', 'inspect', '--format', '{{.Id}}', TAG).trim();
    expect(await fromDaemon.configDigest()).toBe(id);
    const dl = await fromDaemon.layers();
    const al = await fromArchive.layers();
    expect(await Promise.all(dl.map((l) => l.diffId()))).toEqual(await Promise.all(al.map((l) => l.diffId())));
    const first = await dl[0]!.read();
    first.tar.resume();
    const stats = await first.stats;
    expect(stats.diffId).toBe(await dl[0]!.diffId());
    expect(await fromDaemon.tags()).toContain(TAG);
  });

  it('says clearly when the image or the engine is missing', async () => {
    await expect(openImage('docker-daemon:whittle-test/no-such-image:nope')).rejects.toThrow(/no such image in the engine/);
    await expect(daemonImage('x', 'x', {}, { socketPath: join(tmp, 'no.sock'), display: `unix://${join(tmp, 'no.sock')}` })).rejects.toThrow(
      /no Docker engine is running at unix:\/\/.*no\.sock/,
    );
  });

  it('loads an OCI image into the engine with the same image ID', async () => {
    const fx = ociFixture(tmp, 'daemon');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const id = await loadIntoDaemon(image, LOADED);
    expect(id).toBe(fx.configDigest);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', LOADED).trim()).toBe(fx.configDigest);
    const back = await openImage(`docker-daemon:${LOADED}`);
    expect(await back.configDigest()).toBe(fx.configDigest);
  });

  it('a loaded image runs', async () => {
    const image = await openImage(`docker-daemon:${TAG}`);
    await loadIntoDaemon(image, RUNNABLE);
    expect(docker('run', '--rm', RUNNABLE).trim()).toBe('ok');
  });

  it('surfaces the engine error hidden in a 200 load response', async () => {
    const fx = ociFixture(tmp, 'broken');
    const image = await openImage(`oci:${fx.dir}:v1`);
    // A config whose diff_ids do not match the layers: docker load refuses it, with status 200.
    const raw = JSON.parse(Buffer.from(await image.rawConfig()).toString('utf8')) as { rootfs: { diff_ids: string[] } };
    raw.rootfs.diff_ids[0] = `sha256:${'0'.repeat(64)}`;
    const rawConfig = Buffer.from(JSON.stringify(raw));
    const { createHash } = await import('node:crypto');
    const broken = { ...image, rawConfig: async () => rawConfig, configDigest: async () => `sha256:${createHash('sha256').update(rawConfig).digest('hex')}` };
    await expect(loadIntoDaemon(broken, `whittle-test/daemon-broken:${process.pid}`)).rejects.toThrow(/the engine refused the image/);
  });
});
