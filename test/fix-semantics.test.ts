// A safe fix never changes whether a build succeeds. Every Dockerfile of the lint corpus, and scripts
// in the styles that broke fixes before (`set -eux; …; …` official-image scripts, `&&` chains that
// other statements follow, heredocs), is built before and after `whittle fix` in a simulation: each
// RUN is one `bash -c` process, as the builder runs one shell per RUN, and every program is a stub
// function (PATH is empty, so nothing real runs). For each program the scripts call, the build is run
// with each call of each program failing in turn (the k-th call of apt-get, …); the fixed file must
// pass or fail exactly where the original does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { runScript } from '../src/dockerfile/script.js';
import { fixTextSync } from '../src/fix/engine.js';
import { analyzeDockerfile } from '../src/lint/analysis.js';
import { initShellParser } from '../src/shell/parser.js';
import { corpus } from './lint-corpus.fixtures.js';
import { REAL_WORLD } from './real-world/dockerfiles.js';

const emptyPath = mkdtempSync(join(tmpdir(), 'whittle-nopath-'));
beforeAll(async () => {
  await initShellParser();
});
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));

const BUILTINS = new Set(['set', 'cd', 'echo', 'printf', 'export', 'unset', 'test', '[', 'true', 'false', ':', 'exit', 'return', 'read', 'eval', 'exec', 'source', '.', 'shift', 'umask', 'trap', 'wait', 'local', 'declare', 'readonly', 'type', 'command', 'builtin', 'let', 'pushd', 'popd', 'alias', 'hash']);
const NAME = /^[A-Za-z_][A-Za-z0-9_.+-]*$/;

interface Build {
  scripts: string[];
  /** program → how many calls the scripts make (as written: loops and $(…) aside). */
  programs: Map<string, number>;
}

/** buildOf lists the shell scripts of a file's RUNs, in order, and the programs they call; null when a RUN cannot be simulated. */
function buildOf(text: string): Build | null {
  const model = parseDockerfile(text);
  const scripts: string[] = [];
  const programs = new Map<string, number>();
  for (const run of analyzeDockerfile(model).runs) {
    if (run.inst.json !== null || run.foreignShell || !run.shell || run.shell.hasErrors) return null;
    const src = runScript(model, run.inst);
    if (!src) return null;
    for (const c of run.commands) {
      if (BUILTINS.has(c.name)) continue;
      if (!NAME.test(c.name)) return null; // `$CC`, `/usr/bin/x`: not a name a stub can stand for
      programs.set(c.name, (programs.get(c.name) ?? 0) + 1);
    }
    scripts.push(src.text);
  }
  return { scripts, programs };
}

/**
 * outcome runs the build with the call `failing` (`name:k`: the k-th call of that program in the whole
 * build, counted across RUNs in a log file) failing; 'ok' or the index of the RUN that failed.
 */
function outcome(b: Build, programs: Iterable<string>, failing: string): string {
  const log = join(emptyPath, 'calls');
  rmSync(log, { force: true });
  const stub = (p: string) =>
    `${p}() { printf '%s\\n' ${p} >> "$WHITTLE_LOG"; local n=0 l; while IFS= read -r l; do [ "$l" = ${p} ] && n=$((n + 1)); done < "$WHITTLE_LOG"; [ "$WHITTLE_FAIL" = "${p}:$n" ] && return 1; return 0; }`;
  const stubs = [...programs].map(stub).join('\n');
  const driver = b.scripts.map((s, i) => `/bin/bash -c ${shellQuote(`${stubs}\n${s}`)} || { echo ${i}; exit 0; }`).join('\n') + '\necho ok\n';
  const r = spawnSync('/bin/bash', ['-c', driver], { env: { PATH: emptyPath, WHITTLE_FAIL: failing, WHITTLE_LOG: log }, encoding: 'utf8' });
  return r.stdout.trim().split('\n').pop() ?? '';
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const STYLES: { name: string; text: string }[] = [
  { name: 'official-image set -eux script', text: 'FROM debian:12\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl ca-certificates; \\\n    curl -fsSL https://example.com/x -o /x; \\\n    rm -f /x\n' },
  { name: 'set -e, an && chain followed by more statements', text: 'FROM debian:12\nRUN set -e; apt-get update && apt-get install -y gcc; gcc --version\n' },
  { name: 'heredoc with set -e', text: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\ncurl --version\nEOF\n' },
  { name: 'npm ci under set -e', text: 'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN set -eux; npm ci; node -e "require(1)"\n' },
  { name: 'consecutive RUNs joined', text: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nRUN curl --version\n' },
];

const simulated: string[] = [];

describe('safe fixes keep whether the build succeeds', () => {
  afterAll(() => {
    // most of the corpus must really be simulated, the styles that broke fixes before all of it
    expect(simulated.length).toBeGreaterThan(cases.length / 2);
    for (const s of STYLES) expect(simulated).toContain(s.name);
  });
  const cases = [...STYLES, ...REAL_WORLD.map((f) => ({ name: `real world: ${f.name}`, text: f.text })), ...corpus.map((c) => ({ name: c.name, text: c.text }))];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fixed = fixTextSync(c.text).output;
    const before = buildOf(c.text);
    const after = buildOf(fixed);
    if (!before || !after) return expect(fixed).toBe(fixed); // not simulable (exec form, $CC …): the structure tests cover it
    const programs = new Set([...before.programs.keys(), ...after.programs.keys()]);
    simulated.push(c.name);
    // each call the original makes fails in turn; a program the fix calls more often (rm, npm cache
    // clean) is left out, since its k-th call is not the same call before and after
    const same = [...before.programs].filter(([p, n]) => after.programs.get(p) === n);
    const failures = ['', ...same.flatMap(([p, n]) => Array.from({ length: n }, (_, k) => `${p}:${k + 1}`))];
    for (const failing of failures) {
      const was = outcome(before, programs, failing) === 'ok';
      const now = outcome(after, programs, failing) === 'ok';
      expect(now, `${failing || 'nothing'} failing: the original build ${was ? 'passes' : 'fails'}, the fixed one ${now ? 'passes' : 'fails'}\n${fixed}`).toBe(was);
    }
  });

  it('catches the && that set -e ignores (the simulation can fail)', () => {
    const original = buildOf('FROM debian:12\nRUN set -e; apt-get install -y curl; curl --version\n')!;
    const broken = buildOf('FROM debian:12\nRUN set -e; apt-get install -y curl && rm -rf /var/lib/apt/lists/*; curl --version\n')!;
    const programs = new Set([...original.programs.keys(), ...broken.programs.keys()]);
    expect(outcome(original, programs, '')).toBe('ok');
    expect(outcome(original, programs, 'apt-get:1')).toBe('0');
    expect(outcome(broken, programs, 'apt-get:1')).toBe('ok');
  });
});
