import { describe, expect, it } from 'vitest';
import { APT_DOCKER_CLEAN, PACKAGE_CACHES, cacheDir, cacheOfPath, copiesManifest, dependencyInstall, isPipInstall } from './package-managers.js';
import { pathGlob } from './paths.js';

const cmd = (line: string) => {
  const words = line.split(' ').map((text) => ({ text }));
  return { name: words[0]!.text.replace(/^.*\//, ''), words };
};

describe('dependency installs', () => {
  it.each([
    ['npm ci', 'npm', ['package.json', 'package-lock.json', 'npm-shrinkwrap.json']],
    ['npm install --omit=dev', 'npm', ['package.json', 'package-lock.json', 'npm-shrinkwrap.json']],
    ['npm install express', null, []],
    ['yarn', 'yarn', ['package.json', 'yarn.lock']],
    ['yarn install --frozen-lockfile', 'yarn', ['package.json', 'yarn.lock']],
    ['yarn build', null, []],
    ['pnpm i', 'pnpm', ['package.json', 'pnpm-lock.yaml']],
    ['pip install -r requirements/prod.txt', 'pip', ['requirements/prod.txt']],
    ['pip3 install --requirement=requirements.txt', 'pip', ['requirements.txt']],
    ['python3 -m pip install -r requirements.txt', 'pip', ['requirements.txt']],
    ['pip install flask', null, []],
    ['poetry install', 'poetry', ['pyproject.toml', 'poetry.lock']],
    ['uv sync --frozen', 'uv', ['pyproject.toml', 'uv.lock']],
    ['pipenv install --deploy', 'pipenv', ['Pipfile', 'Pipfile.lock']],
    ['bundle install', 'bundle', ['Gemfile', 'Gemfile.lock']],
    ['composer install --no-dev', 'composer', ['composer.json', 'composer.lock']],
    ['go mod download', 'go', ['go.mod', 'go.sum']],
    ['go build ./...', null, []],
    ['cargo fetch', 'cargo', ['Cargo.toml', 'Cargo.lock']],
    ['cargo build --release', null, []],
    ['mvn -B dependency:go-offline', 'mvn', ['pom.xml']],
    ['./mvnw dependency:resolve', 'mvn', ['pom.xml']],
    ['mvn package', null, []],
    ['dotnet restore', 'dotnet', ['*.csproj', '*.fsproj', '*.sln']],
  ])('%s', (line, tool, manifests) => {
    const got = dependencyInstall(cmd(line));
    expect(got?.tool ?? null).toBe(tool);
    expect(got?.manifests.map((m) => m.name) ?? []).toEqual(manifests);
  });

  it('lock files are optional, and cargo needs more than its manifests', () => {
    expect(dependencyInstall(cmd('npm ci'))!.manifests.filter((m) => m.optional).map((m) => m.name)).toEqual(['package-lock.json', 'npm-shrinkwrap.json']);
    expect(dependencyInstall(cmd('cargo fetch'))!.manifestsSuffice).toBe(false);
    expect(dependencyInstall(cmd('mvn dependency:go-offline'))!.manifestsSuffice).toBe(true);
  });

  it.each([
    ['pip install x', true], ['pip3.12 install x', true], ['python -m pip install x', true], ['python3 -m pip --version', false], ['pipx install x', false],
  ])('isPipInstall(%s) = %s', (line, want) => {
    expect(isPipInstall(cmd(line))).toBe(want);
  });

  it.each([
    ['package.json', 'package.json', true],
    ['package*.json', 'package-lock.json', true],
    ['App.csproj', '*.csproj', true],
    ['*.csproj', '*.csproj', true],
    ['src', 'package.json', false],
    ['App.fsproj', '*.csproj', false],
  ])('copiesManifest(%s, %s) = %s', (source, manifest, want) => {
    expect(copiesManifest(source, manifest)).toBe(want);
  });
});

describe('package caches', () => {
  it.each([
    ['var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', 'apt-lists'],
    ['var/lib/apt/lists/lock', undefined],
    ['var/cache/apt/archives/curl_8.5.0_amd64.deb', 'apt-archives'],
    ['var/cache/apt/archives/partial/x.deb', 'apt-archives'],
    ['var/cache/apt/pkgcache.bin', 'apt-pkgcache'],
    ['var/cache/debconf/templates.dat-old', 'debconf-old'],
    ['var/cache/apk/APKINDEX.abc.tar.gz', 'apk'],
    ['var/cache/dnf/fedora.solv', 'dnf'],
    ['var/cache/libdnf5/fedora-1234/repodata/x', 'dnf5'],
    ['var/cache/yum/x86_64/8/BaseOS/repomd.xml', 'yum'],
    ['var/cache/zypp/raw/x', 'zypper'],
    ['root/.cache/pip/http-v2/a/b', 'pip'],
    ['home/app/.cache/pip/wheels/x.whl', 'pip'],
    ['root/.npm/_cacache/index-v5/x', 'npm'],
    ['home/node/.npm/_logs/x.log', 'npm'],
    ['app/node_modules/x/.npm/keep', undefined],
    ['usr/local/share/.cache/yarn/v6/x', 'yarn'],
    ['home/node/.cache/yarn/v6/x', 'yarn'],
    ['root/.local/share/pnpm/store/v3/x', 'pnpm'],
    ['root/.cache/node-gyp/20.11.0/include/node/node.h', 'node-gyp'],
    ['root/.cache/go-build/ab/cd', 'go-build'],
    ['go/pkg/mod/cache/download/x.zip', 'go-mod'],
    ['root/go/pkg/mod/cache/download/x.zip', 'go-mod'],
    ['go/pkg/mod/github.com/x/y@v1/z.go', undefined],
    ['usr/lib/apt/methods/http', undefined],
  ])('cacheOfPath(%s) = %s', (path, id) => {
    expect(cacheOfPath(path)?.id).toBe(id);
  });

  it.each(PACKAGE_CACHES.map((c) => [c.id, c] as const))('%s: its files lie in its directories (or, per user, in a home)', (_id, c) => {
    const roots = [...c.dirs.map((d) => d.slice(1)), ...(c.home === undefined ? [] : [`root/${c.home}`, `home/*/${c.home}`])];
    for (const g of c.files) expect(roots.some((r) => g.startsWith(`${r}/`)), g).toBe(true);
  });

  it('lint reads the directories as root sees them', () => {
    expect(cacheDir('apt-lists')).toBe('/var/lib/apt/lists');
    expect(cacheDir('pip')).toBe('/root/.cache/pip');
    expect(cacheDir('go-mod')).toBe('/go/pkg/mod');
  });

  it("docker-clean removes what the apt-archives and apt-pkgcache caches hold", () => {
    for (const f of ['var/cache/apt/archives/x.deb', 'var/cache/apt/archives/partial/x.deb', 'var/cache/apt/srcpkgcache.bin']) {
      expect(APT_DOCKER_CLEAN.removes.some((g) => pathGlob(g).test(f)), f).toBe(true);
      expect(['apt-archives', 'apt-pkgcache']).toContain(cacheOfPath(f)?.id);
    }
  });
});
