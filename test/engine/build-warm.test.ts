// A warm `whittle build` from the engine to the engine: the second build, one app file changed,
// takes the base's documents from the build cache (no export) and loads only its new layers; the
// image it leaves lists every layer as its config does and answers HTTP with the changed file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeProject } from '../build-fixtures.js';
import { freePort } from '../registry-helpers.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const BASE = 'whittle-build/node-base:1';
const APP = `whittle-test/build-warm:${process.pid}`;
const tmp = mkdtempSync(join(tmpdir(), 'whittle-build-warm-'));
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache') };
let project: string;

/** the Node base of test/engine/build.test.ts, built once per machine and kept under BASE. */
function ensureNodeBase(minbase: string): void {
  if (spawnSync('docker', ['image', 'inspect', BASE], { stdio: 'ignore' }).status === 0) return;
  const ctx = join(tmp, 'base-context');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${minbase}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\n`);
  execFileSync('docker', ['build', '-q', '-t', BASE, ctx], { stdio: 'ignore', timeout: 600_000 });
}

function buildToEngine(): { configDigest: string; cached: { base: boolean; dependencies: boolean } } {
  const r = spawnSync(process.execPath, ['bin/whittle.js', 'build', project, '--base', `docker-daemon:${BASE}`, '-o', `docker-daemon:${APP}`, '--json'], { encoding: 'utf8', env });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ReturnType<typeof buildToEngine>;
}

async function answer(image: string): Promise<string> {
  const port = await freePort();
  const id = execFileSync('docker', ['run', '-d', '-p', `127.0.0.1:${port}:3000`, image], { encoding: 'utf8' }).trim();
  try {
    let text = '';
    for (let i = 0; i < 50 && text === ''; i++) {
      text = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((res) => res.text(), () => '');
      if (text === '') await new Promise((res) => setTimeout(res, 200));
    }
    return text;
  } finally {
    spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
}

describeWith(['debian-minbase'], 'warm whittle build from and to the engine', () => {
  beforeAll(async () => {
    ensureNodeBase(await ensureMinbase());
    project = writeProject(join(tmp, 'app'));
  }, 900_000);
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', APP], { stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a second build, one app file changed, reuses the cache and loads an image that runs', async () => {
    const cold = buildToEngine();
    expect(cold.cached).toEqual({ base: false, dependencies: false });
    // the export's documents are kept by the base's image ID
    const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE], { encoding: 'utf8' }).trim();
    expect(readdirSync(join(tmp, 'cache', 'build')).some((n) => n.startsWith(`daemon-${id.replace(':', '-')}-`))).toBe(true);

    const server = join(project, 'server.js');
    writeFileSync(server, readFileSync(server, 'utf8').replace("greet('whittle')", "greet('warm whittle')"));
    const warm = buildToEngine();
    expect(warm.cached).toEqual({ base: true, dependencies: true });
    expect(warm.configDigest).not.toBe(cold.configDigest);
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', APP], { encoding: 'utf8' }).trim()).toBe(warm.configDigest);
    const config = JSON.parse(execFileSync('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', APP], { encoding: 'utf8' })) as string[];
    const baseLayers = JSON.parse(execFileSync('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', BASE], { encoding: 'utf8' })) as string[];
    expect(config.slice(0, baseLayers.length)).toEqual(baseLayers);
    expect(config).toHaveLength(baseLayers.length + 2);
    expect(await answer(APP)).toBe('hello warm whittle\n');
  }, 600_000);
});
