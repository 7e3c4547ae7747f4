// The fuzzing suite: seeded, structure-aware inputs (layer tars, docker-archive and OCI wrappers with
// mutated JSON, Dockerfiles, .dockerignore files) run through whittle's commands, each checked for
// the property in harness.ts. `npm test` runs a fixed seed and a few thousand cases; `npm run fuzz`
// (scripts/fuzz.mjs) runs more with a fresh seed, set by FUZZ_SEED and FUZZ_CASES (a multiplier of the
// per-generator counts below). FUZZ_ONLY=GENERATOR:CASESEED replays one case. Every failure found is
// kept in regressions.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initShellParser } from '../../src/shell/parser.js';
import { COMMANDS, generate, runCase, type Command, type Generator } from './cases.js';
import { caseSeed } from './random.js';
import { REGRESSIONS } from './regressions.js';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : 0x5eed2026;
const SCALE = process.env.FUZZ_CASES !== undefined ? Number(process.env.FUZZ_CASES) : 1;

/** Cases per generator in `npm test` (multiplied by FUZZ_CASES); commands take turns over the cases. */
const COUNTS: Record<Generator, number> = { 'docker-archive': 800, oci: 250, dockerfile: 450, dockerignore: 150 };
/** Every SAMPLE_EVERY-th case also runs through the built CLI as a child process. */
const SAMPLE_EVERY = 150;

const root = mkdtempSync(join(tmpdir(), 'whittle-fuzz-'));
beforeAll(() => initShellParser());
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Failure {
  generator: Generator;
  command: Command;
  seed: number;
  problems: string[];
  stderr: string;
  notes: string[];
}

function report(failures: Failure[]): string {
  return failures
    .slice(0, 5)
    .map((f) => `${f.generator} ${f.command} FUZZ_ONLY=${f.generator}:${f.seed} ${f.notes.join('; ')}\n  ${f.problems.join('\n  ')}\n  stderr: ${f.stderr.slice(0, 600)}`)
    .join('\n');
}

async function fuzz(generator: Generator, seeds: number[], inProcess: boolean, only?: Command): Promise<Failure[]> {
  const failures: Failure[] = [];
  const commands = COMMANDS[generator];
  for (const [i, seed] of seeds.entries()) {
    const input = generate(generator, seed);
    const command = only ?? commands[i % commands.length]!;
    const { problems, outcome } = await runCase(input, command, join(root, generator), inProcess);
    if (problems.length) {
      failures.push({ generator, command, seed, problems, stderr: outcome.stderr, notes: input.kind === 'image' ? input.image.notes : [] });
      if (failures.length >= 20) break;
    }
  }
  return failures;
}

const only = process.env.FUZZ_ONLY?.split(':');
/** FUZZ_GENERATORS=oci,dockerfile limits a run to some generators. */
const chosen = (Object.keys(COUNTS) as Generator[]).filter((g) => !process.env.FUZZ_GENERATORS || process.env.FUZZ_GENERATORS.split(',').includes(g));

describe.skipIf(only !== undefined)(`fuzzing (seed ${SEED}, scale ${SCALE})`, () => {
  for (const generator of chosen) {
    it(`${generator}: ${Math.round(COUNTS[generator] * SCALE)} inputs through ${COMMANDS[generator].join(', ')}`, async () => {
      const seeds = Array.from({ length: Math.round(COUNTS[generator] * SCALE) }, (_, i) => caseSeed(SEED ^ generator.length, i));
      const failures = await fuzz(generator, seeds, true);
      expect(failures, report(failures)).toEqual([]);
    }, 600_000);
  }

  it('a sample of the same inputs through the built CLI, as a process', async () => {
    const failures: Failure[] = [];
    for (const generator of chosen) {
      const seeds = Array.from({ length: Math.round(COUNTS[generator] * SCALE) }, (_, i) => caseSeed(SEED ^ generator.length, i)).filter((_, i) => i % SAMPLE_EVERY === 0);
      failures.push(...(await fuzz(generator, seeds, false)));
    }
    expect(failures, report(failures)).toEqual([]);
  }, 600_000);
});

describe.skipIf(only === undefined)('one fuzzing case (FUZZ_ONLY)', () => {
  const [generator, seed, command] = only ?? [];
  it(`${generator}:${seed}`, async () => {
    const commands = command ? [command as Command] : COMMANDS[generator as Generator];
    for (const c of commands) {
      const failures = await fuzz(generator as Generator, [Number(seed)], true, c);
      expect(failures, report(failures)).toEqual([]);
    }
  });
});

describe('fuzzing regressions: inputs that once broke the property', () => {
  for (const reg of REGRESSIONS) {
    it(`${reg.name} (${reg.command})`, async () => {
      const { problems, outcome } = await runCase(reg.input(), reg.command, join(root, 'regression'));
      expect(problems, outcome.stderr).toEqual([]);
      if (reg.expect) reg.expect(outcome);
    });
  }
});
