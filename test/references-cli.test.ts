// References as users type them on the command line: `-` (a docker save stream on stdin), a bare
// image name (the engine's image, else the registry's; one `whittle: using …` line on stderr, stdout
// left to --json), and a --platform nothing matches (one line, exit 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dockerArchiveMembers, file, writeTar } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-references-'));
const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const TAG = `whittle-test/references:${process.pid}`;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function whittle(args: string[], input?: Buffer, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env, ...(input ? { input } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let archive: string;
beforeAll(async () => {
  archive = await writeTar(join(tmp, 'app.tar'), dockerArchiveMembers(await buildImage([[file('etc/hello', 'hi\n')]]), TAG));
});

describe('-', () => {
  it('reads a docker save stream from stdin and leaves no spool behind', () => {
    const spoolDir = mkdtempSync(join(tmp, 'spools-'));
    const env = { ...process.env, TMPDIR: spoolDir };
    const r = whittle(['analyze', '--json', '-'], readFileSync(archive), env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ image: { reference: '-' } });
    const bad = whittle(['analyze', '-'], Buffer.from('not an image\n'), env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^whittle: standard input /);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});

describe('--platform', () => {
  it('that the image is not built for is one line and exit 2', () => {
    const r = whittle(['analyze', '--platform', 'linux/arm64', archive]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`whittle: ${archive} is an image for linux/amd64, not linux/arm64\n`);
  });
});

describe('a bare name', () => {
  it('goes to the registry when the engine does not have it', () => {
    // a registry on a port nothing listens on: the error names where the name was looked for
    const r = whittle(['analyze', 'localhost:1/whittle-test/absent:1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whittle: docker:\/\/localhost:1\/whittle-test\/absent:1: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe.skipIf(!engine)('a bare name the engine has (needs a running Docker engine)', () => {
  beforeAll(() => {
    const load = spawnSync('docker', ['load', '-i', archive], { encoding: 'utf8' });
    if (load.status !== 0) throw new Error(`docker load: ${load.stderr}`);
  });
  afterAll(() => spawnSync('docker', ['rmi', '-f', TAG], { stdio: 'ignore' }));

  it('is the engine image when the engine has it, said on stderr only', () => {
    const r = whittle(['analyze', '--json', TAG]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`whittle: using docker-daemon:${TAG}\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ image: { reference: `docker-daemon:${TAG}` } });
  });
});
