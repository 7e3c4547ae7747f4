import { describe, expect, it } from 'vitest';
import { analyze } from '../index.js';
import { dir, file, input, link, symlink, whiteout } from '../testing.js';
import { isRootUser } from './root-user.js';
import { isSecretPath } from '../../knowledge/secrets.js';

const byId = (a: ReturnType<typeof analyze>, id: string) => a.findings.filter((f) => f.id === id);

describe('findings', () => {
  it('package caches count only what reaches the final filesystem, per layer', () => {
    const a = analyze(
      input(
        [
          [file('var/lib/apt/lists/deb_Packages', 1000), file('var/cache/apt/archives/x.deb', 300), file('var/cache/apt/pkgcache.bin', 20)],
          // a package's own .npm directory is not npm's cache; a user's ~/.npm is
          [whiteout('var/cache/apt/archives/x.deb'), file('root/.cache/pip/http/ab', 70), file('app/node_modules/x/.npm/keep', 9), file('home/node/.npm/_cacache/ab', 5)],
        ],
        { history: [{ created_by: '/bin/sh -c apt-get update' }, { created_by: '/bin/sh -c pip install x' }] },
      ),
    );
    const f = byId(a, 'package-caches');
    expect(f.map((x) => [x.data.cache, x.layer, x.bytes])).toEqual([
      ['apt lists', 0, 1000],
      ['pip cache', 1, 70],
      ['apt package cache', 0, 20],
      ['npm cache', 1, 5],
    ]);
    expect(f[0]!.instruction).toBe('RUN apt-get update');
    expect(byId(a, 'deleted-later')[0]).toMatchObject({ bytes: 300, layer: 0, pathCount: 1 });
  });

  it('separates content rewrites from metadata-only rewrites, blaming the rewriting layer', () => {
    const a = analyze(
      input(
        [
          [file('app/a', 10, { contentDigest: 'sha256:a' }), file('app/b', 20, { contentDigest: 'sha256:b' })],
          [file('app/a', 10, { contentDigest: 'sha256:a', uid: 1000 }), file('app/b', 25, { contentDigest: 'sha256:c' })],
        ],
        { history: [{ created_by: 'COPY app /app # buildkit' }, { created_by: '/bin/sh -c npm ci && chown -R 1000 /app' }] },
      ),
    );
    const f = byId(a, 'rewritten-later');
    expect(f.map((x) => [x.messageId, x.layer, x.bytes])).toEqual([
      ['content', 1, 20],
      ['metadata', 1, 10],
    ]);
    expect(f[1]!.message).toMatch(/^Layer 1 rewrites 1 file with the same content .*COPY --chmod\/--chown/);
    expect(f[0]!.message).toBe('Layer 1 overwrites 1 file of earlier layers with new content; the old copies still ship.');
  });

  it.each([
    // the same content written again by npm or apt: no chmod/chown to blame
    ['npm install rewrote it', '/bin/sh -c npm install', { contentDigest: 'sha256:a', uid: 1000 }, 'same'],
    ['apt rewrote it', '/bin/sh -c apt-get install -y --reinstall libc6', { contentDigest: 'sha256:a', mode: 0o755 }, 'same'],
    ['no history', undefined, { contentDigest: 'sha256:a', uid: 1000 }, 'same'],
    ['chmod, same digest', '/bin/sh -c chmod 755 /app/a', { contentDigest: 'sha256:a', mode: 0o755 }, 'metadata'],
    ['chown by path, no digests, same size', '/bin/sh -c /bin/chown app /app/a', { uid: 1000 }, 'metadata'],
    ['chown but new content', '/bin/sh -c chown app /app/a', { contentDigest: 'sha256:z', uid: 1000 }, 'content'],
    ['chown, same content and metadata', '/bin/sh -c chown root /app/a', { contentDigest: 'sha256:a' }, 'same'],
    ['a COPY of the same file', 'COPY a /app/a # buildkit', { contentDigest: 'sha256:a', uid: 1000 }, 'same'],
  ] as const)('rewritten-later: %s → %s', (_name, createdBy, extra, messageId) => {
    const digest = 'contentDigest' in extra ? { contentDigest: 'sha256:a' } : {};
    const a = analyze(
      input([[file('app/a', 10, digest)], [file('app/a', 10, extra)]], {
        history: [{ created_by: 'COPY a /app/a # buildkit' }, ...(createdBy === undefined ? [] : [{ created_by: createdBy }])],
      }),
    );
    const f = byId(a, 'rewritten-later');
    expect(f.map((x) => x.messageId)).toEqual([messageId]);
    if (messageId !== 'metadata') expect(f[0]!.message).not.toMatch(/chmod/);
  });

  it('finds shells, package managers (also as symlinks) and setuid files', () => {
    const a = analyze(input([[file('bin/busybox', 900), symlink('bin/sh', 'busybox'), file('sbin/apk', 50), file('usr/bin/passwd', 60, { mode: 0o4755 }), file('usr/bin/ls', 9)]]));
    expect(byId(a, 'shells-and-package-managers').map((f) => f.data.names)).toEqual(['busybox, sh', 'apk']);
    const s = byId(a, 'setuid-files');
    expect(s).toHaveLength(1);
    expect(s[0]!.message).toContain('usr/bin/passwd (4755)');
  });

  it.each([
    [undefined, true], ['', true], ['0', true], ['root', true], ['0:0', true], ['root:root', true], ['1000', false], ['app:0', false],
  ])('isRootUser(%j) = %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });

  it('reports secrets present, secrets deleted later (still shipped) and .git directories', () => {
    const a = analyze(
      input([
        [file('app/.env', 40), file('root/.ssh/id_rsa', 1700), dir('src/.git'), file('src/.git/objects/pack/p.pack', 5000), file('src/.git/HEAD', 20)],
        [whiteout('root/.ssh/id_rsa')],
      ]),
    );
    const f = byId(a, 'secrets');
    expect(f.map((x) => [x.messageId, x.bytes, x.pathCount])).toEqual([
      ['present', 40, 1],
      ['deleted', 0, 1],
      ['git', 5020, 2],
    ]);
    expect(f.map((x) => x.message)).toEqual([
      '1 secret-looking file added by layer 0 ships in the final image.',
      '1 secret-looking file added by layer 0 is deleted later, but still ships in layer 0.',
      'The .git directory src/.git (2 files) ships in the image.',
    ]);
  });

  it('names the layer that added each secret: one finding per layer, not the heaviest layer for all', () => {
    const a = analyze(input([[file('app/.env', 40)], [file('etc/app/server.key', 3000), file('etc/app/token.p12', 10)], [file('srv/x.txt', 5)]]));
    const f = byId(a, 'secrets');
    // findings are ranked by bytes: layer 1's 3010 B before layer 0's 40 B
    expect(f.map((x) => [x.layer, x.paths.map((p) => p.path).sort()])).toEqual([
      [1, ['etc/app/server.key', 'etc/app/token.p12']],
      [0, ['app/.env']],
    ]);
    expect(f.map((x) => x.message)).toEqual(['2 secret-looking files added by layer 1 ship in the final image.', '1 secret-looking file added by layer 0 ships in the final image.']);
  });

  it('does not take a public CA bundle or its links for a secret (usr/lib/ssl/cert.pem)', () => {
    const a = analyze(
      input([
        [
          file('etc/ssl/certs/ca-certificates.crt', 200_000),
          symlink('usr/lib/ssl/cert.pem', '/etc/ssl/certs/ca-certificates.crt'),
          symlink('etc/ssl/cert.pem', 'certs/ca-certificates.crt'),
          file('etc/ssl/certs/ISRG_Root_X1.pem', 2000),
          file('app/.env.example', 30),
          file('app/server.p12', 3000),
        ],
      ]),
    );
    const f = byId(a, 'secrets');
    expect(f.map((x) => [x.messageId, x.paths.map((p) => p.path)])).toEqual([['present', ['app/server.p12']]]);
  });

  it.each([
    ['app/.env', true], ['home/u/.aws/credentials', true], ['etc/ssl/private/server.key', true], ['root/.docker/config.json', true],
    ['usr/share/doc/x/example.pem', false], ['app/envoy.yaml', false], ['app/.envrc', false],
    ['usr/lib/ssl/cert.pem', false], ['etc/ssl/cert.pem', false], ['app/.env.example', false], ['app/keystore.jks', true], ['etc/nginx/.htpasswd', true],
  ])('isSecretPath(%s) = %s', (path, secret) => {
    expect(isSecretPath(path)).toBe(secret);
  });

  it('finds build toolchains and counts their bytes once in savings.cleanups', () => {
    const a = analyze(
      input([
        [file('usr/bin/gcc-12', 1000), file('usr/include/stdio.h', 30), file('var/lib/dpkg/info/libssl-dev:amd64.list', 2), file('usr/local/go/bin/go', 500), file('var/lib/apt/lists/x', 100)],
      ]),
    );
    const f = byId(a, 'build-toolchains');
    expect(f).toHaveLength(1);
    expect(f[0]!.bytes).toBe(1530);
    expect(f[0]!.message).toContain('libssl-dev');
    expect(a.savings.cleanups).toBe(1630);
  });

  it.each([
    ["Debian's Go (golang-go)", 'usr/lib/go-1.19/bin/go', 'Go toolchain'],
    ["Alpine's Go", 'usr/lib/go/pkg/tool/linux_amd64/compile', 'Go toolchain'],
    ['an OpenJDK JDK (javac)', 'usr/lib/jvm/java-17-openjdk-amd64/bin/javac', 'Java JDK'],
    ['an OpenJDK JDK (jmods)', 'usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod', 'Java JDK'],
    ["Temurin's JDK", 'opt/java/openjdk/bin/javac', 'Java JDK'],
  ])('finds %s by path', (_name, path, label) => {
    const a = analyze(input([[file(path, 4000), file('usr/lib/jvm/java-17-openjdk-amd64/bin/java', 100), file('usr/lib/jvm/java-17-openjdk-amd64/lib/modules', 5000)]]));
    const f = byId(a, 'build-toolchains');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toBe(`The final image ships build tools: ${label}.`);
    // a JRE's own files (java, lib/modules) are not build tools
    expect(f[0]!.paths.map((p) => p.path)).toEqual([path]);
  });

  it('a JRE alone is no build toolchain', () => {
    const a = analyze(input([[file('usr/lib/jvm/java-17-openjdk-amd64/bin/java', 100), file('usr/lib/jvm/java-17-openjdk-amd64/lib/modules', 5000)]]));
    expect(byId(a, 'build-toolchains')).toEqual([]);
  });

  it.each([
    ['without', [], 'noDockerClean'],
    ['with', [file('etc/apt/apt.conf.d/docker-clean', 300)], 'left'],
  ] as const)("apt archives in an image %s Debian's docker-clean hook", (_with, hook, messageId) => {
    const a = analyze(input([[...hook, file('var/cache/apt/archives/curl_8.5.0_amd64.deb', 400_000)]]));
    const f = byId(a, 'package-caches');
    expect(f.map((x) => [x.messageId, x.data.cache, x.bytes])).toEqual([[messageId, 'apt archives', 400_000]]);
    if (messageId === 'noDockerClean') expect(f[0]!.message).toContain('lacks /etc/apt/apt.conf.d/docker-clean');
    if (messageId === 'noDockerClean') expect(f[0]!.message).toContain('run `apt-get clean` in the same RUN');
  });

  it('a hard link to a cache file adds no bytes', () => {
    const a = analyze(input([[file('var/cache/apk/a.apk', 100), link('var/cache/apk/b.apk', 'var/cache/apk/a.apk')]]));
    expect(byId(a, 'package-caches')[0]).toMatchObject({ bytes: 100, pathCount: 2 });
  });
});
