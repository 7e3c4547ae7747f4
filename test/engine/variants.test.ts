// whittle variants on a real engine: an app on the Debian minbase (no Docker Hub: the bases come
// through --base-map) whose Dockerfile leaves apt lists behind and deletes a copied file in a later
// layer, so the safe fixes and the squash each drop something. The slim-base variant is mapped to a
// base with no shell, so it must fail to build and stay in the table with the reason. Every image
// and container the command made must be gone afterwards, also after Ctrl-C in the middle.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { runCli } from '../support/cli.js';
import { describeWith } from '../support/tools.js';

const NOSHELL = 'whittle-variants/noshell:1';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** runPrefix is the tag prefix of the run whose log is stderr (other runs may be going on at the same time). */
function runPrefix(stderr: string): string {
  const prefix = /^variants: building as-is as (whittle-variants-[^:\s]+):as-is$/m.exec(stderr)?.[1];
  expect(prefix, stderr).toBeDefined();
  return prefix!;
}

/** leftovers lists the images and containers whose name starts with the command's tag prefix. */
function leftovers(prefix: string): string[] {
  const images = docker('images', '--format', '{{.Repository}}:{{.Tag}}').split('\n').filter((l) => l.startsWith(prefix));
  const containers = docker('ps', '-a', '--format', '{{.Names}}').split('\n').filter((l) => l.startsWith(prefix));
  return [...images, ...containers];
}

/** tmpDirs lists the temporary directories of the run tagging with prefix (the CLI names its directory after its tags). */
const tmpDirs = async (prefix: string) => (await readdir(tmpdir())).filter((n) => n.startsWith(`${prefix}-`)).sort();

interface Row {
  id: string;
  dockerfile: string | null;
  status: string;
  reason: string | null;
  sizes: { uncompressed: number; compressed: number } | null;
  layers: number | null;
  files: number | null;
  findings: number | null;
  buildSeconds: number | null;
  check: { answer: string; medianMs: number; spreadMs: number } | null;
}

