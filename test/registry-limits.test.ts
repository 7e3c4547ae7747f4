// A registry cannot make whittle read more than what it asked for: every body is held to its limit
// while it arrives (a blob or config to its descriptor's size + 1 byte, a manifest to 4 MiB + 1
// byte, a token to 1 MiB, a Content-Length over the descriptor before any byte), so a registry that floods gets one
// error line and exit 2, having sent far less than its body. Run through the CLI against the
// in-process registry's flood faults, which count the bytes they got onto the socket.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryImage } from '../src/sources/registry/index.js';
import { ociFixture, type Fixture } from './registry-helpers.js';
import { InProcessRegistry, type Fault, type RegistryRequest } from './support/registry-server.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-reglimits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GiB = 1 << 30;
/** what a refused body may have got onto the socket before whittle stopped reading: buffers, not the body. */
const BUFFERED = 64 << 20;

/** whittle runs the CLI without blocking this process, which serves the registry; a run that reads on and on is killed. */
function whittle(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', timeout: 40_000, killSignal: 'SIGKILL', env: { ...process.env, WHITTLE_REGISTRY_TIMEOUT: '20' } }, (_err, stdout, stderr) =>
      resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a registry that sends more than it should (in-process registry, through the CLI)', () => {
  let reg: InProcessRegistry;
  let fx: Fixture;
  let fault: (r: RegistryRequest) => Fault | undefined = () => undefined;
  const flooding = (f: (r: RegistryRequest) => Fault | undefined) => {
    fault = f;
    reg.floodBytes = 0;
  };
  beforeAll(async () => {
    reg = await InProcessRegistry.start({ fault: (r) => fault(r) });
    fx = ociFixture(tmp, 'limits');
    reg.seed(fx.dir, 'v1', 'limits/app', 'v1');
  });
  afterAll(async () => reg?.stop());
  const get = (r: RegistryRequest, digest: string) => r.method === 'GET' && r.path.endsWith(`/blobs/${digest}`);
  const sizeOf = (digest: string) => reg.getBlob(digest)!.length;
  const oneLine = (stderr: string, pattern: RegExp) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(pattern);
  };

  it('stops a config blob of 1 GiB whose descriptor says a few hundred bytes at its size + 1', async () => {
    flooding((r) => (get(r, fx.configDigest) ? { flood: GiB } : undefined));
    const r = await whittle(['analyze', `docker://${reg.host}/limits/app:v1`]);
    expect(r.status).toBe(2);
    oneLine(r.stderr, new RegExp(`^whittle: .*reading blob ${fx.configDigest}: ${escape(reg.host)}/limits/app: the registry sent more than the ${sizeOf(fx.configDigest)} bytes its descriptor says\\n$`));
    expect(reg.floodBytes).toBeGreaterThan(0);
    expect(reg.floodBytes).toBeLessThan(BUFFERED);
  });

  it('stops a chunked manifest of 1 GiB at the 4 MiB limit', async () => {
    flooding((r) => (r.method === 'GET' && r.path.includes('/manifests/') ? { flood: GiB } : undefined));
    const r = await whittle(['analyze', `docker://${reg.host}/limits/app:v1`]);
    expect(r.status).toBe(2);
    oneLine(r.stderr, new RegExp(`^whittle: .*${escape(reg.host)}/limits/app@v1: manifest: the response is over the 4 MiB limit\\n$`));
    expect(reg.floodBytes).toBeGreaterThan(4 << 20);
    expect(reg.floodBytes).toBeLessThan(BUFFERED);
  });

  it('stops a layer blob longer than its descriptor at its size + 1', async () => {
    const layer = fx.layerDigests[0]!;
    flooding((r) => (get(r, layer) ? { flood: GiB } : undefined));
    const r = await whittle(['analyze', `docker://${reg.host}/limits/app:v1`]);
    expect(r.status).toBe(2);
    oneLine(r.stderr, new RegExp(`^whittle: .*reading blob ${layer}: ${escape(reg.host)}/limits/app: the registry sent more than the ${sizeOf(layer)} bytes its descriptor says\\n$`));
    expect(reg.floodBytes).toBeLessThan(BUFFERED);
  });

  it('stops an endless chunked blob at its size + 1', async () => {
    const layer = fx.layerDigests[1]!;
    flooding((r) => (get(r, layer) ? { flood: 'endless' } : undefined));
    const r = await whittle(['analyze', `docker://${reg.host}/limits/app:v1`]);
    expect(r.status).toBe(2);
    oneLine(r.stderr, new RegExp(`^whittle: .*reading blob ${layer}: .*: the registry sent more than the ${sizeOf(layer)} bytes its descriptor says\\n$`));
    expect(reg.floodBytes).toBeLessThan(BUFFERED);
  });

  it('refuses a Content-Length over the descriptor before reading the body', async () => {
    const layer = fx.layerDigests[0]!;
    flooding((r) => (get(r, layer) ? { flood: GiB, contentLength: true } : undefined));
    const r = await whittle(['analyze', `docker://${reg.host}/limits/app:v1`]);
    expect(r.status).toBe(2);
    oneLine(
      r.stderr,
      new RegExp(`^whittle: .*reading blob ${layer}: .*: the registry announced ${GiB} bytes \\(Content-Length\\), more than the ${sizeOf(layer)} bytes its descriptor says\\n$`),
    );
    expect(reg.floodBytes).toBeLessThan(BUFFERED);
  });

  it('refuses a config whose descriptor claims more than 64 MiB without asking for it', async () => {
    const { createHash } = await import('node:crypto');
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${createHash('sha256').update('big').digest('hex')}`, size: GiB };
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [] }));
    reg.putManifest('limits/big', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    flooding(() => undefined);
    const from = reg.requests.length;
    const image = await registryImage(`${reg.host}/limits/big:v1`, 'x', {});
    await expect(image.config()).rejects.toThrow(`reading config: ${reg.host}/limits/big:v1: config blob ${config.digest} of ${GiB} bytes is over the 64 MiB limit`);
    expect(reg.requests.slice(from).filter((r) => r.path.includes('/blobs/'))).toEqual([]);
  });
});

describe('a token server that sends more than a token (in-process registry)', () => {
  it('is cut off at the 1 MiB limit, chunked or not', async () => {
    let flood: Fault | undefined;
    const reg = await InProcessRegistry.start({ bearer: { user: 'u', pass: 'p' }, fault: (r) => (r.path === '/token' ? flood : undefined) });
    try {
      for (const f of [{ flood: GiB }, { flood: 'endless' as const }]) {
        flood = f;
        reg.floodBytes = 0;
        await expect(registryImage(`${reg.host}/tok/app:v1`, 'x', {}, { creds: { username: 'u', password: 'p' } })).rejects.toThrow(
          new RegExp(`token from ${escape(reg.host)}: the response is over the 1 MiB limit$`),
        );
        expect(reg.floodBytes).toBeGreaterThan(1 << 20);
        expect(reg.floodBytes).toBeLessThan(BUFFERED);
      }
    } finally {
      await reg.stop();
    }
  });
});
