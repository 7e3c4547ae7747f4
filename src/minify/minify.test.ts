import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elfFile } from '../../test/support/elf-writer.js';
import { buildImage, dir, file, hardlink, ociLayout, symlink, writeDir, type TarMember } from '../../test/support/image-writer.js';
import { writeLdCache } from '../elf/ld-cache.js';
import { WhittleError } from '../errors.js';
import { scanLayer } from '../layers/scan.js';
import { openImage } from '../transports/open.js';
import { writeImage } from '../transports/write.js';
import type { MergedRecord } from '../analyze/merge.js';
import type { FinalTree } from '../analyze/resolve.js';
import type { ImageConfig } from '../image/spec.js';
import { minify, type MinifyOptions } from './index.js';
import { appRoots } from './split.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LOADER = '/lib64/ld-linux-x86-64.so.2';
const ML = 'usr/lib/x86_64-linux-gnu';
const exe = (name: string, data: Buffer | string): TarMember => file(name, data, 0o755);

/** BASE is a merged-usr Debian-like base: loader, libc, a cached library outside the default directories, NSS modules, certificates, junk. */
function base(): TarMember[] {
  return [
    dir('usr'), dir('usr/bin'), dir('usr/lib'), dir('usr/lib64'), dir(ML), dir('usr/local'), dir('usr/local/lib'), dir('usr/share'), dir('usr/share/doc'),
    symlink('bin', 'usr/bin'), symlink('lib', 'usr/lib'), symlink('lib64', 'usr/lib64'),
    exe(`${ML}/ld-linux-x86-64.so.2`, elfFile({ static: true })),
    symlink('usr/lib64/ld-linux-x86-64.so.2', `../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2`),
    file(`${ML}/libc.so.6`, elfFile({ needed: ['ld-linux-x86-64.so.2'] })),
    symlink(`${ML}/libfoo.so.1`, 'libfoo.so.1.2.3'),
    file(`${ML}/libfoo.so.1.2.3`, elfFile({ needed: ['libbar.so.2', 'libc.so.6'] })),
    file('usr/local/lib/libbar.so.2', elfFile({ needed: ['libc.so.6'] })),
    file(`${ML}/libunused.so.1`, elfFile({ needed: ['libc.so.6'] })),
    file(`${ML}/libnss_files.so.2`, elfFile({ needed: ['libc.so.6'] })),
    file(`${ML}/libnss_dns.so.2`, elfFile({ needed: ['libc.so.6'] })),
    // a 32-bit libfoo earlier on the search path: the loader skips it
    dir('usr/lib32'),
    exe('usr/bin/sh', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] })),
    exe('usr/bin/jq', elfFile({ interpreter: LOADER, needed: ['libfoo.so.1', 'libc.so.6'] })),
    exe('usr/bin/curl', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] })),
    exe('usr/bin/unrelated', elfFile({ interpreter: LOADER, needed: ['libunused.so.1'] })),
    exe('usr/bin/static', elfFile({ static: true })),
    dir('etc'), dir('etc/ssl'), dir('etc/ssl/certs'),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n'),
    file('etc/group', 'root:x:0:\napp:x:1000:\n'),
    file('etc/nsswitch.conf', '# comment\npasswd: files systemd\nhosts: files [NOTFOUND=return] dns\n'),
    file('etc/hosts', '127.0.0.1 localhost\n'),
    file('etc/ld.so.cache', writeLdCache([
      { name: 'libbar.so.2', path: '/usr/local/lib/libbar.so.2', flags: 0x0303 },
      { name: 'libfoo.so.1', path: '/usr/lib32/libfoo.so.1', flags: 0x0003 },
      { name: 'libfoo.so.1', path: `/${ML}/libfoo.so.1`, flags: 0x0303 },
      { name: 'libc.so.6', path: `/${ML}/libc.so.6`, flags: 0x0303 },
      { name: 'libnss_files.so.2', path: `/${ML}/libnss_files.so.2`, flags: 0x0303 },
      { name: 'libnss_dns.so.2', path: `/${ML}/libnss_dns.so.2`, flags: 0x0303 },
    ])),
    file('etc/ssl/certs/ca-certificates.crt', 'BUNDLE\n'),
    symlink('etc/ssl/certs/abc.pem', '/usr/share/ca-certificates/mozilla/abc.crt'),
    dir('usr/share/ca-certificates'), dir('usr/share/ca-certificates/mozilla'),
    file('usr/share/ca-certificates/mozilla/abc.crt', 'CERT\n'),
    file('usr/share/doc/big.txt', 'x'.repeat(10_000)),
    { name: 'tmp', type: 'directory', mode: 0o1777 },
  ];
}

