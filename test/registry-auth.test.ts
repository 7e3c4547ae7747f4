// Credential lookup: environment, docker config.json auths, credHelpers and credsStore (run as
// docker-credential-* programs), and WWW-Authenticate parsing.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCredentials, mayCarryCredentials, parseChallenge } from '../src/sources/registry/auth.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-authtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function helper(name: string, user: string, secret: string): void {
  const file = join(tmp, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\nread server\nprintf '{"ServerURL":"%s","Username":"${user}","Secret":"${secret}"}' "$server"\n`);
  chmodSync(file, 0o755);
}

describe('findCredentials', () => {
  const env = (config: object) => {
    const dir = mkdtempSync(join(tmp, 'cfg-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return { DOCKER_CONFIG: dir, PATH: `${tmp}:${process.env.PATH ?? ''}` };
  };

  it('prefers the environment', async () => {
    expect(await findCredentials('r.example', { WHITTLE_REGISTRY_USER: 'u', WHITTLE_REGISTRY_PASSWORD: 'p' })).toEqual({ username: 'u', password: 'p' });
  });

  it('reads auths, with Docker Hub under its legacy key', async () => {
    const auth = Buffer.from('hub:pw').toString('base64');
    expect(await findCredentials('docker.io', env({ auths: { 'https://index.docker.io/v1/': { auth } } }))).toEqual({ username: 'hub', password: 'pw' });
    expect(await findCredentials('r.example:5000', env({ auths: { 'r.example:5000': { auth } } }))).toEqual({ username: 'hub', password: 'pw' });
    expect(await findCredentials('other.example', env({ auths: { 'r.example': { auth } } }))).toBeUndefined();
  });

  it('runs credHelpers and credsStore', async () => {
    const oldPath = process.env.PATH;
    helper('whittlea', 'alice', 'sa');
    helper('whittleb', 'bob', 'sb');
    process.env.PATH = `${tmp}:${oldPath ?? ''}`;
    try {
      const e = env({ credHelpers: { 'a.example': 'whittlea' }, credsStore: 'whittleb' });
      expect(await findCredentials('a.example', e)).toEqual({ username: 'alice', password: 'sa' });
      expect(await findCredentials('b.example', e)).toEqual({ username: 'bob', password: 'sb' });
    } finally {
      process.env.PATH = oldPath;
    }
  });

  it('has none without a config', async () => {
    expect(await findCredentials('r.example', { DOCKER_CONFIG: join(tmp, 'absent') })).toBeUndefined();
  });
});

describe('parseChallenge', () => {
  it('reads Bearer parameters, quoted or not', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
    expect(parseChallenge('Basic realm=Registry')).toEqual({ scheme: 'basic', params: { realm: 'Registry' } });
  });
});

describe('mayCarryCredentials', () => {
  it.each([
    ['https://auth.docker.io/token', 'https://registry-1.docker.io', true],
    ['https://ghcr.io/token', 'https://ghcr.io', true],
    ['https://auth.example/token', 'http://127.0.0.1:5000', true],
    ['http://127.0.0.1:5000/token', 'http://127.0.0.1:5000', true],
    ['http://127.0.0.1:5001/token', 'http://127.0.0.1:5000', false],
    ['http://evil.example/token', 'http://127.0.0.1:5000', false],
    ['http://evil.example/token', 'https://r.example', false],
    ['http://r.example/token', 'https://r.example', false], // a downgrade of the registry's own https
    ['ftp://r.example/token', 'http://r.example', false],
  ])('realm %s, registry %s: %s', (realm, registry, ok) => {
    expect(mayCarryCredentials(new URL(realm), new URL(registry))).toBe(ok);
  });
});
