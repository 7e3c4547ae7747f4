// The docker:// source against registries: the in-process one (test/support/registry-server.ts)
// always, and Debian's docker-registry (distribution 2.8) fed and judged by skopeo when installed
// (CI requires it). What was put into the registry without whittle, whittle reads with the same
// digests. Faults and Bearer token auth run against the in-process registry's hooks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { registryImage } from '../src/sources/registry/index.js';
import { parseRegistryName } from '../src/sources/registry/name.js';
import { freePort, ociFixture, ociIndexFixture, REGISTRY_KINDS, type Fixture, type TestRegistry } from './registry-helpers.js';
import { InProcessRegistry, type Fault, type RegistryRequest } from './support/registry-server.js';
import { describeWith } from './support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-regtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function drain(image: Awaited<ReturnType<typeof openImage>>): Promise<number> {
  let n = 0;
  for (const layer of await image.layers()) {
    const s = await layer.compressed();
    for await (const c of s as AsyncIterable<Buffer>) n += c.length;
  }
  return n;
}

describe('registry names', () => {
  it('normalizes Docker Hub names as docker does', () => {
    expect(parseRegistryName('nginx')).toEqual({ host: 'docker.io', repository: 'library/nginx', tag: 'latest' });
    expect(parseRegistryName('//user/app:1')).toEqual({ host: 'docker.io', repository: 'user/app', tag: '1' });
    expect(parseRegistryName('localhost:5000/a/b@sha256:' + 'a'.repeat(64))).toEqual({
      host: 'localhost:5000',
      repository: 'a/b',
      digest: 'sha256:' + 'a'.repeat(64),
    });
    expect(parseRegistryName('ghcr.io/o/r:t').host).toBe('ghcr.io');
    expect(() => parseRegistryName('UPPER/case')).toThrow(/invalid repository/);
  });
});

it('says when nothing listens', async () => {
  const port = await freePort();
  await expect(registryImage(`127.0.0.1:${port}/x:v1`, 'x', {}, { backoffMs: 5 })).rejects.toThrow(`cannot connect to 127.0.0.1:${port}`);
});

