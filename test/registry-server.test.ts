// The in-process registry speaks the distribution API as the real one does: the same raw HTTP
// requests go to test/support/registry-server.ts and to docker-registry (distribution 2.8), and the
// answers whittle depends on (statuses, headers, digest checks) must be the same. (One known
// difference is left out: the in-process registry answers an out-of-order chunk with the spec's 416,
// distribution 2.8 accepts it with 202; whittle sends its chunks in order.)
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REGISTRY_KINDS, type TestRegistry } from './registry-helpers.js';
import { describeWith } from './support/tools.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

for (const kind of REGISTRY_KINDS) {
  describeWith(kind.tools, `distribution API conformance (${kind.kind})`, () => {
    let reg: TestRegistry;
    let base: string;
    beforeAll(async () => {
      reg = await kind.start();
      base = `http://${reg.host}`;
    });
    afterAll(async () => reg?.stop());

    const start = async (repo: string) => {
      const r = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } });
      await r.arrayBuffer();
      expect(r.status).toBe(202);
      return new URL(r.headers.get('location')!, base);
    };
    const upload = async (repo: string, data: Buffer) => {
      const url = await start(repo);
      url.searchParams.set('digest', sha(data));
      const r = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(data) });
      await r.arrayBuffer();
      return r;
    };

    it('answers the /v2/ ping', async () => {
      const r = await fetch(`${base}/v2/`);
      await r.arrayBuffer();
      expect(r.status).toBe(200);
      expect(r.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    });

    it('stores an upload under its digest and refuses a wrong digest', async () => {
      const data = Buffer.from('blob one\n'.repeat(50));
      const ok = await upload('conf/a', data);
      expect(ok.status).toBe(201);
      expect(ok.headers.get('docker-content-digest')).toBe(sha(data));
      const url = await start('conf/a');
      url.searchParams.set('digest', sha(Buffer.from('something else')));
      const bad = await fetch(url, { method: 'PUT', body: new Uint8Array(data) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('DIGEST_INVALID');
    });

    it('serves blobs with HEAD, GET and Range', async () => {
      const data = Buffer.from('0123456789'.repeat(30));
      await upload('conf/b', data);
      const head = await fetch(`${base}/v2/conf/b/blobs/${sha(data)}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(data.length));
      expect(head.headers.get('docker-content-digest')).toBe(sha(data));
      const part = await fetch(`${base}/v2/conf/b/blobs/${sha(data)}`, { headers: { range: 'bytes=100-' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(100))).toBe(true);
      const missing = await fetch(`${base}/v2/conf/b/blobs/${sha(Buffer.from('nope'))}`, { method: 'HEAD' });
      expect(missing.status).toBe(404);
      // a blob is not visible from a repository it was not pushed or mounted to
      const other = await fetch(`${base}/v2/conf/elsewhere/blobs/${sha(data)}`, { method: 'HEAD' });
      expect(other.status).toBe(404);
    });

    it('takes chunked uploads (PATCH with Content-Range, then PUT ?digest=)', async () => {
      const data = Buffer.from('chunked '.repeat(40));
      let url = await start('conf/c');
      const first = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/octet-stream', 'content-range': `0-99` }, body: new Uint8Array(data).subarray(0, 100) });
      await first.arrayBuffer();
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-99');
      url = new URL(first.headers.get('location')!, base);
      const second = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/octet-stream', 'content-range': `100-${data.length - 1}` }, body: new Uint8Array(data).subarray(100) });
      await second.arrayBuffer();
      expect(second.status).toBe(202);
      url = new URL(second.headers.get('location')!, base);
      url.searchParams.set('digest', sha(data));
      const done = await fetch(url, { method: 'PUT' });
      await done.arrayBuffer();
      expect(done.status).toBe(201);
      const got = await fetch(`${base}/v2/conf/c/blobs/${sha(data)}`);
      expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    });

    it('mounts across repositories (201), and starts an upload when it cannot (202)', async () => {
      const data = Buffer.from('mounted blob');
      await upload('conf/src', data);
      const m = await fetch(`${base}/v2/conf/dst/blobs/uploads/?mount=${sha(data)}&from=conf/src`, { method: 'POST', headers: { 'content-length': '0' } });
      await m.arrayBuffer();
      expect(m.status).toBe(201);
      expect((await fetch(`${base}/v2/conf/dst/blobs/${sha(data)}`, { method: 'HEAD' })).status).toBe(200);
      const none = await fetch(`${base}/v2/conf/dst/blobs/uploads/?mount=${sha(Buffer.from('absent'))}&from=conf/src`, { method: 'POST', headers: { 'content-length': '0' } });
      await none.arrayBuffer();
      expect(none.status).toBe(202);
    });

    it('refuses a manifest whose blobs are missing, and serves a stored one by tag and digest', async () => {
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const manifest = (configDigest: string) =>
        Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] }));
      const mt = 'application/vnd.oci.image.manifest.v1+json';
      const bad = await fetch(`${base}/v2/conf/m/manifests/v1`, { method: 'PUT', headers: { 'content-type': mt }, body: manifest(sha(config)) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('MANIFEST_BLOB_UNKNOWN');
      await upload('conf/m', config);
      const body = manifest(sha(config));
      const put = await fetch(`${base}/v2/conf/m/manifests/v1`, { method: 'PUT', headers: { 'content-type': mt }, body });
      await put.arrayBuffer();
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(sha(body));
      for (const ref of ['v1', sha(body)]) {
        const head = await fetch(`${base}/v2/conf/m/manifests/${ref}`, { method: 'HEAD', headers: { accept: mt } });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-type')).toBe(mt);
        expect(head.headers.get('docker-content-digest')).toBe(sha(body));
        const get = await fetch(`${base}/v2/conf/m/manifests/${ref}`, { headers: { accept: mt } });
        expect(Buffer.from(await get.arrayBuffer()).equals(body)).toBe(true);
      }
      const unknown = await fetch(`${base}/v2/conf/m/manifests/nope`, { headers: { accept: mt } });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('MANIFEST_UNKNOWN');
    });
  });
}
