// Pushing with writeToRegistry, against the in-process registry and (when installed; CI requires
// it) a real docker-registry judged by skopeo: what arrived is read back without whittle.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { writeToRegistry } from '../src/sinks/registry.js';
import { InProcessRegistry } from './support/registry-server.js';
import { describeWith, itWith } from './support/tools.js';
import { ociFixture, REGISTRY_KINDS, skopeo, type Fixture, type TestRegistry } from './registry-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-pushtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

for (const kind of REGISTRY_KINDS) describeWith(kind.tools, `writeToRegistry (${kind.kind})`, () => {
  let reg: TestRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await kind.start();
    fx = ociFixture(tmp, 'push');
  });
  afterAll(async () => reg?.stop());

  it('pushes an OCI layout image that skopeo reads with the same digests', async () => {
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/pushed/app:v1`);
    expect(r.digest).toBe(fx.manifestDigest);
    expect(r.uploaded.sort()).toEqual([...fx.layerDigests, fx.configDigest].sort());
    const inspected = reg.inspect('pushed/app:v1');
    expect(inspected.Digest).toBe(fx.manifestDigest);
    expect(inspected.Layers).toEqual(fx.layerDigests);
    if (reg.kind === 'docker-registry') {
      // skopeo copies it out and back into a layout: the blobs are intact.
      const out = join(tmp, 'out');
      skopeo('copy', '--preserve-digests', '--src-tls-verify=false', `docker://${reg.host}/pushed/app:v1`, `oci:${out}:v1`);
      const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
      expect(index.manifests[0]!.digest).toBe(fx.manifestDigest);
    }
    // and whittle reads it back from the registry.
    const back = await openImage(`docker://${reg.host}/pushed/app:v1`);
    expect(await back.digest()).toBe(fx.manifestDigest);
  });

  it('sends no blob the second time', async () => {
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/pushed/app:v2`);
    expect(r.uploaded).toEqual([]);
    expect(r.existing.length).toBe(3);
    expect(reg.inspect('pushed/app:v2').Digest).toBe(fx.manifestDigest);
  });

  it('uploads in PATCH chunks when asked', async () => {
    const fx3 = ociFixture(tmp, 'chunked');
    const image = await openImage(`oci:${fx3.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/chunked/app:v1`, { chunkSize: 100 });
    expect(r.uploaded.length).toBe(3);
    expect(reg.inspect('chunked/app:v1').Digest).toBe(fx3.manifestDigest);
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

  it('pushes what was pushed elsewhere without whittle (registry → registry round trip)', async () => {
    const fx2 = ociFixture(tmp, 'judge');
    reg.seed(fx2.dir, 'v1', 'judge/src:v1');
    const src = await openImage(`docker://${reg.host}/judge/src:v1`);
    const r = await writeToRegistry(src, `${reg.host}/judge/dst:v1`);
    expect(r.digest).toBe(fx2.manifestDigest);
    // same registry: the source repository is mounted from, nothing is uploaded.
    expect(r.uploaded).toEqual([]);
    expect(r.mounted.length).toBe(3);
    expect(reg.inspect('judge/dst:v1').Digest).toBe(fx2.manifestDigest);
  });
});


describe('writeToRegistry, what the in-process registry saw', () => {
  let reg: InProcessRegistry;
  beforeAll(async () => {
    reg = await InProcessRegistry.start();
  });
  afterAll(async () => reg?.stop());

  it('uploads each blob by POST then PUT ?digest=, HEADs first, and PUTs the manifest by tag', async () => {
    const fx = ociFixture(tmp, 'seen');
    await writeToRegistry(await openImage(`oci:${fx.dir}:v1`), `${reg.host}/seen/app:v1`);
    const calls = reg.requests.map((r) => `${r.method} ${r.path.replace(/uploads\/[0-9a-f-]+$/, 'uploads/ID')}`);
    for (const d of [...fx.layerDigests, fx.configDigest]) {
      expect(calls).toContain(`HEAD /v2/seen/app/blobs/${d}`);
      expect(reg.hasBlobIn('seen/app', d)).toBe(true);
    }
    expect(calls.filter((c) => c === 'POST /v2/seen/app/blobs/uploads/')).toHaveLength(3);
    expect(calls.filter((c) => c === 'PUT /v2/seen/app/blobs/uploads/ID')).toHaveLength(3);
    expect(calls.at(-1)).toBe('PUT /v2/seen/app/manifests/v1');
    expect(reg.inspect('seen/app', 'v1')).toMatchObject({ Digest: fx.manifestDigest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
  });

  it('sends chunks with Content-Range, in order', async () => {
    const fx = ociFixture(tmp, 'chunks');
    const from = reg.requests.length;
    await writeToRegistry(await openImage(`oci:${fx.dir}:v1`), `${reg.host}/chunks/app:v1`, { chunkSize: 64 });
    const patches = reg.requests.slice(from).filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(3);
    expect(reg.inspect('chunks/app', 'v1').Digest).toBe(fx.manifestDigest);
  });

  it('asks nothing about the blobs an earlier push of the same process found or put (known)', async () => {
    const fx = ociFixture(tmp, 'known');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const known = new Set<string>();
    await writeToRegistry(image, `${reg.host}/known/app:v1`, { known });
    expect([...known].sort()).toEqual([...fx.layerDigests, fx.configDigest].sort());
    const from = reg.requests.length;
    const r = await writeToRegistry(image, `${reg.host}/known/app:v2`, { known });
    expect(reg.requests.slice(from).map((q) => `${q.method} ${q.path}`)).toEqual(['PUT /v2/known/app/manifests/v2']);
    expect(r.existing.sort()).toEqual([...known].sort());
  });
});
