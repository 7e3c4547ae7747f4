import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WhittleError } from '../errors.js';
import { registerLint } from './lint.js';

let dir: string;
let cwd: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-lint-cli-'));
  cwd = process.cwd();
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(cwd);
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** run mimics main(): commander + WhittleError → exit 2. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const state = { exitCode: 0 };
  const program = new Command('whittle').version('0.1.0').exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
  registerLint(program, state);
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = state.exitCode;
  } catch (e) {
    if (e instanceof WhittleError) {
      err += `whittle: ${e.message}\n`;
      code = 2;
    } else if ((e as { exitCode?: number }).exitCode !== undefined) code = 2;
    else throw e;
  }
  vi.restoreAllMocks();
  return { code, out, err };
}

const CLEAN = 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node server.js .\nUSER node\nCMD ["node", "server.js"]\n';
const WARN = 'FROM alpine:3.20\nRUN apk add curl\nUSER app\n';

describe('whittle lint', () => {
  it('exits 0 on a clean Dockerfile (default ./Dockerfile)', async () => {
    await writeFile('Dockerfile', CLEAN);
    expect(await run('lint')).toEqual({ code: 0, out: '', err: '' });
  });

  it('prints compiler-style lines and exits 1 on warnings', async () => {
    await writeFile('Dockerfile', WARN);
    const r = await run('lint', 'Dockerfile');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Dockerfile:2:5 warning apk-no-cache apk add keeps');
  });

  it('ends the text output with the docs page of each rule that fired, a file that exists', async () => {
    await writeFile('Dockerfile', WARN);
    const r = await run('lint', 'Dockerfile');
    const m = /For more information:\n {2}(\S+) -- apk-no-cache\n/.exec(r.out);
    expect(m).not.toBeNull();
    expect(m![1]).toMatch(/docs\/rules\/apk-no-cache\.md$/);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(m![1]!, 'utf8')).toMatch(/^# apk-no-cache\n/);
  });

  it('--ignore turns rules off by whittle id or by the hadolint id they cover, and refuses unknown ids', async () => {
    await writeFile('Dockerfile', 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\nUSER 1000\n');
    const all = await run('lint', '--json');
    const ids = (out: string) => (JSON.parse(out) as { files: { diagnostics: { ruleId: string }[] }[] }).files[0]!.diagnostics.map((d) => d.ruleId).sort();
    expect(ids(all.out)).toEqual(['apt-lists-not-removed', 'apt-no-install-recommends']);
    expect(ids((await run('lint', '--json', '--ignore', 'DL3009')).out)).toEqual(['apt-no-install-recommends']);
    expect(ids((await run('lint', '--json', '--ignore', 'DL3009,apt-no-install-recommends')).out)).toEqual([]);
    expect(ids((await run('lint', '--json', '--ignore', 'DL3009', '--ignore', 'DL3015')).out)).toEqual([]);
    const bad = await run('lint', '--ignore', 'DL9999');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('whittle: --ignore: unknown rule "DL9999" (see `whittle rules`)\n');
    const both = await run('lint', '--json', '-f', 'sarif');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--json and --format sarif/);
  });

  it('--fail-level error lets warnings pass; none never fails', async () => {
    await writeFile('Dockerfile', WARN);
    expect((await run('lint', '--fail-level', 'error')).code).toBe(0);
    expect((await run('lint', '--fail-level', 'none')).code).toBe(0);
    expect((await run('lint', '--fail-level', 'info')).code).toBe(1);
  });

  it('rejects a bad --fail-level with exit 2', async () => {
    await writeFile('Dockerfile', WARN);
    const r = await run('lint', '--fail-level', 'loud');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--fail-level: "loud" is not one of');
  });

  it('exits 2 with one clear line for missing, empty and binary files', async () => {
    await writeFile('empty', '');
    await writeFile('binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    const missing = await run('lint', 'nope');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toBe('whittle: reading nope: no such file or directory\n');
    expect((await run('lint', 'empty')).err).toBe('whittle: empty: empty file, not a Dockerfile\n');
    expect((await run('lint', 'binary')).err).toBe('whittle: binary: binary data, not a Dockerfile\n');
  });

  it('still lints the readable files when one is missing', async () => {
    await writeFile('Dockerfile', WARN);
    const r = await run('lint', 'nope', 'Dockerfile');
    expect(r.code).toBe(2);
    expect(r.out).toContain('apk-no-cache');
  });

  it('json output parses and matches the documented shape', async () => {
    await writeFile('Dockerfile', WARN);
    const r = await run('lint', '-f', 'json');
    const j = JSON.parse(r.out);
    expect(j.version).toBe(1);
    expect(j.files[0].file).toBe('Dockerfile');
    expect(j.files[0].diagnostics[0]).toMatchObject({ ruleId: 'apk-no-cache', line: 2, column: 5 });
  });

  it('sarif output is SARIF 2.1.0', async () => {
    await writeFile('Dockerfile', WARN);
    const s = JSON.parse((await run('lint', '--format', 'sarif')).out);
    expect(s.version).toBe('2.1.0');
    expect(s.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(2);
  });

  it('reads .whittle.json and reports config errors with exit 2', async () => {
    await writeFile('Dockerfile', WARN);
    await writeFile('.whittle.json', '{"rules":{"apk-no-cache":"off"}}');
    expect(await run('lint')).toMatchObject({ code: 0, out: '' });
    await writeFile('.whittle.json', '{"rules":{"apk-no-cach":"off"}}');
    const r = await run('lint');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown rule "apk-no-cach"');
  });

  it('checks .dockerignore beside the Dockerfile, against what the context holds', async () => {
    await writeFile('Dockerfile', 'FROM node:20-slim\nCOPY . /app\nUSER node\n');
    // nothing of .git, node_modules or .env in the context: nothing to leak
    expect((await run('lint')).out).not.toContain('dockerignore-missing');
    await writeFile('.env', 'TOKEN=x\n');
    const leak = (await run('lint')).out;
    expect(leak).toContain('dockerignore-missing');
    expect(leak).toContain('(.env secrets)');
    expect(leak).not.toContain('.git history');
    await writeFile('.dockerignore', '.git\nnode_modules\n.env\n');
    expect((await run('lint')).out).not.toContain('dockerignore-missing');
  });

  it('--target picks the stage that ships and rejects unknown stages', async () => {
    await writeFile('Dockerfile', 'FROM debian:12-slim AS build\nRUN apt-get install -y --no-install-recommends gcc\nCMD ["make"]\nFROM scratch\nCOPY --from=build /a /a\nUSER 1000\n');
    expect((await run('lint')).out).not.toContain('build-tools-in-final-stage');
    expect((await run('lint', '--target', 'build')).out).toContain('build-tools-in-final-stage');
    const r = await run('lint', '--target', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no stage named "nope"');
  });
});

describe('whittle rules', () => {
  it('lists every rule, and --json gives ids with covers', async () => {
    const text = await run('rules');
    expect(text.out).toContain('apt-lists-not-removed');
    expect(text.out).toContain('DL3009');
    const j = JSON.parse((await run('rules', '--json')).out);
    expect(j.find((r: { id: string }) => r.id === 'apk-no-cache')).toMatchObject({ severity: 'warning', fixable: 'code', docs: 'docs/rules/apk-no-cache.md', covers: { hadolint: ['DL3019'] } });
  });
});
