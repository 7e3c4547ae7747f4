// The registry flags of the CLI against registries with Basic auth (the in-process one, and
// docker-registry with htpasswd when installed): --creds to read, --dest-creds to push, and one
// clear line when credentials are missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openImage } from '../src/transports/open.js';
import { freePort, ociFixture, REGISTRY_KINDS, type Fixture, type TestRegistry } from './registry-helpers.js';
import { runCli } from './support/cli.js';
import { describeWith } from './support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-cli-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** whittle runs the CLI asynchronously: the in-process registry answers from this process's event loop. */
function whittle(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCli(args, { DOCKER_CONFIG: join(tmp, 'no-docker-config') });
}

for (const kind of REGISTRY_KINDS) describeWith(kind.kind === 'docker-registry' ? [...kind.tools, 'htpasswd'] : kind.tools, `CLI registry flags (${kind.kind})`, () => {
  let reg: TestRegistry;
  let fx: Fixture;
  beforeAll(async () => {
    reg = await kind.start({ basic: { user: 'alice', pass: 's3cret' } });
    fx = ociFixture(tmp, 'cli');
    reg.seed(fx.dir, 'v1', 'cli/app:1', 'alice:s3cret');
  });
  afterAll(async () => reg?.stop());

  it('analyze reads with --creds (and its skopeo alias --src-creds)', async () => {
    for (const flag of ['--creds', '--src-creds']) {
      const r = await whittle('analyze', `docker://${reg.host}/cli/app:1`, flag, 'alice:s3cret', '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).image.manifestDigest).toBe(fx.manifestDigest);
    }
  });

  it('without credentials: exit 2 and one line naming the registry', async () => {
    const r = await whittle('analyze', `docker://${reg.host}/cli/app:1`);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^whittle: .*${reg.host.replace(/[.]/g, '\\.')}.*(401|unauthori|credentials|denied)`, 'i'));
  });

  it('squash reads with --creds and pushes with --dest-creds; the registry holds the result', async () => {
    const r = await whittle('squash', `docker://${reg.host}/cli/app:1`, '--creds', 'alice:s3cret', '--dest-creds', 'alice:s3cret', '--json', '-o', `docker://${reg.host}/cli/app:squashed`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pushed = reg.inspect('cli/app:squashed', 'alice:s3cret');
    expect(pushed.Digest).toBe(JSON.parse(r.stdout).manifestDigest);
    expect(pushed.Layers).toHaveLength(1);
  });

  it('classifies failures: auth for refused credentials, network for nothing listening', async () => {
    await expect(openImage(`docker://${reg.host}/cli/app:1`, { registry: { creds: { username: 'alice', password: 'wrong' } } })).rejects.toMatchObject({ code: 'auth' });
    const port = await freePort();
    await expect(openImage(`docker://127.0.0.1:${port}/x/y:1`, { registry: { attempts: 1 } })).rejects.toMatchObject({ code: 'network' });
  });

  it('refuses a credentials flag without a user', async () => {
    const r = await whittle('analyze', `docker://${reg.host}/cli/app:1`, '--creds', ':x');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whittle: --creds needs USER:PASSWORD/);
  });
});