for (const kind of REGISTRY_KINDS) {
  describeWith(kind.tools, `docker:// source against a registry (${kind.kind})`, () => {
    let reg: TestRegistry;
    let fx: Fixture;
    beforeAll(async () => {
      reg = await kind.start();
      fx = ociFixture(tmp, 'plain');
      reg.seed(fx.dir, 'v1', 'fixture/app:v1');
    });
    afterAll(async () => reg?.stop());

    it('reads what was pushed without whittle, with the same digests', async () => {
      const image = await openImage(`docker://${reg.host}/fixture/app:v1`);
      expect(await image.digest()).toBe(fx.manifestDigest);
      expect(await image.configDigest()).toBe(fx.configDigest);
      const layers = await image.layers();
      expect(await Promise.all(layers.map((l) => l.digest()))).toEqual(fx.layerDigests);
      expect(await Promise.all(layers.map((l) => l.diffId()))).toEqual(fx.diffIds);
      expect(await drain(image)).toBeGreaterThan(0);
      expect(await image.tags()).toEqual([`${reg.host}/fixture/app:v1`]);
      expect(reg.inspect('fixture/app:v1').Digest).toBe(fx.manifestDigest);
    });

    it('picks a platform from an index (--platform)', async () => {
      const ix = ociIndexFixture(tmp, 'multi');
      reg.seed(ix.dir, 'v1', 'fixture/multi:v1');
      const arm = await openImage(`docker://${reg.host}/fixture/multi:v1`, { platform: 'linux/arm64' });
      expect(await arm.digest()).toBe(ix.byArch.arm64);
      expect((await arm.config()).architecture).toBe('arm64');
      const amd = await openImage(`docker://${reg.host}/fixture/multi:v1`);
      expect(await amd.digest()).toBe(ix.byArch.amd64);
      await expect(openImage(`docker://${reg.host}/fixture/multi:v1`, { platform: 'linux/s390x' })).rejects.toThrow(/no image for linux\/s390x/);
    });

    it('reads by digest', async () => {
      const image = await openImage(`docker://${reg.host}/fixture/app@${fx.manifestDigest}`);
      expect(await image.digest()).toBe(fx.manifestDigest);
    });

    it('names host and repository for an unknown tag or repository', async () => {
      await expect(openImage(`docker://${reg.host}/fixture/app:nope`)).rejects.toThrow(`${reg.host}/fixture/app: not found (404)`);
      await expect(openImage(`docker://${reg.host}/no/such:v1`)).rejects.toThrow(/not found \(404\)/);
    });

    it('detects a corrupted blob in storage', async () => {
      const fx2 = ociFixture(tmp, 'corrupt');
      reg.seed(fx2.dir, 'v1', 'fixture/corrupt:v1');
      reg.corruptBlob(fx2.layerDigests[0]!);
      const image = await openImage(`docker://${reg.host}/fixture/corrupt:v1`);
      await expect(drain(image)).rejects.toThrow(/digest|hashes|gzip|invalid|incorrect/i);
    });
  });

  describeWith(kind.kind === 'docker-registry' ? [...kind.tools, 'htpasswd'] : kind.tools, `docker:// with Basic auth (${kind.kind})`, () => {
    let reg: TestRegistry;
    let fx: Fixture;
    beforeAll(async () => {
      reg = await kind.start({ basic: { user: 'alice', pass: 's3cret' } });
      fx = ociFixture(tmp, 'auth');
      reg.seed(fx.dir, 'v1', 'private/app:v1', 'alice:s3cret');
    });
    afterAll(async () => reg?.stop());

    it('reads with --creds', async () => {
      const image = await registryImage(`${reg.host}/private/app:v1`, 'docker://x', {}, { creds: { username: 'alice', password: 's3cret' } });
      expect(await image.digest()).toBe(fx.manifestDigest);
      expect(await drain(image)).toBeGreaterThan(0);
    });

    it('reads with credentials from docker config.json', async () => {
      const dir = mkdtempSync(join(tmp, 'dockercfg-'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
      const saved = process.env.DOCKER_CONFIG;
      process.env.DOCKER_CONFIG = dir;
      try {
        const image = await openImage(`docker://${reg.host}/private/app:v1`);
        expect(await image.digest()).toBe(fx.manifestDigest);
      } finally {
        if (saved === undefined) delete process.env.DOCKER_CONFIG;
        else process.env.DOCKER_CONFIG = saved;
      }
    });

    it('fails clearly without or with wrong credentials', async () => {
      const empty = mkdtempSync(join(tmp, 'nocfg-'));
      const saved = process.env.DOCKER_CONFIG;
      process.env.DOCKER_CONFIG = empty;
      try {
        await expect(openImage(`docker://${reg.host}/private/app:v1`)).rejects.toThrow(/private\/app: authentication required.*no credentials/);
        await expect(registryImage(`${reg.host}/private/app:v1`, 'x', {}, { creds: { username: 'alice', password: 'wrong' } })).rejects.toThrow(/401/);
      } finally {
        if (saved === undefined) delete process.env.DOCKER_CONFIG;
        else process.env.DOCKER_CONFIG = saved;
      }
    });
  });
}

describe('docker:// under registry faults (in-process registry)', () => {
  let reg: InProcessRegistry;
  let fx: Fixture;
  let fault: (r: RegistryRequest, n: number) => Fault | undefined = () => undefined;
  let base = 0;
  /** faulty installs a fault function for the next test; n counts that test's requests from 0. */
  const faulty = (f: (r: RegistryRequest, n: number) => Fault | undefined) => {
    base = reg.requests.length;
    fault = f;
  };
  beforeAll(async () => {
    reg = await InProcessRegistry.start({ fault: (r, n) => fault(r, n - base) });
    fx = ociFixture(tmp, 'faults');
    reg.seed(fx.dir, 'v1', 'fault/app', 'v1');
  });
  afterAll(async () => reg?.stop());
  const isLayerBlob = (url: string) => fx.layerDigests.some((d) => url.endsWith(`/blobs/${d}`));

  it('retries 500s and then succeeds', async () => {
    faulty((_r, n) => (n < 2 ? { status: 500, body: 'boom' } : undefined));
    const image = await registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 10 });
    expect(await image.digest()).toBe(fx.manifestDigest);
    expect(reg.requests.length - base).toBeGreaterThan(2);
  });

  it('gives up after repeated 500s naming host and repository', async () => {
    faulty(() => ({ status: 500, body: 'boom' }));
    await expect(registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 })).rejects.toThrow(`${reg.host}/fault/app: registry answered 500`);
  });

  it('detects a connection cut mid-blob', async () => {
    faulty((r) => (r.method === 'GET' && isLayerBlob(r.path) ? { cut: true } : undefined));
    const image = await registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 });
    await expect(drain(image)).rejects.toThrow(/connection broke after \d+ bytes/);
  });

  it('resumes a blob whose connection was cut once (Range request)', async () => {
    let cuts = 0;
    faulty((r) => (r.method === 'GET' && isLayerBlob(r.path) && cuts++ === 0 ? { cut: true } : undefined));
    const image = await registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 });
    const from = reg.requests.length;
    expect(await drain(image)).toBeGreaterThan(0);
    expect(reg.requests.slice(from).some((r) => isLayerBlob(r.path))).toBe(true);
    const first = await (await image.layers())[0]!.read();
    first.tar.resume();
    expect((await first.stats).diffId).toBe(fx.diffIds[0]);
    expect(cuts).toBeGreaterThan(1);
  });

  it('gives up on a blob that stalls mid-body, naming the host and what it was reading', async () => {
    faulty((r) => (r.method === 'GET' && isLayerBlob(r.path) ? { stall: true } : undefined));
    const image = await registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5, idleTimeoutMs: 200, attempts: 2 });
    await expect(drain(image)).rejects.toThrow(new RegExp(`reading blob sha256:[0-9a-f]+: ${reg.host.replace(/[.]/g, '\\.')}/fault/app: connection broke after \\d+ bytes: no data for 200 ms`));
  });

  it('resumes a blob that stalled once (Range request)', async () => {
    let stalls = 0;
    faulty((r) => (r.method === 'GET' && isLayerBlob(r.path) && stalls++ === 0 ? { stall: true } : undefined));
    const image = await registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5, idleTimeoutMs: 200 });
    expect(await drain(image)).toBeGreaterThan(0);
    expect(stalls).toBeGreaterThan(1);
  });

  it('gives up on a registry that never answers, with one network error', async () => {
    faulty((r) => (r.path.includes('/manifests/') ? { silent: true } : undefined));
    await expect(registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5, timeoutMs: 200, attempts: 2 })).rejects.toThrow(/reading manifest v1: .*fault\/app: no answer within 200 ms/);
  });

  it('cuts off a manifest that stalls', async () => {
    faulty((r) => (r.method === 'GET' && r.path.includes('/manifests/') ? { stall: true } : undefined));
    await expect(registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5, idleTimeoutMs: 200 })).rejects.toThrow(/manifest: no data for 200 ms/);
  });

  it('detects a wrong blob served', async () => {
    faulty((r) => (r.method === 'GET' && isLayerBlob(r.path) ? { corrupt: true } : undefined));
    const image = await registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 });
    await expect(drain(image)).rejects.toThrow(/digest|hashes/);
  });

  it('reports an auth failure clearly', async () => {
    faulty(() => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } }));
    await expect(registryImage(`${reg.host}/fault/app:v1`, 'x', {}, { creds: { username: 'u', password: 'p' } })).rejects.toThrow(/fault\/app: authentication required or credentials rejected \(401\)/);
  });
});

