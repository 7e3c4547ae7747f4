// Pushing with writeToRegistry to a real registry, skopeo as the judge of what arrived.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { writeToRegistry } from '../src/sinks/registry.js';
import { loadIntoDaemon } from '../src/sinks/daemon.js';
import { execFileSync } from 'node:child_process';
import { hasRegistry, hasSkopeo, ociFixture, skopeo, startRegistry, type Fixture, type RunningRegistry } from './registry-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-pushtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const skipReason = !hasRegistry ? 'docker-registry is not installed' : !hasSkopeo ? 'skopeo is not installed' : '';
if (skipReason) console.warn(`registry push tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== '')('writeToRegistry against a real registry', () => {
  let reg: RunningRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await startRegistry();
    fx = ociFixture(tmp, 'push');
  });
  afterAll(async () => reg?.stop());

  it('pushes an OCI layout image that skopeo reads with the same digests', async () => {
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/pushed/app:v1`);
    expect(r.digest).toBe(fx.manifestDigest);
    expect(r.uploaded.sort()).toEqual([...fx.layerDigests, fx.configDigest].sort());
    const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${reg.host}/pushed/app:v1`)) as { Digest: string; Layers: string[] };
    expect(inspected.Digest).toBe(fx.manifestDigest);
    expect(inspected.Layers).toEqual(fx.layerDigests);
    // skopeo copies it out and back into a layout: the blobs are intact.
    const out = join(tmp, 'out');
    skopeo('copy', '--preserve-digests', '--src-tls-verify=false', `docker://${reg.host}/pushed/app:v1`, `oci:${out}:v1`);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(fx.manifestDigest);
    // and whittle reads it back from the registry.
    const back = await openImage(`docker://${reg.host}/pushed/app:v1`);
    expect(await back.digest()).toBe(fx.manifestDigest);
  });

  it('sends no blob the second time', async () => {
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/pushed/app:v2`);
    expect(r.uploaded).toEqual([]);
    expect(r.existing.length).toBe(3);
    const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${reg.host}/pushed/app:v2`)) as { Digest: string };
    expect(inspected.Digest).toBe(fx.manifestDigest);
  });

  it('uploads in PATCH chunks when asked', async () => {
    const fx3 = ociFixture(tmp, 'chunked');
    const image = await openImage(`oci:${fx3.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/chunked/app:v1`, { chunkSize: 100 });
    expect(r.uploaded.length).toBe(3);
    const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${reg.host}/chunked/app:v1`)) as { Digest: string };
    expect(inspected.Digest).toBe(fx3.manifestDigest);
    const back = await openImage(`docker://${reg.host}/chunked/app:v1`);
    let n = 0;
    for (const l of await back.layers()) for await (const c of (await l.compressed()) as AsyncIterable<Buffer>) n += c.length;
    expect(n).toBeGreaterThan(200);
  });

  it('mounts blobs from another repository of the same registry', async () => {
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/other/app:v1`, { mountFrom: ['pushed/app'] });
    expect(r.uploaded).toEqual([]);
    expect(r.mounted.length).toBe(3);
    const back = await openImage(`docker://${reg.host}/other/app:v1`);
    expect(await back.digest()).toBe(fx.manifestDigest);
  });

  it('pushes what skopeo pushed elsewhere (registry → registry round trip)', async () => {
    const fx2 = ociFixture(tmp, 'judge');
    skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${fx2.dir}:v1`, `docker://${reg.host}/judge/src:v1`);
    const src = await openImage(`docker://${reg.host}/judge/src:v1`);
    const r = await writeToRegistry(src, `${reg.host}/judge/dst:v1`);
    expect(r.digest).toBe(fx2.manifestDigest);
    // same registry: the source repository is mounted from, nothing is uploaded.
    expect(r.uploaded).toEqual([]);
    expect(r.mounted.length).toBe(3);
    const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${reg.host}/judge/dst:v1`)) as { Digest: string };
    expect(inspected.Digest).toBe(fx2.manifestDigest);
  });
});

const hasEngine = (() => {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(skipReason !== '' || !hasEngine)('oci → registry → engine → docker-archive round trip', () => {
  let reg: RunningRegistry;
  const tag = `whittle-test/roundtrip:${process.pid}`;
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => {
    try {
      execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
    } catch {
      /* not loaded */
    }
    await reg?.stop();
  });

  it('keeps the config digest and diff_ids all the way', async () => {
    const fx = ociFixture(tmp, 'roundtrip');
    await writeToRegistry(await openImage(`oci:${fx.dir}:v1`), `${reg.host}/rt/app:v1`);
    const pulled = await openImage(`docker://${reg.host}/rt/app:v1`);
    expect(await pulled.digest()).toBe(fx.manifestDigest);
    await loadIntoDaemon(pulled, tag);
    const saved = join(tmp, 'rt.tar');
    execFileSync('docker', ['save', '-o', saved, tag]);
    const archived = await openImage(`docker-archive:${saved}`);
    expect(await archived.configDigest()).toBe(fx.configDigest);
    expect(await Promise.all((await archived.layers()).map((l) => l.diffId()))).toEqual(fx.diffIds);
  });
});
