// whittle build against a real engine: a Node base made from Debian's nodejs on the minbase (apt
// over plain http inside the build), a node:http app with one local file: dependency built onto it
// without an engine, then loaded, run and asked over HTTP; skopeo agrees on every digest, and a
// second push of an unchanged build uploads no blob.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { openImage } from '../../src/transports/open.js';
import { writeToRegistry } from '../../src/sinks/registry.js';
import { writeProject } from '../build-fixtures.js';
import { freePort, REGISTRY_KINDS, skopeo, type TestRegistry } from '../registry-helpers.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith, itWith } from '../support/tools.js';

const BASE = 'whittle-build/node-base:1';
const APP = 'whittle-build/app:1';
const tmp = mkdtempSync(join(tmpdir(), 'whittle-build-engine-'));
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache') };
let project: string;
let baseArchive: string;

/** the Node base: Debian's nodejs on the minbase, built once per machine and kept under BASE. */
function ensureNodeBase(minbase: string): void {
  if (spawnSync('docker', ['image', 'inspect', BASE], { stdio: 'ignore' }).status === 0) return;
  const ctx = join(tmp, 'base-context');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${minbase}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\n`);
  execFileSync('docker', ['build', '-q', '-t', BASE, ctx], { stdio: 'ignore', timeout: 600_000 });
}

describeWith(['debian-minbase', 'skopeo'], 'whittle build on a Debian nodejs base', () => {
  beforeAll(async () => {
    ensureNodeBase(await ensureMinbase());
    project = writeProject(join(tmp, 'app'), { dockerignore: '*.spec.js\n' });
    baseArchive = join(tmp, 'base.tar');
    execFileSync('docker', ['save', '-o', baseArchive, BASE]);
  }, 900_000);
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', APP], { stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('builds from docker-daemon: to a docker-archive that docker loads and runs, answering HTTP', async () => {
    const out = join(tmp, 'app.tar');
    const r = spawnSync(process.execPath, ['bin/whittle.js', 'build', project, '--base', `docker-daemon:${BASE}`, '-o', `docker-archive:${out}:${APP}`, '--json'], { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { configDigest: string; node: string; nodeVersion: string; appLayer: { diffId: string }; dependencyLayer: { diffId: string } };
    expect(summary.node).toBe('/usr/bin/node');
    expect(summary.nodeVersion).toMatch(/^18\./);
    execFileSync('docker', ['load', '-q', '-i', out]);
    const port = await freePort();
    const id = execFileSync('docker', ['run', '-d', '-p', `127.0.0.1:${port}:3000`, APP], { encoding: 'utf8' }).trim();
    try {
      let answer = '';
      for (let i = 0; i < 50 && answer === ''; i++) {
        answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((res) => res.text(), () => '');
        if (answer === '') await new Promise((res) => setTimeout(res, 200));
      }
      expect(answer).toBe('hello whittle\n');
      expect(execFileSync('docker', ['exec', id, 'id', '-u'], { encoding: 'utf8' }).trim()).toBe('65532');
    } finally {
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    }
    // skopeo reads the archive's config and layers as whittle wrote them
    const raw = JSON.parse(skopeo('inspect', '--raw', `docker-archive:${out}`)) as { config: { digest: string } };
    expect(raw.config.digest).toBe(summary.configDigest);
    const layers = (JSON.parse(skopeo('inspect', `docker-archive:${out}`)) as { Layers: string[] }).Layers;
    expect(layers.slice(-2)).toEqual([summary.dependencyLayer.diffId, summary.appLayer.diffId]);
  }, 300_000);

  it('writes an OCI layout whose manifest digest and layer digests skopeo agrees with', async () => {
    const result = await build({ dir: project, base: await openImage(`docker-archive:${baseArchive}`), baseName: BASE, env });
    try {
      const { writeImage } = await import('../../src/transports/write.js');
      const written = await writeImage(result.image, `oci:${join(tmp, 'layout')}:app`);
      const seen = JSON.parse(skopeo('inspect', `oci:${join(tmp, 'layout')}:app`)) as { Digest: string; Layers: string[] };
      expect(seen.Digest).toBe(written.manifestDigest);
      expect(seen.Layers).toEqual((await result.image.manifest()).layers.map((l) => l.digest));
    } finally {
      await result.dispose();
    }
  }, 300_000);

  it('builds a TypeScript app compiled by tsc through --build-script: only dist/ goes in, and it answers HTTP', async () => {
    // typescript from this repository's node_modules, as a local file: devDependency (no registry)
    const ts = realpathSync('node_modules/typescript');
    const dir = join(tmp, 'tsapp');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tsapp', version: '1.0.0', main: 'dist/server.js', files: ['dist'], scripts: { build: 'tsc' }, devDependencies: { typescript: `file:${relative(dir, ts)}` } }, null, 2));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', module: 'commonjs', target: 'es2020', strict: true }, include: ['src'] }));
    writeFileSync(
      join(dir, 'src/server.ts'),
      'declare function require(name: string): any;\nconst http = require("node:http");\nconst port: number = 3000;\nhttp.createServer((_req: unknown, res: { end(s: string): void }) => res.end("typed\\n")).listen(port);\n',
    );
    execFileSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'ignore' });
    const out = join(tmp, 'tsapp.tar');
    const r = spawnSync(process.execPath, ['bin/whittle.js', 'build', dir, '--base', `docker-archive:${baseArchive}`, '--build-script', 'build', '-o', `docker-archive:${out}:${APP}-ts`, '--json'], { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const image = await openImage(`docker-archive:${out}`);
    const { scanLayer } = await import('../../src/layers/scan.js');
    const layers = await image.layers();
    expect((await scanLayer(layers[layers.length - 1]!)).entries.map((e) => e.path)).toEqual(['app', 'app/dist', 'app/dist/server.js', 'app/package.json']);
    expect((await scanLayer(layers[layers.length - 2]!)).entries.filter((e) => e.path.includes('typescript'))).toEqual([]);
    execFileSync('docker', ['load', '-q', '-i', out]);
    const port = await freePort();
    const id = execFileSync('docker', ['run', '-d', '-p', `127.0.0.1:${port}:3000`, `${APP}-ts`], { encoding: 'utf8' }).trim();
    try {
      let answer = '';
      for (let i = 0; i < 50 && answer === ''; i++) {
        answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((res) => res.text(), () => '');
        if (answer === '') await new Promise((res) => setTimeout(res, 200));
      }
      expect(answer).toBe('typed\n');
    } finally {
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
      spawnSync('docker', ['rmi', '-f', `${APP}-ts`], { stdio: 'ignore' });
    }
  }, 300_000);

  for (const kind of REGISTRY_KINDS) {
    itWith(kind.tools, `pushes twice to a registry (${kind.kind}): the second push uploads no blob, and the registry holds whittle's digest`, async () => {
      let reg: TestRegistry | undefined;
      try {
        reg = await kind.start();
        const pushes = [];
        for (let i = 0; i < 2; i++) {
          const result = await build({ dir: project, base: await openImage(`docker-archive:${baseArchive}`), baseName: BASE, env });
          try {
            pushes.push({ digest: await result.image.digest(), push: await writeToRegistry(result.image, `${reg.host}/build/app:1`) });
          } finally {
            await result.dispose();
          }
        }
        expect(pushes[1]!.digest).toBe(pushes[0]!.digest);
        expect(pushes[0]!.push.uploaded.length).toBeGreaterThan(0);
        expect(pushes[1]!.push.uploaded).toEqual([]);
        expect(reg.inspect('build/app:1').Digest).toBe(pushes[0]!.digest);
      } finally {
        await reg?.stop();
      }
    }, 600_000);
  }
});