describe('docker:// with Bearer token auth (in-process registry)', () => {
  let reg: InProcessRegistry;
  let fx: Fixture;
  let cdn: string | undefined;
  beforeAll(async () => {
    reg = await InProcessRegistry.start({ bearer: { user: 'bob', pass: 'pw' }, blobRedirect: (d) => (cdn ? `http://${cdn}/${d}` : undefined) });
    fx = ociFixture(tmp, 'token');
    reg.seed(fx.dir, 'v1', 'tok/app', 'v1');
  });
  afterAll(async () => reg?.stop());

  it('gets a scoped token with Basic credentials and reads the image', async () => {
    const image = await registryImage(`${reg.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'pw' } });
    expect(await image.digest()).toBe(fx.manifestDigest);
    expect(await drain(image)).toBeGreaterThan(0);
    expect(reg.tokenRequests[0]).toBe('whittle-test repository:tok/app:pull');
    expect(reg.tokenRequests.length).toBe(1);
  });

  it('follows a blob redirect to another host without forwarding Authorization', async () => {
    const store = await reg.blobServer();
    cdn = store.host;
    try {
      const image = await registryImage(`${reg.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'pw' } });
      expect(await drain(image)).toBeGreaterThan(0);
      expect(store.seen.length).toBeGreaterThanOrEqual(2);
      expect(store.seen.every((a) => a === undefined)).toBe(true);
      // the registry itself did see the token
      expect(reg.requests.filter((r) => r.path.includes('/blobs/')).every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
    } finally {
      cdn = undefined;
      await store.stop();
    }
  });

  it('names the token server when it refuses', async () => {
    await expect(registryImage(`${reg.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'bad' } })).rejects.toThrow(
      /token from 127\.0\.0\.1:\d+: .*tok\/app: authentication required/,
    );
  });

  it('sends the credentials to a token realm on the registry\'s own host and port', async () => {
    const from = reg.requests.length;
    const image = await registryImage(`${reg.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'pw' } });
    expect(await image.digest()).toBe(fx.manifestDigest);
    const tokenAsks = reg.requests.slice(from).filter((r) => r.path === '/token');
    expect(tokenAsks.length).toBeGreaterThan(0);
    expect(tokenAsks.every((r) => r.authorization === `Basic ${Buffer.from('bob:pw').toString('base64')}`)).toBe(true);
  });

  it('withholds the credentials from a plain-http token realm on another host, saying so when the token is refused', async () => {
    const tokens = await reg.tokenServer();
    try {
      await expect(registryImage(`${reg.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'pw' } })).rejects.toThrow(
        `credentials were withheld from the token server ${tokens.host}, another host than the registry over plain http`,
      );
      expect(tokens.seen.length).toBeGreaterThan(0);
      expect(tokens.seen.every((a) => a === undefined)).toBe(true);
    } finally {
      await tokens.stop();
    }
  });

  it('pushes through token auth with a pull,push scope', async () => {
    const { writeToRegistry } = await import('../src/sinks/registry.js');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${reg.host}/tok/pushed:v1`, { creds: { username: 'bob', password: 'pw' } });
    expect(r.digest).toBe(fx.manifestDigest);
    expect(reg.tokenRequests).toContain('whittle-test repository:tok/pushed:pull,push');
    expect(reg.inspect('tok/pushed', 'v1').Digest).toBe(fx.manifestDigest);
  });
});

describe('docker:// with a token realm on another host (in-process registry)', () => {
  let reg: InProcessRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await InProcessRegistry.start({ bearer: { user: 'carol', pass: 'pw', anonymous: true } });
    fx = ociFixture(tmp, 'foreign-realm');
    reg.seed(fx.dir, 'v1', 'pub/app', 'v1');
  });
  afterAll(async () => reg?.stop());

  it('asks a plain-http realm on another port for an anonymous token, without the credentials', async () => {
    const tokens = await reg.tokenServer();
    try {
      const image = await registryImage(`${reg.host}/pub/app:v1`, 'x', {}, { creds: { username: 'carol', password: 'pw' } });
      expect(await image.digest()).toBe(fx.manifestDigest);
      expect(await drain(image)).toBeGreaterThan(0);
      expect(tokens.seen.length).toBeGreaterThan(0);
      expect(tokens.seen).toEqual(tokens.seen.map(() => undefined));
      // and the registry itself never saw a Basic header either
      expect(reg.requests.some((r) => r.authorization?.startsWith('Basic '))).toBe(false);
    } finally {
      await tokens.stop();
    }
  });
});
