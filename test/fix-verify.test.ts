// --verify without an engine (skipped in one line, exit as without --verify), and the pure parts of
// verification: cumulative steps, runtime config comparison, the report lines.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerFix } from '../src/cli/fix.js';
import { fixTextSync } from '../src/fix/engine.js';
import { compareConfig, effectiveCommand, formatReport, pathPrepended, verifyFixes, verifySteps, type RuntimeConfig } from '../src/fix/verify.js';
import { initShellParser } from '../src/shell/parser.js';

beforeAll(async () => {
  await initShellParser();
});

const WASTEFUL = 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nCMD curl --version\n';

const base: RuntimeConfig = { entrypoint: null, cmd: ['/bin/sh', '-c', 'node server.js'], user: '', workdir: '/app', env: ['PATH=/usr/bin'], expose: ['8080/tcp'] };

describe('compareConfig', () => {
  it('treats a plain shell-form command and its exec form as the same', () => {
    expect(compareConfig(base, { ...base, cmd: ['node', 'server.js'] })).toEqual([]);
    // after SHELL ["/bin/bash", "-c"]
    expect(compareConfig({ ...base, cmd: ['/bin/bash', '-c', 'node server.js'] }, { ...base, cmd: ['node', 'server.js'] })).toEqual([]);
    expect(effectiveCommand({ ...base, entrypoint: ['tini', '--'] })).toEqual(['tini', '--', 'node', 'server.js']);
  });

  it('sees a shell-form ENTRYPOINT ignore CMD, which its exec form would not', () => {
    const shell = { ...base, entrypoint: ['/bin/sh', '-c', 'app --flag'], cmd: ['x'] };
    expect(compareConfig(shell, { ...shell, entrypoint: ['app', '--flag'] })).toEqual(['ENTRYPOINT/CMD: ["app","--flag"] → ["app","--flag","x"]']);
  });

  it.each([
    ['USER', { user: 'node' }],
    ['WORKDIR', { workdir: '/' }],
    ['ENV', { env: ['PATH=/bin'] }],
    ['EXPOSE', { expose: [] }],
    ['ENTRYPOINT/CMD', { cmd: ['/bin/sh', '-c', 'node server.js | tee log'] }],
  ])('reports a different %s', (field, change) => {
    const d = compareConfig(base, { ...base, ...change });
    expect(d).toHaveLength(1);
    expect(d[0]!.startsWith(`${field}: `)).toBe(true);
  });
});

describe('pathPrepended', () => {
  const env = (path: string) => ({ ...base, env: [`PATH=${path}`, 'A=1'] });
  it('accepts directories put in front of PATH as the only change, and says which', () => {
    expect(pathPrepended(env('/usr/bin:/bin'), env('/opt/venv/bin:/usr/bin:/bin'))).toBe('/opt/venv/bin');
    expect(compareConfig(env('/usr/bin:/bin'), env('/opt/venv/bin:/usr/bin:/bin'))).toEqual([]);
  });
  it.each([
    ['a directory dropped', '/usr/bin'],
    ['a directory appended', '/usr/bin:/bin:/opt/bin'],
    ['a relative directory in front', 'bin:/usr/bin:/bin'],
  ])('reports %s', (_, path) => {
    expect(pathPrepended(env('/usr/bin:/bin'), env(path))).toBeNull();
    expect(compareConfig(env('/usr/bin:/bin'), env(path))).toHaveLength(1);
  });
  it('reports another variable changing with it', () => {
    expect(compareConfig(env('/usr/bin'), { ...base, env: ['PATH=/x:/usr/bin', 'A=2'] })).toHaveLength(1);
  });
});

describe('verifySteps', () => {
  it('adds one rule per step, cumulatively, and ends with the full result', () => {
    const result = fixTextSync(WASTEFUL);
    const steps = verifySteps(result);
    const rules = [...new Set(result.applied.map((a) => a.ruleId))];
    expect(steps.map((s) => s.rule)).toEqual(rules);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps[steps.length - 1]!.text).toBe(result.output);
    for (let k = 0; k < steps.length; k++) expect(steps[k]!.text).toBe(fixTextSync(WASTEFUL, { only: rules.slice(0, k + 1) }).output);
    expect(new Set(steps.map((s) => s.text)).size).toBe(steps.length);
  });
});

describe('formatReport', () => {
  it('prints sizes, per-rule savings and the verdict', () => {
    const img = (size: number, layers: number) => ({ id: 'x', size, layers, config: base });
    const lines = formatReport({
      status: 'ok',
      reason: null,
      original: img(120_000_000, 4),
      steps: [
        { rule: 'consecutive-run', image: img(100_000_000, 3), saved: 20_000_000 },
        { rule: 'apt-lists-not-removed', image: img(80_000_000, 3), saved: 20_000_000 },
      ],
      configDiffs: [],
    });
    expect(lines).toEqual([
      'verify: original: 120MB (120000000 bytes), 4 layers',
      'verify: + consecutive-run: 100MB, 3 layers, saved 20MB (20000000 bytes)',
      'verify: + apt-lists-not-removed: 80MB, 3 layers, saved 20MB (20000000 bytes)',
      'verify: fixed: 80MB, 3 layers; saved 40MB (40000000 bytes, 33.3%), 1 fewer layer',
      'verify: ok: ENTRYPOINT, CMD, USER, WORKDIR, ENV and EXPOSE are the same',
    ]);
  });
});

describe('--verify without an engine', () => {
  let dir = '';
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('verifyFixes reports skipped and builds nothing', async () => {
    const r = await verifyFixes({ context: tmpdir(), original: WASTEFUL, steps: verifySteps(fixTextSync(WASTEFUL)), env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/no Docker engine is reachable|docker command is not installed/);
    expect(formatReport(r)).toHaveLength(1);
  });

  it('the CLI says so in one line and exits as without --verify', async () => {
    vi.stubEnv('DOCKER_HOST', 'unix:///nonexistent/docker.sock');
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-verify-'));
    const f = path.join(dir, 'Dockerfile');
    await writeFile(f, WASTEFUL);
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const state = { exitCode: 0 };
    const program = new Command('whittle').exitOverride();
    registerFix(program, state);
    await program.parseAsync(['fix', f, '--verify', '--write'], { from: 'user' });
    expect(state.exitCode).toBe(0);
    expect(out).toBe('');
    const verifyLines = err.split('\n').filter((l) => l.startsWith('verify:'));
    expect(verifyLines).toHaveLength(1);
    expect(verifyLines[0]).toMatch(/^verify: skipped: /);
    expect(await readFile(f, 'utf8')).toBe(fixTextSync(WASTEFUL).output);
  });
});
