import { describe, expect, it } from 'vitest';
import type { MergedRecord } from '../../analyze/merge.js';
import type { ImageConfig } from '../../image/spec.js';
import type { ElfInfo } from '../../elf/parse.js';
import { resolve, type FinalTree } from '../../analyze/resolve.js';
import { globToRegExp } from './categories.js';
import { elfCandidates, entrypointPrograms, planStrip } from './plan.js';

const rec = (type: MergedRecord['type'], size = 0, extra: Partial<MergedRecord> = {}): MergedRecord => ({
  type, size, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, layer: 0, linkTarget: undefined, ...extra,
});
const file = (size: number, mode = 0o644) => rec('file', size, { mode });
const dir = () => rec('dir');
const sym = (target: string) => rec('symlink', 0, { linkTarget: target });

function tree(entries: Record<string, MergedRecord>): FinalTree {
  return new Map(Object.entries(entries));
}
const config = (c: ImageConfig['config'] = {}): ImageConfig => ({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: c });

const debianish = () => ({
  bin: sym('usr/bin'),
  lib: sym('usr/lib'),
  lib64: sym('usr/lib64'),
  usr: dir(), 'usr/bin': dir(), 'usr/lib': dir(), 'usr/lib64': dir(), 'usr/lib/x86_64-linux-gnu': dir(),
  'usr/bin/bash': file(1000, 0o755),
  'usr/bin/app': file(2000, 0o755),
  'usr/lib/x86_64-linux-gnu/libc.so.6': file(2_000_000),
  'usr/lib/x86_64-linux-gnu/libtinfo.so.6': sym('libtinfo.so.6.4'),
  'usr/lib/x86_64-linux-gnu/libtinfo.so.6.4': file(200_000),
  'usr/lib/x86_64-linux-gnu/libunused.so.1': file(300_000),
  'usr/lib64/ld-linux-x86-64.so.2': sym('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
  'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2': file(200_000),
  etc: dir(), 'etc/passwd': file(100), 'etc/group': file(50),
  'etc/ssl/certs/ca-certificates.crt': file(200_000),
  'usr/share/doc/bash/copyright': file(10_000),
  'usr/share/doc/bash/README.gz': file(5000),
  'usr/share/doc/bash/examples/a': file(100),
  'usr/share/doc/bash/examples/b': file(200),
  'usr/share/man/man1/bash.1.gz': file(3000),
  'usr/share/locale/de/LC_MESSAGES/bash.mo': file(4000),
  'usr/share/locale/fr/LC_MESSAGES/bash.mo': file(4100),
  'usr/share/locale/en_GB/LC_MESSAGES/bash.mo': file(900),
  'usr/share/locale/locale.alias': file(20),
  'var/lib/apt/lists/deb_Packages': file(40_000_000),
  'var/lib/apt/lists/lock': file(0),
  'app/__pycache__/m.cpython-311.pyc': file(700),
  'app/m.py': file(300),
});

const ELF: Map<string, ElfInfo> = new Map([
  ['usr/bin/bash', { interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libtinfo.so.6', 'libc.so.6'], searchPath: [], bits: 64, machine: 62 }],
  ['usr/bin/app', { interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], searchPath: [], bits: 64, machine: 62 }],
  ['usr/lib/x86_64-linux-gnu/libtinfo.so.6.4', { needed: ['libc.so.6'], searchPath: [], bits: 64, machine: 62 }],
]);

describe('resolve', () => {
  it('follows symlinks in parents and at the end, absolute and relative', () => {
    const t = tree(debianish());
    const via: string[] = [];
    expect(resolve(t, 'lib64/ld-linux-x86-64.so.2', via)).toBe('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
    expect(via).toEqual(['lib64', 'usr/lib64/ld-linux-x86-64.so.2']);
    expect(resolve(t, 'lib/x86_64-linux-gnu/libtinfo.so.6')).toBe('usr/lib/x86_64-linux-gnu/libtinfo.so.6.4');
  });
  it('gives up on a loop', () => {
    expect(resolve(tree({ a: sym('b'), b: sym('a') }), 'a')).toBeNull();
  });
});

describe('planStrip', () => {
  it('removes caches, docs (not copyright), other languages and bytecode, with bytes per category', () => {
    const plan = planStrip(tree(debianish()), config({ Env: ['LANG=en_US.UTF-8'] }), ELF);
    const removed = plan.removed.map((r) => r.path).sort();
    expect(removed).toEqual([
      'app/__pycache__/m.cpython-311.pyc',
      'usr/share/doc/bash/README.gz',
      'usr/share/doc/bash/examples/a',
      'usr/share/doc/bash/examples/b',
      'usr/share/locale/de/LC_MESSAGES/bash.mo',
      'usr/share/locale/fr/LC_MESSAGES/bash.mo',
      'usr/share/man/man1/bash.1.gz',
      'var/lib/apt/lists/deb_Packages',
    ]);
    expect(plan.bytes).toBe(700 + 5000 + 100 + 200 + 4000 + 4100 + 3000 + 40_000_000);
    expect(plan.byCategory['locales']).toEqual({ count: 2, bytes: 8100 });
    // a directory that goes whole is one whiteout; category roots themselves stay
    expect(plan.whiteouts).toEqual([
      'app/__pycache__',
      'usr/share/doc/bash/README.gz',
      'usr/share/doc/bash/examples',
      'usr/share/locale/de',
      'usr/share/locale/fr',
      'usr/share/man/man1',
      'var/lib/apt/lists/deb_Packages',
    ]);
  });

  it('keeps the languages LANGUAGE lists and removes the others', () => {
    const plan = planStrip(tree(debianish()), config({ Env: ['LANGUAGE=fr:de'] }), ELF, { categories: ['locales'] });
    expect(plan.removed.map((r) => r.path)).toEqual(['usr/share/locale/en_GB/LC_MESSAGES/bash.mo']);
  });

  it('never removes the entrypoint, users, CA certificates, or the loader and libraries programs on PATH need', () => {
    const plan = planStrip(tree(debianish()), config({ Entrypoint: ['app'], Env: ['PATH=/usr/bin:/bin'] }), ELF, {
      categories: [],
      remove: ['usr/lib/**', 'usr/lib64/**', 'etc/**', 'usr/bin/app'],
    });
    const removed = plan.removed.map((r) => r.path);
    expect(removed).toEqual(['usr/lib/x86_64-linux-gnu/libunused.so.1']);
    const reasons = Object.fromEntries(plan.protected.map((p) => [p.path, p.reason]));
    expect(reasons['usr/bin/app']).toBe('the entrypoint');
    expect(reasons['usr/lib/x86_64-linux-gnu/libc.so.6']).toMatch(/needed by \/usr\/bin\//);
    expect(reasons['usr/lib/x86_64-linux-gnu/libtinfo.so.6']).toBe('needed by /usr/bin/bash');
    expect(reasons['usr/lib/x86_64-linux-gnu/libtinfo.so.6.4']).toBe('needed by /usr/bin/bash');
    expect(reasons['usr/lib64/ld-linux-x86-64.so.2']).toMatch(/dynamic loader/);
    expect(reasons['etc/passwd']).toBe('user database');
    expect(reasons['etc/ssl/certs/ca-certificates.crt']).toBe('CA certificates');
  });

  it('lets --keep win over categories and --remove', () => {
    const plan = planStrip(tree(debianish()), config(), ELF, { keep: ['/var/lib/apt/**'], remove: ['app/m.py'] });
    expect(plan.removed.map((r) => r.path)).not.toContain('var/lib/apt/lists/deb_Packages');
    expect(plan.removed.find((r) => r.path === 'app/m.py')?.category).toBe('remove');
    expect(plan.protected).toContainEqual({ path: 'var/lib/apt/lists/deb_Packages', reason: 'matches --keep' });
  });

  it('takes build tools only when asked', () => {
    const t = tree({ ...debianish(), 'usr/include/stdio.h': file(3000), 'usr/bin/gcc-12': file(1_000_000, 0o755) });
    expect(planStrip(t, config(), ELF).removed.map((r) => r.path)).not.toContain('usr/include/stdio.h');
    const asked = planStrip(t, config(), ELF, { categories: ['build-tools'] });
    expect(asked.removed.map((r) => r.path).sort()).toEqual(['usr/bin/gcc-12', 'usr/include/stdio.h']);
  });
});

describe('entrypoint and ELF candidates', () => {
  it('finds the program behind a shell-form command and PATH lookups', () => {
    const t = tree(debianish());
    expect(entrypointPrograms(t, config({ Cmd: ['/bin/sh', '-c', 'app --port 80'], Env: ['PATH=/usr/bin'] }))).toEqual(['bin/sh', 'usr/bin/app']);
    expect(entrypointPrograms(t, config({ Entrypoint: ['bash'], Cmd: ['-c', 'x'] }))).toEqual(['usr/bin/bash']);
  });
  it('reads programs on PATH and shared libraries, not data files', () => {
    const c = elfCandidates(tree(debianish()), config());
    expect(c.has('usr/bin/bash')).toBe(true);
    expect(c.has('usr/lib/x86_64-linux-gnu/libc.so.6')).toBe(true);
    expect(c.has('etc/passwd')).toBe(false);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['usr/share/doc/**', 'usr/share/doc/a/b', true],
    ['usr/share/doc/**', 'usr/share/docs/a', false],
    ['**/*.pyc', 'a/b/c.pyc', true],
    ['**/*.pyc', 'c.pyc', true],
    ['usr/share/doc/*/copyright', 'usr/share/doc/bash/copyright', true],
    ['usr/share/doc/*/copyright', 'usr/share/doc/bash/x/copyright', false],
    ['/etc/ss?/**', 'etc/ssl/certs/x', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});

describe('strip and analyze share the package-cache table', () => {
  // every cache analyze's package-caches finding reports (src/knowledge/package-managers.ts) is
  // removed by a default strip category, and the category is the one the table names
  it.each([
    ['var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', 'apt-lists'],
    ['var/cache/apt/archives/curl_8.5.0_amd64.deb', 'apt-cache'],
    ['var/cache/apt/pkgcache.bin', 'apt-cache'],
    ['var/cache/apk/APKINDEX.abc.tar.gz', 'apk-cache'],
    ['var/cache/libdnf5/fedora/repodata/x', 'dnf-yum-cache'],
    ['home/app/.cache/pip/http-v2/a', 'pip-cache'],
    ['root/.npm/_cacache/index-v5/a', 'npm-yarn-cache'],
    ['home/node/.cache/node-gyp/20.11.0/include/node/node.h', 'npm-yarn-cache'],
    ['home/gopher/go/pkg/mod/cache/download/x.zip', 'go-build-cache'],
  ])('%s goes with %s', (path, category) => {
    const plan = planStrip(tree({ [path]: file(100) }), config(), new Map());
    expect(plan.removed).toEqual([{ path, bytes: 100, category }]);
  });

  it('keeps apt lock and a package\'s own .npm directory', () => {
    const plan = planStrip(tree({ 'var/lib/apt/lists/lock': file(0), 'app/node_modules/x/.npm/keep': file(5) }), config(), new Map());
    expect(plan.removed).toEqual([]);
  });
});
