// The docker:// source against a real registry (Debian's docker-registry, distribution 2.8) with
// skopeo as an independent judge: what skopeo pushes, whittle reads with the same digests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { registryImage } from '../src/sources/registry/index.js';
import { parseRegistryName } from '../src/sources/registry/name.js';
import { freePort, hasRegistry, hasSkopeo, ociFixture, ociIndexFixture, skopeo, startRegistry, type Fixture, type RunningRegistry } from './registry-helpers.js';
import { bcryptLine } from './registry-helpers.js';

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

const skipReason = !hasRegistry ? 'docker-registry is not installed' : !hasSkopeo ? 'skopeo is not installed' : '';
if (skipReason) console.warn(`registry tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== '')('docker:// source against a real registry', () => {
  let reg: RunningRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await startRegistry();
    fx = ociFixture(tmp, 'plain');
    skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${fx.dir}:v1`, `docker://${reg.host}/fixture/app:v1`);
  });
  afterAll(async () => reg?.stop());

  it('reads what skopeo pushed, with the same digests', async () => {
    const image = await openImage(`docker://${reg.host}/fixture/app:v1`);
    expect(await image.digest()).toBe(fx.manifestDigest);
    expect(await image.configDigest()).toBe(fx.configDigest);
    const layers = await image.layers();
    expect(await Promise.all(layers.map((l) => l.digest()))).toEqual(fx.layerDigests);
    expect(await Promise.all(layers.map((l) => l.diffId()))).toEqual(fx.diffIds);
    expect(await drain(image)).toBeGreaterThan(0);
    expect(await image.tags()).toEqual([`${reg.host}/fixture/app:v1`]);
    const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${reg.host}/fixture/app:v1`)) as { Digest: string };
    expect(inspected.Digest).toBe(fx.manifestDigest);
  });

  it('picks a platform from an index (--platform)', async () => {
    const ix = ociIndexFixture(tmp, 'multi');
    skopeo('copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${ix.dir}:v1`, `docker://${reg.host}/fixture/multi:v1`);
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

  it('says when nothing listens', async () => {
    const port = await freePort();
    await expect(registryImage(`127.0.0.1:${port}/x:v1`, 'x', {}, { backoffMs: 5 })).rejects.toThrow(`cannot connect to 127.0.0.1:${port}`);
  });

  it('detects a corrupted blob in storage', async () => {
    const fx2 = ociFixture(tmp, 'corrupt');
    skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${fx2.dir}:v1`, `docker://${reg.host}/fixture/corrupt:v1`);
    const hex = fx2.layerDigests[0]!.slice('sha256:'.length);
    const data = join(reg.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    expect(statSync(data).size).toBeGreaterThan(0);
    const bad = Buffer.from(execFileSync('cat', [data]));
    bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff;
    writeFileSync(data, bad);
    const image = await openImage(`docker://${reg.host}/fixture/corrupt:v1`);
    await expect(drain(image)).rejects.toThrow(/digest|hashes|gzip|invalid|incorrect/i);
  });
});

const htpasswd = skipReason ? undefined : bcryptLine('alice', 's3cret');
describe.skipIf(skipReason !== '' || !htpasswd)('docker:// with htpasswd Basic auth', () => {
  let reg: RunningRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: htpasswd! });
    fx = ociFixture(tmp, 'auth');
    skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', '--dest-creds', 'alice:s3cret', `oci:${fx.dir}:v1`, `docker://${reg.host}/private/app:v1`);
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