describeWith(['debian-minbase'], 'whittle variants with an engine', () => {
  let dir: string;
  let args: string[];
  const env = { PATH: `/tmp/cibin:${process.env.PATH ?? ''}` };

  beforeAll(async () => {
    const base = await ensureMinbase();
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-variants-test-'));
    // a base without a shell: any RUN on it fails
    const empty = path.join(dir, 'empty');
    await writeFile(path.join(dir, 'marker'), 'no shell here\n');
    execFileSync('tar', ['-cf', empty, '-C', dir, 'marker']);
    execFileSync('docker', ['import', empty, NOSHELL], { stdio: 'ignore' });
    await rm(empty);
    const app = path.join(dir, 'app');
    await import('node:fs/promises').then((fs) => fs.mkdir(app));
    await writeFile(path.join(app, 'answer.txt'), '42\n');
    await writeFile(path.join(app, 'blob.bin'), randomBytes(40_000_000));
    await writeFile(
      path.join(app, 'Dockerfile'),
      [
        'FROM debian:bookworm',
        'RUN apt-get update && apt-get install -y netbase',
        'COPY blob.bin /tmp/blob.bin',
        'RUN rm /tmp/blob.bin',
        'COPY answer.txt /app/answer.txt',
        'CMD ["cat", "/app/answer.txt"]',
        '',
      ].join('\n'),
    );
    args = ['variants', app, '--base-map', `debian:bookworm=${base}`, '--base-map', `debian:bookworm-slim=${NOSHELL}`, '--check-cmd', 'cat /app/answer.txt', '--runs', '1'];
  });

  afterAll(async () => {
    try {
      docker('rmi', NOSHELL);
    } catch {
      /* not made */
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds, measures and checks every variant, marks the broken one, and leaves nothing behind', async () => {
    const written = path.join(dir, 'Dockerfile.small');
    const archive = path.join(dir, 'smallest.tar');
    const r = await runCli([...args, '--json', '--write-dockerfile', written, '-o', archive], env);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { smallest: string; variants: Row[] };
    console.log(j.variants.map((v) => `${v.id} ${v.status} ${v.sizes?.uncompressed ?? '-'} ${v.sizes?.compressed ?? '-'} L${v.layers ?? '-'} F${v.files ?? '-'} ${v.buildSeconds?.toFixed(1) ?? '-'}s ${v.check ? Math.round(v.check.medianMs) : '-'}ms findings ${v.findings ?? '-'} ${v.reason ?? ''}`).join('\n'));
    const row = (id: string) => j.variants.find((v) => v.id === id)!;
    const size = (id: string) => row(id).sizes!;
    expect(j.variants.map((v) => v.id)).toEqual(['as-is', 'fixed', 'multi-stage', 'slim-base', 'cache-order', 'non-root', 'distroless', 'alpine', 'squashed', 'stripped', 'minified', 'built']);
    for (const id of ['distroless', 'alpine']) expect(row(id).reason, id).toMatch(/cannot tell what `cat` needs/);
    expect(row('built')).toMatchObject({ status: 'declined', sizes: null }); // no package.json: not a Node project
    for (const id of ['as-is', 'fixed', 'non-root', 'squashed', 'stripped']) expect(row(id).status, `${id}: ${row(id).reason}`).toBe('passed');
    // minify keeps what the entrypoint runs (cat, its libraries, the WORKDIR it reads from): a few MB that answer the same
    expect(row('minified').status, row('minified').reason ?? '').toBe('passed');
    expect(size('minified').uncompressed).toBeLessThan(size('stripped').uncompressed / 10);
    expect(row('multi-stage').status).toBe('declined');
    expect(row('multi-stage').reason).toMatch(/build-tools-in-final-stage/);
    // the broken variant: built on a base without a shell
    expect(row('slim-base').status).toBe('failed');
    expect(row('slim-base').reason).toMatch(/^build failed: .*\/bin\/sh.*(?:no such file|not found)/i);
    expect(row('slim-base').sizes).toBeNull();
    // what each way drops: the fixes the apt lists (~80 MB of text, ~20 MB gzip'd), the squash the
    // deleted 40 MB random blob; so in pull bytes as-is ≥ fixed ≥ squashed, and both below as-is
    expect(size('as-is').uncompressed).toBeGreaterThan(size('fixed').uncompressed);
    expect(size('as-is').uncompressed - size('squashed').uncompressed).toBeGreaterThanOrEqual(40_000_000);
    expect(size('as-is').compressed).toBeGreaterThan(size('fixed').compressed);
    expect(size('fixed').compressed).toBeGreaterThan(size('squashed').compressed);
    expect(size('stripped').uncompressed).toBeLessThan(size('squashed').uncompressed);
    expect(row('squashed').layers).toBe(1);
    const answers = new Set(j.variants.filter((v) => v.status === 'passed').map((v) => v.check!.answer));
    expect([...answers]).toEqual(['exit 0\n42\n']);
    expect(j.smallest).toBe('minified');
    // the winners written: the smallest passing Dockerfile variant, and the smallest passing image
    const dockerfiles = j.variants.filter((v) => v.status === 'passed' && v.dockerfile !== null).sort((a, b) => a.sizes!.compressed - b.sizes!.compressed);
    expect(await readFile(written, 'utf8')).toBe(dockerfiles[0]!.dockerfile);
    const loaded = docker('load', '-i', archive).trim();
    const loadedTag = /Loaded image: (\S+)/.exec(loaded)?.[1];
    expect(loadedTag, loaded).toBeDefined();
    expect(Number(docker('image', 'inspect', '--format', '{{.Size}}', loadedTag!).trim())).toBe(size(j.smallest).uncompressed);
    docker('rmi', loadedTag!);
    expect(leftovers(runPrefix(r.stderr))).toEqual([]);
    expect(await tmpDirs(runPrefix(r.stderr))).toEqual([]);
  }, 480_000);

  it('removes what it made when interrupted with SIGINT and exits 130', async () => {
    const child = spawn(process.execPath, ['bin/whittle.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const status = await new Promise<number | null>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/variants: building fixed/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (code) => resolve(code));
    });
    expect(status, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: removing the images and containers made so far/);
    expect(leftovers(runPrefix(stderr))).toEqual([]);
    expect(await tmpDirs(runPrefix(stderr))).toEqual([]);
  }, 300_000);
});
