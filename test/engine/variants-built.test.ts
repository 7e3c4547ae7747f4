// whittle variants' `built` row and pull times on a real engine: a node:http app with one local
// file: dependency (so npm ci on the host needs no npm registry) and a Dockerfile on a Node base
// made from Debian's nodejs on the minbase (no Docker Hub). The built row is whittle build of the
// context onto that base (whittle build's default base, through --base-map), loaded, and must answer
// HTTP as as-is does; with --registry pointing at Debian's docker-registry on 127.0.0.1, every row
// that passed has a pull time, and the registry holds each pushed image. Nothing is left behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeProject } from '../build-fixtures.js';
import { startRegistry, type RunningRegistry } from '../registry-helpers.js';
import { runCli } from '../support/cli.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const BASE = 'whittle-varrows/node-base:1';
const tmp = mkdtempSync(join(tmpdir(), 'whittle-varrows-engine-'));
const env = { PATH: `/tmp/cibin:${process.env.PATH ?? ''}`, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache') };

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** prefixOf is the tag prefix of the run whose log is stderr (`variants: building as-is as PREFIX:as-is`). */
function prefixOf(stderr: string): string {
  const prefix = /^variants: building as-is as (whittle-variants-[^:\s]+):as-is$/m.exec(stderr)?.[1];
  expect(prefix, stderr).toBeDefined();
  return prefix!;
}

/** leftovers lists the images (its tags, and tags pulled from a registry) and containers of the run tagging with prefix; other runs may be going on. */
function leftovers(prefix: string): string[] {
  const images = docker('images', '--format', '{{.Repository}}:{{.Tag}}').split('\n').filter((l) => l.startsWith(prefix) || l.includes(`/${prefix}`));
  const containers = docker('ps', '-a', '--format', '{{.Names}}').split('\n').filter((l) => l.startsWith(prefix));
  return [...images, ...containers];
}

/** the Node base: Debian's nodejs on the minbase (the same Dockerfile as test/engine/build.test.ts, so the engine's cache serves it). */
function ensureNodeBase(minbase: string): void {
  if (spawnSync('docker', ['image', 'inspect', BASE], { stdio: 'ignore' }).status === 0) return;
  const ctx = join(tmp, 'base-context');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${minbase}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\n`);
  execFileSync('docker', ['build', '-q', '-t', BASE, ctx], { stdio: 'ignore', timeout: 600_000 });
}

interface Row {
  id: string;
  status: string;
  reason: string | null;
  dockerfile: string | null;
  sizes: { uncompressed: number; compressed: number } | null;
  layers: number | null;
  buildSeconds: number | null;
  pullSeconds: number | null;
  check: { answer: string; medianMs: number } | null;
}

describeWith(['debian-minbase', 'docker-registry'], 'whittle variants: the built row and pull times', () => {
  let app: string;
  let registry: RunningRegistry;

  beforeAll(async () => {
    ensureNodeBase(await ensureMinbase());
    app = writeProject(join(tmp, 'app'), { dockerignore: 'Dockerfile\nnode_modules\n*.spec.js\n' });
    // as-is: the app and its one dependency copied onto the base (the base has no npm); the user's
    // base is named as on Docker Hub and reaches the engine through --base-map
    writeFileSync(join(app, 'Dockerfile'), 'FROM node:18-bookworm\nWORKDIR /app\nCOPY vendor/greet /app/node_modules/greet\nCOPY package.json server.js /app/\nCMD ["node", "server.js"]\n');
    registry = await startRegistry();
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('builds the Node project with whittle build, checks it over HTTP like as-is, and times every passing row\'s pull from the registry', async () => {
    const r = await runCli(['variants', app, '--base-map', `node:18-bookworm=${BASE}`, '--base-map', `gcr.io/distroless/nodejs20-debian12:nonroot=${BASE}`, '--check-http', '3000/', '--runs', '1', '--registry', registry.host, '--json'], env);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { registry: string; units: Record<string, string>; variants: Row[] };
    console.log(j.variants.map((v) => `${v.id} ${v.status} ${v.sizes?.uncompressed ?? '-'} ${v.sizes?.compressed ?? '-'} L${v.layers ?? '-'} build ${v.buildSeconds?.toFixed(1) ?? '-'}s pull ${v.pullSeconds?.toFixed(2) ?? '-'}s check ${v.check ? Math.round(v.check.medianMs) : '-'}ms ${v.reason ?? ''}`).join('\n'));
    const row = (id: string) => j.variants.find((v) => v.id === id)!;
    expect(j.registry).toBe(registry.host);
    expect(j.units.pullSeconds).toBe('seconds');
    // built: the base's layers, then dependencies, then the app; answers as as-is does
    const built = row('built');
    expect(built.status, built.reason ?? '').toBe('passed');
    expect(built.dockerfile).toBeNull();
    const baseLayers = (JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', BASE)) as string[]).length;
    expect(built.layers).toBe(baseLayers + 2);
    expect(built.check!.answer).toBe('200\nhello whittle\n');
    expect(built.check!.answer).toBe(row('as-is').check!.answer);
    // every row that passed was pushed and pulled back
    const passed = j.variants.filter((v) => v.status === 'passed');
    expect(passed.length).toBeGreaterThanOrEqual(3);
    for (const v of passed) {
      expect(v.pullSeconds, v.id).not.toBeNull();
      expect(v.pullSeconds!, v.id).toBeGreaterThan(0);
    }
    for (const v of j.variants.filter((x) => x.sizes === null)) expect(v.pullSeconds, v.id).toBeNull();
    // the registry holds one tag per built row, under the run's repository
    const prefix = prefixOf(r.stderr);
    expect(r.stderr).toContain(`variants: pushing as-is to ${registry.host}/${prefix}:as-is`);
    const tags = (await (await fetch(`http://${registry.host}/v2/${prefix}/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags.sort()).toEqual(j.variants.filter((v) => v.sizes !== null).map((v) => v.id).sort());
    expect(leftovers(prefix)).toEqual([]);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`${prefix}-`))).toEqual([]); // the run's temporary directory: the gzip'd layers of the pushes, whittle build's staging
  }, 900_000);

  it('declines the built row of a context that is not a Node project, and leaves the pull column empty without --registry', async () => {
    const dir = join(tmp, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'answer.txt'), '42\n');
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE}\nCOPY answer.txt /answer.txt\nCMD ["cat", "/answer.txt"]\n`);
    const r = await runCli(['variants', dir, '--check-cmd', 'cat /answer.txt', '--runs', '1'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^built\s+declined(\s+–)+$/m);
    expect(r.stdout).toMatch(/^built \(declined\): not a Node project: .*no package\.json/m);
    expect(r.stdout).toContain('pull time (no --registry)');
    expect(r.stdout).toMatch(/^as-is\s+passed\s+\S+\s+\S+\s+–\s/m);
    expect(leftovers(prefixOf(r.stderr))).toEqual([]);
  }, 600_000);
});
