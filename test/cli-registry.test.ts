// The registry flags of the CLI against a real registry with htpasswd auth: --creds to read,
// --dest-creds to push, and one clear line when credentials are missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { bcryptLine, freePort, hasRegistry, hasSkopeo, ociFixture, skopeo, startRegistry, type Fixture, type RunningRegistry } from './registry-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-cli-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const htpasswd = hasRegistry && hasSkopeo ? bcryptLine('alice', 's3cret') : undefined;
if (!htpasswd) console.warn('CLI registry tests skipped: docker-registry, skopeo or python3 crypt missing');

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: join(tmp, 'no-docker-config') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!htpasswd)('CLI registry flags', () => {
  let reg: RunningRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: htpasswd! });
    fx = ociFixture(tmp, 'cli');
    skopeo('copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', 'alice:s3cret', `oci:${fx.dir}:v1`, `docker://${reg.host}/cli/app:1`);
  });
  afterAll(async () => reg?.stop());

  it('analyze reads with --creds (and its skopeo alias --src-creds)', () => {
    for (const flag of ['--creds', '--src-creds']) {
      const r = whittle('analyze', `docker://${reg.host}/cli/app:1`, flag, 'alice:s3cret', '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).image.manifestDigest).toBe(fx.manifestDigest);
    }
  });

  it('without credentials: exit 2 and one line naming the registry', () => {
    const r = whittle('analyze', `docker://${reg.host}/cli/app:1`);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^whittle: .*${reg.host.replace(/[.]/g, '\\.')}.*(401|unauthori|credentials|denied)`, 'i'));
  });

  it('squash reads with --creds and pushes with --dest-creds; skopeo sees the result', () => {
    const r = whittle('squash', `docker://${reg.host}/cli/app:1`, '--creds', 'alice:s3cret', '--dest-creds', 'alice:s3cret', '--json', '-o', `docker://${reg.host}/cli/app:squashed`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pushed = JSON.parse(skopeo('inspect', '--tls-verify=false', '--creds', 'alice:s3cret', `docker://${reg.host}/cli/app:squashed`)) as { Digest: string; Layers: string[] };
    expect(pushed.Digest).toBe(JSON.parse(r.stdout).manifestDigest);
    expect(pushed.Layers).toHaveLength(1);
  });

  it('classifies failures: auth for refused credentials, network for nothing listening', async () => {
    await expect(openImage(`docker://${reg.host}/cli/app:1`, { registry: { creds: { username: 'alice', password: 'wrong' } } })).rejects.toMatchObject({ code: 'auth' });
    const port = await freePort();
    await expect(openImage(`docker://127.0.0.1:${port}/x/y:1`, { registry: { attempts: 1 } })).rejects.toMatchObject({ code: 'network' });
  });

  it('refuses a credentials flag without a user', () => {
    const r = whittle('analyze', `docker://${reg.host}/cli/app:1`, '--creds', ':x');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whittle: --creds needs USER:PASSWORD/);
  });
});
