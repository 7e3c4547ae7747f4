// Compares whittle's .dockerignore evaluation with the Docker engine's: for every case in
// context-cases.ts, build `FROM scratch` + `COPY . /ctx/` with the legacy builder (and BuildKit when
// the engine has it), export the container filesystem and list the regular files under /ctx.
// Skips only when `docker info` fails.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeContext } from '../../src/context/analyze.js';
import { CASES, TREE } from '../context-cases.js';
import { describeWith } from '../support/tools.js';

const run = promisify(execFile);


async function makeTree(ignore: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'whittle-ctx-engine-'));
  for (const f of TREE) {
    await mkdir(path.join(dir, path.dirname(f)), { recursive: true });
    await writeFile(path.join(dir, f), f === 'Dockerfile' ? 'FROM scratch\nCOPY . /ctx/\n' : `content of ${f}\n`);
  }
  await writeFile(path.join(dir, '.dockerignore'), ignore);
  return dir;
}

/** exportedFiles lists regular files under ctx/ in `docker export` of a container of image. */
async function exportedFiles(image: string): Promise<string[]> {
  const { stdout: id } = await run('docker', ['create', image, '/nothing']);
  const cid = id.trim();
  try {
    const tar = spawn('tar', ['-tvf', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exp = spawn('docker', ['export', cid], { stdio: ['ignore', 'pipe', 'inherit'] });
    exp.stdout.pipe(tar.stdin);
    let listing = '';
    tar.stdout.on('data', (b: Buffer) => (listing += b.toString('utf8')));
    await new Promise<void>((resolve, reject) => tar.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`tar ${c}`)))));
    const files: string[] = [];
    for (const line of listing.split('\n')) {
      if (!line.startsWith('-')) continue; // regular files only
      const m = / ctx\/(.*)$/.exec(line);
      if (m) files.push(m[1]!);
    }
    return files.sort();
  } finally {
    await run('docker', ['rm', '-f', cid]).catch(() => undefined);
  }
}

const images: string[] = [];
afterAll(async () => {
  for (const img of images) await run('docker', ['rmi', '-f', img]).catch(() => undefined);
});

async function engineFiles(dir: string, tag: string, buildkit: boolean): Promise<string[]> {
  images.push(tag);
  await run('docker', ['build', '-q', '-t', tag, dir], {
    env: { ...process.env, DOCKER_BUILDKIT: buildkit ? '1' : '0' },
    timeout: 120_000,
  });
  return exportedFiles(tag);
}


/** whittleFiles is what whittle says COPY . sees (Dockerfile/.dockerignore come along unless excluded). */
async function whittleFiles(dir: string): Promise<string[]> {
  const r = await analyzeContext(dir);
  return r.files;
}

describeWith(['docker'], '.dockerignore matching agrees with the engine (legacy builder)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_n, c, i) => {
    const dir = await makeTree(c.ignore);
    try {
      const engine = await engineFiles(dir, `whittle-ctx-probe:${process.pid}-${i}`, false);
      expect(engine.length).toBeGreaterThan(0); // the probe really listed the context
      expect(await whittleFiles(dir)).toEqual(engine);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeWith(['buildkit'], '.dockerignore matching agrees with the engine (BuildKit)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_n, c, i) => {
    const dir = await makeTree(c.ignore);
    try {
      const engine = await engineFiles(dir, `whittle-ctx-probe-bk:${process.pid}-${i}`, true);
      expect(engine.length).toBeGreaterThan(0);
      expect(await whittleFiles(dir)).toEqual(engine);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