/** A fault-injecting proxy in front of the real registry. */
function faultProxy(target: string, fault: (req: { method: string; url: string }, count: number) => 'pass' | '500' | 'cut' | 'corrupt' | '401'): Promise<{ host: string; server: Server }> {
  let count = 0;
  const server = createServer((req, res) => {
    const action = fault({ method: req.method ?? 'GET', url: req.url ?? '' }, count++);
    if (action === '500') return res.writeHead(500).end('boom');
    if (action === '401') return res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
    const [h, p] = target.split(':');
    const up = httpRequest({ host: h, port: Number(p), method: req.method, path: req.url, headers: req.headers }, (ur) => {
      const headers = { ...ur.headers };
      if (action === 'cut' || action === 'corrupt') {
        const chunks: Buffer[] = [];
        ur.on('data', (c: Buffer) => chunks.push(c));
        ur.on('end', () => {
          const body = Buffer.concat(chunks);
          if (action === 'corrupt') {
            body[body.length - 10] = body[body.length - 10]! ^ 0xff;
            res.writeHead(ur.statusCode ?? 502, headers).end(body);
          } else {
            res.writeHead(ur.statusCode ?? 502, headers);
            res.write(body.subarray(0, body.length >> 1));
            setTimeout(() => res.socket?.destroy(), 20);
          }
        });
        return;
      }
      res.writeHead(ur.statusCode ?? 502, headers);
      ur.pipe(res);
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ host: `127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

describe.skipIf(skipReason !== '')('docker:// under registry faults', () => {
  let reg: RunningRegistry;
  let fx: Fixture;
  const servers: Server[] = [];
  beforeAll(async () => {
    reg = await startRegistry();
    fx = ociFixture(tmp, 'faults');
    skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${fx.dir}:v1`, `docker://${reg.host}/fault/app:v1`);
  });
  afterAll(async () => {
    servers.forEach((s) => s.close());
    await reg?.stop();
  });
  const isLayerBlob = (url: string) => fx.layerDigests.some((d) => url.endsWith(`/blobs/${d}`));

  it('retries 500s and then succeeds', async () => {
    const p = await faultProxy(reg.host, (_r, n) => (n < 2 ? '500' : 'pass'));
    servers.push(p.server);
    const image = await registryImage(`${p.host}/fault/app:v1`, 'x', {}, { backoffMs: 10 });
    expect(await image.digest()).toBe(fx.manifestDigest);
  });

  it('gives up after repeated 500s naming host and repository', async () => {
    const p = await faultProxy(reg.host, () => '500');
    servers.push(p.server);
    await expect(registryImage(`${p.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 })).rejects.toThrow(`${p.host}/fault/app: registry answered 500`);
  });

  it('detects a connection cut mid-blob', async () => {
    const p = await faultProxy(reg.host, (r) => (r.method === 'GET' && isLayerBlob(r.url) ? 'cut' : 'pass'));
    servers.push(p.server);
    const image = await registryImage(`${p.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 });
    await expect(drain(image)).rejects.toThrow(/connection broke after \d+ bytes/);
  });

  it('resumes a blob whose connection was cut once (Range request)', async () => {
    let cuts = 0;
    const p = await faultProxy(reg.host, (r) => (r.method === 'GET' && isLayerBlob(r.url) && cuts++ === 0 ? 'cut' : 'pass'));
    servers.push(p.server);
    const image = await registryImage(`${p.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 });
    expect(await drain(image)).toBeGreaterThan(0);
    const first = await (await image.layers())[0]!.read();
    first.tar.resume();
    expect((await first.stats).diffId).toBe(fx.diffIds[0]);
    expect(cuts).toBeGreaterThan(1);
  });

  it('detects a wrong blob served', async () => {
    const p = await faultProxy(reg.host, (r) => (r.method === 'GET' && isLayerBlob(r.url) ? 'corrupt' : 'pass'));
    servers.push(p.server);
    const image = await registryImage(`${p.host}/fault/app:v1`, 'x', {}, { backoffMs: 5 });
    await expect(drain(image)).rejects.toThrow(/digest|hashes/);
  });

  it('reports an auth failure clearly', async () => {
    const p = await faultProxy(reg.host, () => '401');
    servers.push(p.server);
    await expect(registryImage(`${p.host}/fault/app:v1`, 'x', {}, { creds: { username: 'u', password: 'p' } })).rejects.toThrow(/fault\/app: authentication required or credentials rejected \(401\)/);
  });
});

/** A token-auth front: a Bearer challenge, a token endpoint checking Basic credentials, then the registry. */
function tokenProxy(target: string, user: string, pass: string, cdn?: () => string | undefined): Promise<{ host: string; server: Server; tokenRequests: string[] }> {
  const tokenRequests: string[] = [];
  const server = createServer((req, res) => {
    const self = `127.0.0.1:${(server.address() as { port: number }).port}`;
    const url = new URL(req.url ?? '/', `http://${self}`);
    if (url.pathname === '/token') {
      const scope = url.searchParams.getAll('scope').join(' ');
      tokenRequests.push(`${url.searchParams.get('service')} ${scope}`);
      if (req.headers.authorization !== `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`) return res.writeHead(401).end();
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `T ${scope}` }));
    }
    const repo = /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1];
    const want = `repository:${repo}:pull`;
    const auth = req.headers.authorization ?? '';
    const granted = auth.startsWith('Bearer T ') ? auth.slice('Bearer T '.length).split(' ') : [];
    const needPush = req.method !== 'GET' && req.method !== 'HEAD';
    if (!granted.some((g) => g === want || (g === `${want},push`) ) || (needPush && !granted.includes(`${want},push`))) {
      return res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${self}/token",service="whittle-test",scope="${want}"` }).end();
    }
    const redirectTo = cdn?.();
    if (redirectTo && req.method === 'GET' && url.pathname.includes('/blobs/')) {
      return res.writeHead(307, { location: `http://${redirectTo}${url.pathname}` }).end();
    }
    const [h, p] = target.split(':');
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = httpRequest({ host: h, port: Number(p), method: req.method, path: req.url, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ host: `127.0.0.1:${(server.address() as { port: number }).port}`, server, tokenRequests })));
}

