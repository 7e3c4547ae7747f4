// whittle minify --verify on real images built FROM the Debian minbase: an app that reads a file
// only at run time, through a path the static trace cannot see (a shell script's computed path, a
// Node server's computed folder, a HEALTHCHECK). --verify runs the original and the minified image with the same
// check, fails (exit 1, nothing written) naming the missing file and the --keep flag that adds it;
// with that flag it passes. The containers and temporary tags the verification made are gone after.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-verify-'));
const made: string[] = [];
afterAll(() => {
  if (made.length) spawnSync('docker', ['rmi', '-f', ...made], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

/** build builds a Dockerfile in its own context directory with the given files and returns its tag. */
function build(name: string, dockerfile: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f), data, { mode: 0o755 });
  const tag = `whittle-minify2/${name}:src`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  made.push(tag);
  return tag;
}

interface Verify {
  status: 'ok' | 'failed';
  difference: string | null;
  original: { exitCode: number | null; stdout: string; stderr: string; status?: number | null; body?: string; healthy?: boolean };
  minified: { exitCode: number | null; stdout: string; stderr: string; status?: number | null; body?: string; healthy?: boolean };
  missing: { named: string; kind: string; paths: string[]; keep: string | null }[];
}

/** ours lists the containers and temporary tags a minify verification names (whittle-verify-PID-HEX-N, whittle-verify-PID-HEX:original|minified; fix --verify's images, of other runs, are not ours). */
function ours(): string[] {
  const c = execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter((n) => /^whittle-verify-\d+-[0-9a-f]+-\d+$/.test(n));
  const i = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n').filter((n) => /^whittle-verify-\d+-[0-9a-f]+:(original|minified)$/.test(n));
  return [...c, ...i];
}

/** minify runs whittle minify --verify --json on a tag, writing an archive with its own tag. */
function minify(tag: string, name: string, ...flags: string[]) {
  const out = join(tmp, `${name}.tar`);
  const before = new Set(ours());
  const r = spawnSync(process.execPath, ['bin/whittle.js', 'minify', `docker-daemon:${tag}`, '--json', '-o', `docker-archive:${out}:whittle-minify2/${name}:min`, ...flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const left = ours().filter((n) => !before.has(n));
  const json = r.stdout ? (JSON.parse(r.stdout) as { verify?: Verify; output?: string }) : {};
  return { status: r.status, stderr: r.stderr, verify: json.verify, out, written: existsSync(out), left };
}

const SCRIPT = `#!/bin/sh
set -e
d=data
echo "reading the answer"
cat "/app/$d/answer.txt"
`;

const SERVER = `const http = require('http');
const fs = require('fs');
const path = require('path');
const dir = path.join(__dirname, ['pub', 'lic'].join(''));
http.createServer((req, res) => {
  fs.readFile(path.join(dir, 'index.html'), (err, data) => {
    if (err) { console.error(err.message); res.writeHead(500); res.end('missing\\n'); return; }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(data);
  });
}).listen(8080);
`;

describeWith(['debian-minbase'], 'whittle minify --verify', () => {
  let base = '';
  beforeAll(async () => {
    base = await ensureMinbase();
  }, 600_000);

  it('a shell script reading a file through a computed path: --check-cmd fails naming the file and its --keep flag; with that flag it passes', () => {
    const tag = build('runtime-file', `FROM ${base}\nWORKDIR /app\nCOPY run.sh /app/run.sh\nRUN mkdir -p /app/data && echo 42 > /app/data/answer.txt\nCMD ["/app/run.sh"]\n`, { 'run.sh': SCRIPT });
    const failed = minify(tag, 'runtime-file', '--verify', '--check-cmd', '/app/run.sh');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^whittle: verify failed: the command exited 0 in the original and 1 in the minified image; nothing was written\n$/);
    expect(failed.written).toBe(false);
    expect(failed.left).toEqual([]);
    const v = failed.verify!;
    expect(v.status).toBe('failed');
    expect(v.original).toMatchObject({ exitCode: 0, stdout: 'reading the answer\n42\n' });
    expect(v.minified.exitCode).toBe(1);
    expect(v.minified.stderr).toMatch(/\/app\/data\/answer\.txt: No such file or directory/);
    expect(v.missing).toEqual([{ named: '/app/data/answer.txt', kind: 'file', paths: ['/app/data/answer.txt'], keep: '--keep /app/data/answer.txt' }]);

    const passed = minify(tag, 'runtime-file', '--verify', '--check-cmd', '/app/run.sh', '--keep', '/app/data/answer.txt');
    expect(passed.stderr).toBe('');
    expect(passed.status).toBe(0);
    expect(passed.written).toBe(true);
    expect(passed.left).toEqual([]);
    expect(passed.verify).toMatchObject({ status: 'ok', difference: null, missing: [] });
    expect(passed.verify!.minified.stdout).toBe('reading the answer\n42\n');

    // --split: the same check passes on two layers, the app's holding /app
    const split = minify(tag, 'runtime-file-split', '--split', '--check-cmd', '/app/run.sh', '--keep', '/app/data/answer.txt');
    expect(split.status).toBe(0);
    expect(split.verify).toMatchObject({ status: 'ok' });
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', split.out, 'manifest.json'], { encoding: 'utf8' })) as { Layers: string[] }[];
    expect(manifest[0]!.Layers).toHaveLength(2);
    const appLayer = execFileSync('sh', ['-c', `tar -xOf ${split.out} ${manifest[0]!.Layers[1]} | tar -t`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(appLayer).toEqual(['app/', 'app/data/', 'app/data/answer.txt', 'app/run.sh']);
  }, 900_000);

  it('a Node server reading a page from a computed folder: --check-http fails naming the page; with --keep it answers the same', () => {
    const tag = build(
      'http-page',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs node-ms && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY server.js /app/\nRUN mkdir /app/public && echo '<p>hello</p>' > /app/public/index.html\nUSER nobody\nCMD ["node", "server.js"]\n`,
      { 'server.js': SERVER },
    );
    const failed = minify(tag, 'http-page', '--check-http', '8080/', '--check-timeout', '60');
    expect(failed.status).toBe(1);
    expect(failed.written).toBe(false);
    expect(failed.left).toEqual([]);
    const v = failed.verify!;
    expect(v.original).toMatchObject({ status: 200, body: '<p>hello</p>\n' });
    expect(v.minified).toMatchObject({ status: 500, body: 'missing\n' });
    expect(v.difference).toBe('GET answered 200 from the original and 500 from the minified image');
    expect(v.missing).toEqual([{ named: '/app/public/index.html', kind: 'file', paths: ['/app/public/index.html'], keep: '--keep /app/public/index.html' }]);

    const passed = minify(tag, 'http-page', '--check-http', '8080/', '--keep', '/app/public/**');
    expect(passed.stderr).toBe('');
    expect(passed.status).toBe(0);
    expect(passed.written).toBe(true);
    expect(passed.left).toEqual([]);
    expect(passed.verify).toMatchObject({ status: 'ok', original: { status: 200 }, minified: { status: 200, body: '<p>hello</p>\n' } });
  }, 900_000);

  it("no check flag: the image's HEALTHCHECK, whose command is traced too, is run in both; the missing file is named", () => {
    const tag = build('health', `FROM ${base}\nWORKDIR /app\nCOPY run.sh /app/run.sh\nRUN mkdir -p /app/data && echo 42 > /app/data/answer.txt\nHEALTHCHECK CMD /app/run.sh\nCMD ["sleep", "60"]\n`, { 'run.sh': SCRIPT });
    const failed = minify(tag, 'health', '--verify', '--check-timeout', '10');
    expect(failed.status).toBe(1);
    expect(failed.written).toBe(false);
    expect(failed.left).toEqual([]);
    expect(failed.verify).toMatchObject({ difference: 'the HEALTHCHECK passed in the original and failed in the minified image', original: { healthy: true }, minified: { healthy: false } });
    expect(failed.verify!.missing.map((m) => m.keep)).toEqual(['--keep /app/data/answer.txt']);
    const passed = minify(tag, 'health', '--verify', '--keep', '/app/data/answer.txt');
    expect(passed.status).toBe(0);
    expect(passed.verify).toMatchObject({ status: 'ok', minified: { healthy: true } });
    expect(passed.left).toEqual([]);
  }, 900_000);

  it('SIGTERM while the check runs: status 143, the containers and temporary tags are removed, nothing is written', async () => {
    const tag = build('interrupted', `FROM ${base}\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n`, { 'run.sh': '#!/bin/sh\necho fine\n' });
    const out = join(tmp, 'interrupted.tar');
    const before = new Set(ours());
    const r = await new Promise<{ status: number | null; during: string[] }>((done, reject) => {
      const child = spawn(process.execPath, ['bin/whittle.js', 'minify', `docker-daemon:${tag}`, '--check-cmd', '/run.sh', '-o', `docker-archive:${out}:whittle-minify2/interrupted:min`], {
        env: { ...process.env, WHITTLE_TEST_PAUSE_AT: 'minify-verify-ran' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let during: string[] = [];
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (during.length === 0 && stderr.includes('whittle-test-paused minify-verify-ran\n')) {
          during = ours().filter((n) => !before.has(n));
          child.kill('SIGTERM');
        }
      });
      child.on('error', reject);
      child.on('close', (status) => done({ status, during }));
    });
    expect(r.status).toBe(143);
    // the original's container and the minified image's temporary tag were there at the pause
    expect(r.during.filter((n) => /^whittle-verify-\d+-[0-9a-f]+-0$/.test(n))).toHaveLength(1);
    expect(r.during.filter((n) => /^whittle-verify-\d+-[0-9a-f]+:minified$/.test(n))).toHaveLength(1);
    expect(ours().filter((n) => !before.has(n))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 600_000);
});
