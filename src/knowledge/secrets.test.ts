import { describe, expect, it } from 'vitest';
import { isSecretPath, needsContent, secretDir, secretKind } from './secrets.js';

describe('secrets', () => {
  it.each([
    // private keys and keystores
    ['home/u/.ssh/id_rsa', 'SSH private key'],
    ['id_ed25519_sk', 'SSH private key'],
    ['etc/ssh/ssh_host_ed25519_key', 'SSH host private key'],
    ['etc/ssl/private/server.key', 'private key'],
    ['certs/privkey.pem', 'PEM file with a private key'],
    ['app/server.p12', 'keystore'],
    ['app/server.PFX', 'keystore'],
    ['app/truststore.jks', 'keystore'],
    ['android/release.keystore', 'keystore'],
    // credential and password files
    ['etc/nginx/.htpasswd', 'password file'],
    ['root/.netrc', 'netrc credentials'],
    ['app/.npmrc', 'npm credentials'],
    ['home/u/.pypirc', 'PyPI credentials'],
    ['home/u/.aws/credentials', 'AWS credentials'],
    ['root/.docker/config.json', 'Docker registry credentials'],
    ['root/.git-credentials', 'git credentials'],
    ['deploy/service-account.json', 'credentials file'],
    // environment files, but not their templates
    ['.env', 'environment file'],
    ['app/.env.production', 'environment file'],
    ['app/.env.local', 'environment file'],
    ['.env.example', null],
    ['app/.env.sample', null],
    ['.env.template', null],
    ['.env.dist', null],
    ['app/.envrc', null],
    // public CA bundles and their links
    ['usr/lib/ssl/cert.pem', null],
    ['etc/ssl/cert.pem', null],
    ['etc/ssl/certs/ca-certificates.crt', null],
    ['etc/ssl/certs/ISRG_Root_X1.pem', null],
    ['etc/pki/tls/certs/ca-bundle.crt', null],
    ['etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', null],
    ['certs/fullchain.pem', null],
    ['certs/server-cert.pem', null],
    // files a package ships
    ['usr/share/doc/x/example.pem', null],
    ['usr/lib/python3/dist-packages/certifi/cacert.pem', null],
    ['app/node_modules/x/test/fixtures/key.pem', null],
    ['app/venv/lib/python3.12/site-packages/x/tests/server.key', null],
    ['app/envoy.yaml', null],
  ])('secretKind(%s) = %s', (path, kind) => {
    expect(secretKind(path)).toBe(kind);
    expect(isSecretPath(path)).toBe(kind !== null);
  });

  it.each([
    ['cert.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', null],
    ['cert.pem', '-----BEGIN CERTIFICATE-----\n…\n-----BEGIN PRIVATE KEY-----\n', 'PEM file with a private key'],
    ['key.pem', '-----BEGIN EC PRIVATE KEY-----\n', 'PEM file with a private key'],
    ['key.pem', '-----BEGIN PUBLIC KEY-----\n', null],
    ['.npmrc', 'registry=https://registry.npmjs.org/\n', null],
    ['.npmrc', '//registry.npmjs.org/:_authToken=npm_abc\n', 'npm credentials'],
    ['.pypirc', '[pypi]\nusername = __token__\npassword = pypi-abc\n', 'PyPI credentials'],
    ['.pypirc', '[distutils]\nindex-servers = pypi\n', null],
    ['.docker/config.json', '{"credsStore":"desktop"}', null],
    ['.docker/config.json', '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}', 'Docker registry credentials'],
    // rules without a content check ignore the content
    ['.env', 'A=1', 'environment file'],
  ])('secretKind(%s, content) decides by the content', (path, content, kind) => {
    expect(needsContent(path)).toBe(!path.startsWith('.env'));
    expect(secretKind(path, content)).toBe(kind);
  });

  it.each([
    ['.git', { dir: '.git', name: '.git' }],
    ['src/.git/HEAD', { dir: 'src/.git', name: '.git' }],
    ['home/u/.ssh/known_hosts', { dir: 'home/u/.ssh', name: '.ssh' }],
    ['src/.github/workflows/ci.yml', null],
  ])('secretDir(%s)', (path, want) => {
    const got = secretDir(path);
    expect(got === null ? null : { dir: got.dir, name: got.name }).toEqual(want);
  });
});