describe.skipIf(skipReason !== '')('docker:// with Bearer token auth', () => {
  let reg: RunningRegistry;
  let fx: Fixture;
  let proxy: Awaited<ReturnType<typeof tokenProxy>>;
  beforeAll(async () => {
    reg = await startRegistry();
    fx = ociFixture(tmp, 'token');
    skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${fx.dir}:v1`, `docker://${reg.host}/tok/app:v1`);
    proxy = await tokenProxy(reg.host, 'bob', 'pw');
  });
  afterAll(async () => {
    proxy?.server.close();
    await reg?.stop();
  });

  it('gets a scoped token with Basic credentials and reads the image', async () => {
    const image = await registryImage(`${proxy.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'pw' } });
    expect(await image.digest()).toBe(fx.manifestDigest);
    expect(await drain(image)).toBeGreaterThan(0);
    expect(proxy.tokenRequests[0]).toBe('whittle-test repository:tok/app:pull');
    expect(proxy.tokenRequests.length).toBe(1);
  });

  it('follows a blob redirect to another host without forwarding Authorization', async () => {
    const seen: (string | undefined)[] = [];
    const cdn = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const [h, p] = reg.host.split(':');
      const up = httpRequest({ host: h, port: Number(p), method: req.method, path: req.url }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      up.end();
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', () => r()));
    const cdnHost = `127.0.0.1:${(cdn.address() as { port: number }).port}`;
    const front = await tokenProxy(reg.host, 'bob', 'pw', () => cdnHost);
    try {
      const image = await registryImage(`${front.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'pw' } });
      expect(await drain(image)).toBeGreaterThan(0);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.every((a) => a === undefined)).toBe(true);
    } finally {
      front.server.close();
      cdn.close();
    }
  });

  it('names the token server when it refuses', async () => {
    await expect(registryImage(`${proxy.host}/tok/app:v1`, 'x', {}, { creds: { username: 'bob', password: 'bad' } })).rejects.toThrow(
      /token from 127\.0\.0\.1:\d+: .*tok\/app: authentication required/,
    );
  });

  it('pushes through token auth with a pull,push scope', async () => {
    const { writeToRegistry } = await import('../src/sinks/registry.js');
    const image = await openImage(`oci:${fx.dir}:v1`);
    const r = await writeToRegistry(image, `${proxy.host}/tok/pushed:v1`, { creds: { username: 'bob', password: 'pw' } });
    expect(r.digest).toBe(fx.manifestDigest);
    expect(proxy.tokenRequests).toContain('whittle-test repository:tok/pushed:pull,push');
  });
});
