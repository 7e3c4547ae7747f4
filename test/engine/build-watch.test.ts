// whittle build --watch into a real engine: each build is loaded into the engine, and a container of
// the tag runs the app as it is after the last change. Waits are on the lines the watch prints.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeProject } from '../build-fixtures.js';
import { ensureNodeBase } from '../support/engine.js';
import { Lines } from '../support/lines.js';
import { describeWith } from '../support/tools.js';

const APP = 'whittle-build-watch/app:1';
const tmp = mkdtempSync(join(tmpdir(), 'whittle-build-watch-engine-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  try {
    execFileSync('docker', ['rmi', '-f', APP], { stdio: 'ignore' });
  } catch {
    /* not there */
  }
});

const app = (text: string) => `console.log(require('greet')(${JSON.stringify(text)}));\n`;
const runApp = () => execFileSync('docker', ['run', '--rm', APP], { encoding: 'utf8', timeout: 60_000 }).trim();

describeWith(['debian-minbase'], 'whittle build --watch to docker-daemon:', () => {
  let base: string;
  beforeAll(async () => {
    base = await ensureNodeBase();
  });

  it('loads every build that changed into the engine; the container runs the last change', async () => {
    const dir = writeProject(join(tmp, 'app'), { dockerignore: 'node_modules\n' });
    writeFileSync(join(dir, 'server.js'), app('v1'));
    const child = spawn(process.execPath, [resolve('bin/whittle.js'), 'build', dir, '--base', `docker-daemon:${base}`, '-o', `docker-daemon:${APP}`, '--watch', '--json'], {
      env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache'), TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    try {
      const lines = new Lines(child.stdout);
      const next = async () => JSON.parse(await lines.next()) as { status: string; dependencies: string; configDigest: string };
      expect(await next()).toMatchObject({ status: 'written', dependencies: 'installed' });
      expect(runApp()).toBe('hello v1');
      writeFileSync(join(dir, 'server.js'), app('v2'));
      let line = await next();
      while (line.status !== 'written') line = await next();
      expect(line.dependencies).toBe('session');
      expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', APP], { encoding: 'utf8' }).trim()).toBe(line.configDigest);
      expect(runApp()).toBe('hello v2');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
