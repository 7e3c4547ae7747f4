// References as users type them on the command line: `-` (a docker save stream on stdin), a bare
// image name (the engine's image, else the registry's; one `whittle: using …` line on stderr, stdout
// left to --json), a --platform nothing matches, and names, tags, hosts and ref names the reference
// grammar refuses (each one line, exit 2, nothing written).
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

describe('a malformed reference', () => {
  it.each([
    ['docker://127.0.0.1:99999/x', 'docker://127.0.0.1:99999/x: invalid registry host "127.0.0.1:99999": port "99999" is not a number from 1 to 65535'],
    ['docker://[::1:15001/x', 'docker://[::1:15001/x: invalid registry host "[::1:15001": an IPv6 address opened with [ is not closed with ]'],
    ['docker://[::1]:0/x', 'docker://[::1]:0/x: invalid registry host "[::1]:0": port "0" is not a number from 1 to 65535'],
    ['docker://[fe80::zz]:5000/x', 'docker://[fe80::zz]:5000/x: invalid registry host "[fe80::zz]:5000": "[fe80::zz]" is not an IPv6 address'],
    ['docker://bad_host.example/x', 'docker://bad_host.example/x: invalid registry host "bad_host.example": "bad_host.example" is not a host name (letters, digits and dashes, in labels joined by dots)'],
    ['docker://localhost:5000/x:bad tag', 'docker://localhost:5000/x:bad tag: malformed tag "bad tag" (a tag is up to 128 letters, digits, _ . -, not starting with . or -)'],
    ['127.0.0.1:99999/x', '127.0.0.1:99999/x: invalid registry host "127.0.0.1:99999": port "99999" is not a number from 1 to 65535'],
    ['oci:DIR:../../evil', 'oci:DIR:../../evil: invalid ref name "../../evil" (an org.opencontainers.image.ref.name is letters and digits, separated by - . _ : @ + or --, components joined by /; never a path)'],
  ])('to read, %s, is one line and exit 2', (ref, message) => {
    const r = whittle(['analyze', ref.replace('DIR', tmp)]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`whittle: ${message.replace('DIR', tmp)}\n`);
    expect(r.status).toBe(2);
  });

  it.each([
    ['docker-archive:OUT/x.tar:BAD TAG!!', 'docker-archive:OUT/x.tar:BAD TAG!!: invalid repository name "BAD TAG!!" (lowercase letters and digits, separated by . _ __ or dashes, components joined by /; at most 255 characters)'],
    ['docker-archive:OUT/x.tar:app:bad tag', 'docker-archive:OUT/x.tar:app:bad tag: malformed tag "bad tag" (a tag is up to 128 letters, digits, _ . -, not starting with . or -)'],
    ['docker-archive:OUT/x.tar:App:1', 'docker-archive:OUT/x.tar:App:1: invalid repository name "App" (lowercase letters and digits, separated by . _ __ or dashes, components joined by /; at most 255 characters)'],
    ['oci:OUT/layout:../../evil', 'oci:OUT/layout:../../evil: invalid ref name "../../evil" (an org.opencontainers.image.ref.name is letters and digits, separated by - . _ : @ + or --, components joined by /; never a path)'],
    ['oci:OUT/layout:/etc/passwd', 'oci:OUT/layout:/etc/passwd: invalid ref name "/etc/passwd" (an org.opencontainers.image.ref.name is letters and digits, separated by - . _ : @ + or --, components joined by /; never a path)'],
    ['oci-archive:OUT/x.tar:a b', 'oci-archive:OUT/x.tar:a b: invalid ref name "a b" (an org.opencontainers.image.ref.name is letters and digits, separated by - . _ : @ + or --, components joined by /; never a path)'],
    ['docker://localhost:5000/repo:bad tag', 'docker://localhost:5000/repo:bad tag: malformed tag "bad tag" (a tag is up to 128 letters, digits, _ . -, not starting with . or -)'],
    ['docker://127.0.0.1:99999/x', 'docker://127.0.0.1:99999/x: invalid registry host "127.0.0.1:99999": port "99999" is not a number from 1 to 65535'],
    ['docker-daemon:Bad:1', 'docker-daemon:Bad:1: invalid repository name "Bad" (lowercase letters and digits, separated by . _ __ or dashes, components joined by /; at most 255 characters)'],
  ])('to write, %s, is one line and exit 2, and nothing is written', (ref, message) => {
    const out = mkdtempSync(join(tmp, 'out-'));
    const r = whittle(['squash', archive, '-o', ref.replace('OUT', out)]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`whittle: ${message.replace('OUT', out)}\n`);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('takes the tags and ref names the grammars allow', () => {
    const out = mkdtempSync(join(tmp, 'good-'));
    for (const ref of [`docker-archive:${out}/a.tar:ghcr.io/acme/app_x:V1.2-rc_3`, `oci:${out}/layout:example.com/app:1.0+build@2`, `oci-archive:${out}/b.tar:v1--x`]) {
      const r = whittle(['squash', archive, '-o', ref]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(readdirSync(out).sort()).toEqual(['a.tar', 'b.tar', 'layout']);
  });
});
