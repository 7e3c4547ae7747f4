// Interrupting the built CLI at a named point (the test-only hook WHITTLE_TEST_PAUSE_AT,
// src/internal/test-pause.ts) inside a sandbox of three fresh directories (output, TMPDIR, working
// directory), and checking what the run left there.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { expect } from 'vitest';

const BIN = resolve('bin/whittle.js');

/** STATUS is the exit status whittle ends with after each signal. */
export const STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type Signal = keyof typeof STATUS;
export const SIGNALS = Object.keys(STATUS) as Signal[];

/** listAll lists every path under dir, relative to it. */
export function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      out.push(relative(dir, join(d, e.name)));
      if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
}

export interface Sandbox {
  out: string;
  tmp: string;
  cwd: string;
}

export function sandbox(root: string): Sandbox {
  const base = mkdtempSync(join(root, 'run-'));
  const box = { out: join(base, 'out'), tmp: join(base, 'tmp'), cwd: join(base, 'cwd') };
  for (const d of Object.values(box)) mkdirSync(d);
  return box;
}

/**
 * interrupt runs the CLI with args in box until it reports pausing at point, records what the three
 * directories hold then, sends signal, and resolves to the exit status and what they hold after.
 */
export function interrupt(box: Sandbox, args: string[], point: string, signal: Signal, stdinFile?: string) {
  return new Promise<{ status: number | null; during: string[]; after: string[]; stderr: string }>((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: box.cwd,
      env: { ...process.env, TMPDIR: box.tmp, WHITTLE_TEST_PAUSE_AT: point },
      stdio: [stdinFile ? 'pipe' : 'ignore', 'ignore', 'pipe'],
    });
    if (stdinFile) child.stdin!.on('error', () => undefined).end(readFileSync(stdinFile));
    const snapshot = () => [box.out, box.tmp, box.cwd].flatMap((d) => listAll(d).map((p) => `${basename(d)}/${p}`));
    let stderr = '';
    let during: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (during.length === 0 && stderr.includes(`whittle-test-paused ${point}\n`)) {
        during = snapshot();
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (status) => done({ status, during, after: snapshot(), stderr }));
  });
}

/** expectClean checks a run paused with temporary files present and left only what was there before. */
export function expectClean(r: { status: number | null; during: string[]; after: string[]; stderr: string }, signal: Signal, before: string[], temporary: RegExp) {
  expect(r.stderr).toContain('whittle-test-paused');
  expect(r.during.some((p) => temporary.test(p)), `a temporary path at the pause: ${r.during.join(', ')}`).toBe(true);
  expect(r.status).toBe(STATUS[signal]);
  expect(r.after).toEqual(before);
}