async function image(name: string, layers: TarMember[][], config: Record<string, unknown>) {
  const img = await buildImage(layers, { config });
  return openImage(`oci:${writeDir(join(tmp, name), ociLayout(img, { refName: 'v1' }).files)}:v1`);
}

async function plan(name: string, layers: TarMember[][], config: Record<string, unknown>, opts: MinifyOptions = {}) {
  return (await minify(await image(name, layers, config), { ...opts, dryRun: true })).plan;
}

const PATH = 'PATH=/usr/local/bin:/usr/bin:/bin';

describe('minify: the ELF closure', () => {
  const app: TarMember[] = [
    dir('opt'), dir('opt/app'), dir('opt/app/bin'), dir('opt/app/lib'),
    exe('opt/app/bin/app', elfFile({ interpreter: LOADER, needed: ['libfoo.so.1', 'libplug.so', 'libc.so.6'], runpath: '$ORIGIN/../lib' })),
    file('opt/app/lib/libplug.so', elfFile({ needed: ['libc.so.6'] })),
  ];
  it('keeps the program, its loader and libraries through symlinks, RUNPATH and ld.so.cache, and what every container needs', async () => {
    const p = await plan('elf', [base(), app], { Entrypoint: ['/opt/app/bin/app'], Env: [PATH] });
    const kept = [...p.kept.keys()];
    for (const path of [
      'opt/app/bin/app', 'opt/app/lib/libplug.so', 'lib64', 'usr/lib64/ld-linux-x86-64.so.2', `${ML}/ld-linux-x86-64.so.2`,
      `${ML}/libfoo.so.1`, `${ML}/libfoo.so.1.2.3`, 'usr/local/lib/libbar.so.2', `${ML}/libc.so.6`,
      `${ML}/libnss_files.so.2`, `${ML}/libnss_dns.so.2`, 'etc/passwd', 'etc/group', 'etc/nsswitch.conf', 'etc/hosts', 'etc/ld.so.cache',
      'etc/ssl/certs/ca-certificates.crt', 'etc/ssl/certs/abc.pem', 'usr/share/ca-certificates/mozilla/abc.crt', 'tmp', 'usr', 'usr/lib',
    ]) expect(kept, path).toContain(path);
    for (const path of [`${ML}/libunused.so.1`, 'usr/bin/unrelated', 'usr/share/doc/big.txt', 'usr/bin/sh', 'usr/lib32']) expect(kept, path).not.toContain(path);
    expect(p.kept.get('usr/local/lib/libbar.so.2')).toEqual([`DT_NEEDED of /${ML}/libfoo.so.1.2.3 (found through ld.so.cache)`]);
    expect(p.kept.get('opt/app/lib/libplug.so')).toEqual(['DT_NEEDED of /opt/app/bin/app (found through DT_RUNPATH of /opt/app/bin/app)']);
    expect(p.kept.get(`${ML}/ld-linux-x86-64.so.2`)).toEqual(['dynamic loader (PT_INTERP) of /opt/app/bin/app', `DT_NEEDED of /${ML}/libc.so.6 (found through a default directory)`]);
    expect(p.kept.get('lib64')).toEqual(['symlink on the way to /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2']);
    expect(p.kept.get(`${ML}/libnss_dns.so.2`)?.[0]).toMatch(/^NSS module named in nsswitch.conf \(dns/);
    expect(p.warnings).toContain('nsswitch.conf names NSS services the image has no module for (glibc skips them): systemd');
    expect(kept).toEqual([...kept].sort());
  });

  it('finds libraries in the default directories without a cache, and skips another ABI\'s library', async () => {
    const layers = [base().filter((m) => m.name !== 'etc/ld.so.cache'), [...app, file('usr/lib/libfoo.so.1', elfFile({ bits: 32, machine: 3 }))]];
    const p = await plan('nocache', layers, { Entrypoint: ['/opt/app/bin/app'] });
    expect(p.kept.has(`${ML}/libfoo.so.1.2.3`)).toBe(true);
    expect(p.kept.has('usr/lib/libfoo.so.1')).toBe(false);
    expect(p.kept.has('usr/local/lib/libbar.so.2')).toBe(false);
    expect(p.warnings).toContain(`libbar.so.2, DT_NEEDED of /${ML}/libfoo.so.1.2.3, is not in the image (the original cannot load it either)`);
  });

  it('reads ld.so.conf and its includes when there is no cache', async () => {
    const layers = [base().filter((m) => m.name !== 'etc/ld.so.cache'), [...app, dir('etc/ld.so.conf.d'), file('etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n'), file('etc/ld.so.conf.d/local.conf', '# local\n/usr/local/lib\n')]];
    const p = await plan('conf', layers, { Entrypoint: ['/opt/app/bin/app'] });
    expect(p.kept.get('usr/local/lib/libbar.so.2')).toEqual([`DT_NEEDED of /${ML}/libfoo.so.1.2.3 (found through a directory in ld.so.conf)`]);
  });

  it("traces the HEALTHCHECK's command as the engine runs it in the container", async () => {
    const p = await plan('health', [base()], { Entrypoint: ['static'], Env: [PATH], Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'] } });
    expect(p.kept.get('usr/bin/sh')?.[0]).toMatch(/the HEALTHCHECK/);
    expect(p.kept.has('usr/bin/curl')).toBe(true);
    const none = await plan('health-none', [base()], { Entrypoint: ['static'], Env: [PATH], Healthcheck: { Test: ['NONE'] } });
    expect(none.kept.has('usr/bin/curl')).toBe(false);
  });

  it('keeps a static program with certificates, users and directories only: no loader, libc or NSS', async () => {
    const p = await plan('static', [base()], { Entrypoint: ['static'], Env: [PATH], WorkingDir: '/srv/data', Volumes: { '/var/cache/app': {} } });
    const files = [...p.kept.keys()].filter((k) => p.tree.get(k)?.type === 'file');
    expect(files.sort()).toEqual(['etc/group', 'etc/hosts', 'etc/passwd', 'etc/ssl/certs/ca-certificates.crt', 'usr/bin/static', 'usr/share/ca-certificates/mozilla/abc.crt']);
    expect(p.created.get('srv/data')).toBe(0o755);
    expect(p.created.get('var/cache/app')).toBe(0o755);
    expect(p.kept.get('srv/data')).toEqual(['WorkingDir']);
  });
});

describe('minify: scripts', () => {
  const script = (text: string) => exe('usr/local/bin/entry.sh', text);
  it('keeps a #! script\'s interpreter and the commands a shell script calls, and warns for what it cannot resolve', async () => {
    const text = '#!/bin/sh\nset -e\nlog() { echo "$@"; }\nlog start\ncurl --version >/dev/null\njq --version | head -1\n$TOOL run\nmissing-tool\nexec "$@"\n';
    const p = await plan('script', [base(), [dir('usr/local'), dir('usr/local/bin'), script(text)]], { Entrypoint: ['entry.sh'], Cmd: ['static', '--serve'], Env: [PATH] });
    const kept = [...p.kept.keys()];
    for (const path of ['usr/local/bin/entry.sh', 'usr/bin/sh', 'usr/bin/curl', 'usr/bin/jq', `${ML}/libfoo.so.1.2.3`, 'usr/bin/static', 'bin']) expect(kept, path).toContain(path);
    expect(p.kept.get('usr/bin/sh')).toContain('interpreter (#!) of /usr/local/bin/entry.sh');
    expect(p.kept.get('usr/bin/jq')).toContain('called by /usr/local/bin/entry.sh:6');
    expect(p.kept.get('usr/bin/static')).toContain('run by /usr/local/bin/entry.sh:9 ("$@": the script\'s arguments)');
    expect(p.warnings).toContain('/usr/local/bin/entry.sh:7: the command $TOOL is computed at run time and was not traced (add --keep for what it runs)');
    expect(p.warnings).toContain('called by /usr/local/bin/entry.sh:6: head is not in the image (not on PATH)');
    expect(p.warnings).toContain('called by /usr/local/bin/entry.sh:8: missing-tool is not in the image (not on PATH)');
    expect(p.warnings.join('\n')).not.toMatch(/\blog\b/);
  });

  it('traces the shell form (sh -c)', async () => {
    const p = await plan('shellform', [base()], { Cmd: ['/bin/sh', '-c', 'curl -s http://x && jq .'], Env: [PATH] });
    expect(p.kept.get('usr/bin/curl')).toEqual(["called by the entrypoint (sh -c):1"]);
    expect(p.kept.has('usr/bin/jq')).toBe(true);
  });
});

describe('minify: --keep, bad images', () => {
  it('keeps --keep globs, with what a kept program needs', async () => {
    const p = await plan('keep', [base()], { Entrypoint: ['static'], Env: [PATH] }, { keep: ['/usr/share/doc/**', '/usr/bin/unrelated', '/nothing/**'] });
    expect(p.kept.get('usr/share/doc/big.txt')).toEqual(['--keep /usr/share/doc/**']);
    expect(p.kept.has(`${ML}/libunused.so.1`)).toBe(true);
    expect(p.warnings).toContain('--keep /nothing/** matches nothing in the image');
  });

  it.each([
    ['a missing entrypoint', [base()], { Entrypoint: ['nope'], Env: [PATH] }, 'not-found', /the entrypoint: nope is not in the image \(PATH \/usr\/local\/bin:\/usr\/bin:\/bin\)/],
    ['a truncated ELF entrypoint', [[...base(), exe('usr/bin/cut', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }).subarray(0, 100))]], { Entrypoint: ['/usr/bin/cut'] }, 'truncated', /\/usr\/bin\/cut \(the entrypoint\): ELF file truncated/],
    ['a truncated library', [[...base().filter((m) => m.name !== `${ML}/libc.so.6`), file(`${ML}/libc.so.6`, elfFile({ needed: ['ld-linux-x86-64.so.2'] }).subarray(0, 60))]], { Entrypoint: ['/usr/bin/curl'] }, 'truncated', /libc\.so\.6 \(DT_NEEDED of \/usr\/bin\/curl.*ELF file truncated/],
    ['a symlink loop', [[...base(), symlink('usr/bin/a', 'b'), symlink('usr/bin/b', 'a')]], { Entrypoint: ['/usr/bin/a'] }, 'bad-archive', /\/usr\/bin\/a \(the entrypoint\): symlink loop at \/usr\/bin\//],
    ['no entrypoint', [base()], {}, 'not-found', /no Entrypoint or Cmd/],
  ])('refuses %s with one error, writing nothing', async (name, layers, config, code, message) => {
    const img = await image(`bad-${name.replace(/\W+/g, '-')}`, layers as TarMember[][], config);
    const before = readdirSync(tmp).length;
    const err = await minify(img).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect((err as WhittleError).code).toBe(code);
    expect((err as WhittleError).message).toMatch(message);
    expect(readdirSync(tmp).length).toBe(before);
  });
});

describe('minify: the written image', () => {
  const layers = (): TarMember[][] => [
    base(),
    [dir('opt'), exe('opt/run', elfFile({ interpreter: LOADER, needed: ['libfoo.so.1', 'libc.so.6'] })), hardlink('opt/run-again', 'opt/run'), file('opt/big', 'y'.repeat(5000))],
  ];
  it('holds exactly the closure, sorted, with its metadata; the config is kept, the history reset; the same bytes every run', async () => {
    const config = { Entrypoint: ['/opt/run'], Env: [PATH], User: 'app', Labels: { a: 'b' } };
    const digests: string[] = [];
    for (const run of [1, 2]) {
      const result = await minify(await image(`written-${run}`, layers(), config), { keep: ['/opt/run-again'] });
      try {
        await writeImage(result.image!, `oci:${join(tmp, `out-${run}`)}:min`);
      } finally {
        await result.dispose();
      }
      const back = await openImage(`oci:${join(tmp, `out-${run}`)}:min`);
      const c = await back.config();
      expect(c.rootfs.diff_ids).toHaveLength(1);
      expect(c.history).toHaveLength(1);
      expect(c.history![0]!.created_by).toMatch(/^whittle minify: the closure of \["\/opt\/run"\]/);
      expect(c.config?.User).toBe('app');
      expect(c.config?.Labels).toEqual({ a: 'b' });
      const [layer] = await back.layers();
      const { entries } = await scanLayer(layer!);
      const paths = entries.map((e) => e.path);
      expect(paths.filter((p) => p !== 'opt/run-again')).toEqual([...result.plan.kept.keys()].filter((p) => p !== 'opt/run-again'));
      expect(paths.at(-1)).toBe('opt/run-again'); // hard links last, after their target
      expect(entries.find((e) => e.path === 'opt/run-again')).toMatchObject({ type: 'hardlink', linkTarget: 'opt/run' });
      expect(entries.find((e) => e.path === 'tmp')?.mode).toBe(0o1777);
      expect(entries.find((e) => e.path === 'opt/run')).toMatchObject({ type: 'file', mode: 0o755 });
      expect(entries.find((e) => e.path === 'lib64')).toMatchObject({ type: 'symlink', linkTarget: 'usr/lib64' });
      expect(paths).not.toContain('opt/big');
      digests.push(await layer!.diffId());
      expect(existsSync(join(tmp, `out-${run}`))).toBe(true);
    }
    expect(digests[0]).toBe(digests[1]);
  });

  it('writes a hard link whose target is not kept as a file with the content', async () => {
    const result = await minify(await image('materialized', layers(), { Entrypoint: ['/opt/run-again'], User: 'nobody' }));
    try {
      await writeImage(result.image!, `oci:${join(tmp, 'out-link')}:min`);
    } finally {
      await result.dispose();
    }
    expect(result.plan.kept.has('opt/run')).toBe(false);
    expect(result.plan.warnings).toContain('User nobody: /etc/passwd has no entry for nobody');
    const [layer] = await (await openImage(`oci:${join(tmp, 'out-link')}:min`)).layers();
    const { entries } = await scanLayer(layer!);
    expect(entries.find((e) => e.path === 'opt/run-again')).toMatchObject({ type: 'file', size: elfFile({ interpreter: LOADER, needed: ['libfoo.so.1', 'libc.so.6'] }).length, mode: 0o644 });
    expect(entries.map((e) => e.path)).not.toContain('opt/run');
  });
});

describe('minify: reads that stop once they have what they want', () => {
  it('a path held twice in one layer is read at its last copy, for the trace and for the content', async () => {
    const first = '#!/usr/bin/sh\necho old\n';
    const last = '#!/usr/bin/sh\njq . /etc/hosts\n';
    const layers = [base(), [dir('opt'), exe('opt/go.sh', first), file('opt/between', 'z'.repeat(4 << 20)), exe('opt/go.sh', last), file('opt/after', 'y'.repeat(3000))]];
    const result = await minify(await image('repeated', layers, { Entrypoint: ['/opt/go.sh'], Env: [PATH] }));
    try {
      await writeImage(result.image!, `oci:${join(tmp, 'out-repeated')}:min`);
    } finally {
      await result.dispose();
    }
    expect(result.plan.kept.has('usr/bin/jq')).toBe(true);
    const [layer] = await (await openImage(`oci:${join(tmp, 'out-repeated')}:min`)).layers();
    const { entries } = await scanLayer(layer!);
    expect(entries.find((e) => e.path === 'opt/go.sh')?.size).toBe(last.length);
  });
});

describe('minify --split', () => {
  async function written(name: string, layers: TarMember[][], config: Record<string, unknown>) {
    const result = await minify(await image(name, layers, config), { split: true });
    try {
      await writeImage(result.image!, `oci:${join(tmp, `split-${name}`)}:min`);
    } finally {
      await result.dispose();
    }
    const back = await openImage(`oci:${join(tmp, `split-${name}`)}:min`);
    const layersBack = await back.layers();
    const paths = await Promise.all(layersBack.map(async (l) => (await scanLayer(l)).entries.map((e) => e.path)));
    return { plan: result.plan, config: await back.config(), diffIds: await Promise.all(layersBack.map((l) => l.diffId())), paths };
  }

  it('two apps on the same base get the same system layer, byte for byte, and their own app layers', async () => {
    const a = await written('a', [base(), [dir('app'), file('app/a.json', '{"a":1}')]], { Entrypoint: ['jq', '.', 'a.json'], Env: [PATH], WorkingDir: '/app' });
    const b = await written('b', [base(), [dir('srv'), dir('srv/b'), file('srv/b/b.json', '[2]'), file('srv/b/unused', 'x')]], { Entrypoint: ['jq', '.', '/srv/b/b.json'], Env: [PATH], WorkingDir: '/srv/b' });
    expect(a.diffIds).toHaveLength(2);
    expect(b.diffIds).toHaveLength(2);
    expect(a.diffIds[0]).toBe(b.diffIds[0]);
    expect(a.diffIds[1]).not.toBe(b.diffIds[1]);
    expect(a.paths[1]).toEqual(['app', 'app/a.json']);
    expect(b.paths[1]).toEqual(['srv', 'srv/b', 'srv/b/b.json']);
    expect(a.paths[0]).toContain('usr/bin/jq');
    expect(a.paths[0]).toContain(`${ML}/libfoo.so.1.2.3`);
    expect(a.paths[0]).not.toContain('app');
    expect(b.paths[0]).not.toContain('srv');
    expect(a.plan.split).toEqual({ appRoots: ['/app'], systemPaths: a.paths[0]!.length, appPaths: 2 });
    expect(a.config.history!.map((h) => h.created_by)).toEqual([expect.stringMatching(/^whittle minify --split: system files of the closure of \["jq"/), 'whittle minify --split: the app (/app)']);
  });

  it("the entry's own package: its package.json folder, or its folder under /opt; the interpreter stays in the system layer", async () => {
    const tool = await written('tool', [base(), [dir('opt'), dir('opt/tool'), dir('opt/tool/bin'), exe('opt/tool/bin/tool', elfFile({ interpreter: LOADER, needed: ['libfoo.so.1', 'libc.so.6'] }))]], { Entrypoint: ['/opt/tool/bin/tool'] });
    expect(tool.plan.split?.appRoots).toEqual(['/opt/tool']);
    expect(tool.paths[1]).toEqual(['opt', 'opt/tool', 'opt/tool/bin', 'opt/tool/bin/tool']);
    expect(tool.paths[0]).toContain(`${ML}/libfoo.so.1.2.3`);
    const script = await written('pkg', [base(), [dir('usr/lib/node_modules'), dir('usr/lib/node_modules/cli'), file('usr/lib/node_modules/cli/package.json', '{}'), exe('srv/cli/run', '#!/usr/bin/sh\necho hi\n'), file('srv/cli/package.json', '{}')]], { Entrypoint: ['/srv/cli/run'] });
    expect(script.plan.split?.appRoots).toEqual(['/srv/cli']);
    expect(script.paths[1]).toEqual(['srv', 'srv/cli', 'srv/cli/run']);
    expect(script.paths[0]).toContain('usr/bin/sh');
  });

  it("a Python entry script's app is its directory (sys.path[0]), or the project above it", () => {
    const reasons = ["named in the entrypoint's arguments"];
    const tree: FinalTree = new Map([['app', { type: 'dir' }], ['app/app.py', { type: 'file' }], ['srv', { type: 'dir' }], ['srv/proj', { type: 'dir' }], ['srv/proj/pyproject.toml', { type: 'file' }], ['srv/proj/src/main.py', { type: 'file' }]] as [string, MergedRecord][]);
    expect(appRoots(new Map([['app/app.py', reasons]]), tree, {} as ImageConfig)).toEqual(['app']);
    expect(appRoots(new Map([['srv/proj/src/main.py', reasons]]), tree, {} as ImageConfig)).toEqual(['srv/proj']);
  });

  it('nothing under WorkingDir or the entry: one layer, with a warning', async () => {
    const r = await written('nothing', [base()], { Entrypoint: ['jq'], Env: [PATH] });
    expect(r.diffIds).toHaveLength(1);
    expect(r.plan.warnings).toContain("--split: nothing kept is under WorkingDir or the entry's own package; one layer written");
  });
});

describe('minify: what --probe saw touched', () => {
  const touched = (entries: [string, string[], boolean][]) => new Map(entries.map(([p, calls, follow]) => [p, { calls: new Set(calls), follow }]));
  const layers = () => [base(), [dir('srv'), dir('srv/data'), file('srv/data/answer.txt', '42\n'), symlink('srv/current', 'data'), file('srv/data/kept-link-only', 'x'), symlink('srv/link', 'data/kept-link-only')]];
  it('keeps the paths the image holds, through symlinks, with their reasons; says which the static trace missed', async () => {
    const probe = touched([
      ['/srv/current/answer.txt', ['openat'], true], // through a symlinked directory
      ['/usr/bin/jq', ['execve'], true], // a program: its libraries come with it
      ['/usr/bin/static', ['newfstatat'], true], // kept statically already: not added
      ['/srv/link', ['readlink'], false], // the link itself, not its target
      ['/run/created-at-run-time', ['openat'], true], // not in the image
      ['/', ['statx'], true],
    ]);
    const p = await plan('probe', layers(), { Entrypoint: ['static'], Env: [PATH] }, { probe });
    expect(p.kept.get('srv/data/answer.txt')).toEqual(['touched by the probe (openat)']);
    expect(p.kept.get('srv/current')).toEqual(['symlink on the way to /srv/data/answer.txt']);
    expect(p.kept.get('usr/bin/jq')).toEqual(['touched by the probe (execve)']);
    expect(p.kept.get(`${ML}/libfoo.so.1.2.3`)).toEqual([`DT_NEEDED of /usr/bin/jq (found through ld.so.cache)`]);
    expect(p.kept.get('usr/bin/static')).toEqual(['the entrypoint', 'touched by the probe (newfstatat)']);
    expect(p.kept.get('srv/link')).toEqual(['touched by the probe (readlink)']);
    expect(p.kept.has('srv/data/kept-link-only')).toBe(false);
    expect(p.probe!.touched).toBe(4); // not /, not what the image lacks
    // jq brings its loader and libraries, which the static entrypoint did not need; directories kept only on the way are not listed
    expect(p.probe!.added).toEqual([
      '/lib', '/lib64', '/srv/current', '/srv/data/answer.txt', '/srv/link', '/usr/bin/jq', `/${ML}/ld-linux-x86-64.so.2`, `/${ML}/libc.so.6`,
      `/${ML}/libfoo.so.1`, `/${ML}/libfoo.so.1.2.3`, '/usr/lib64/ld-linux-x86-64.so.2', '/usr/local/lib/libbar.so.2',
    ]);
    const without = await plan('probe-none', layers(), { Entrypoint: ['static'], Env: [PATH] });
    expect(without.probe).toBeUndefined();
    expect(without.kept.has('srv/data/answer.txt')).toBe(false);
  });
});
