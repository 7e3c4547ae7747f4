// `npm run fuzz`: a longer fuzzing campaign than `npm test` runs, with a new seed each time (printed
// first, so a failure can be replayed): FUZZ_SEED=N fixes the seed, FUZZ_CASES=K multiplies the
// number of cases (default 10), FUZZ_SIZE=S scales the large Dockerfile shapes (default 4),
// FUZZ_GENERATORS=oci,dockerfile limits the generators. It runs test/fuzz/fuzz.test.ts and
// test/fuzz/registry.test.ts (the misbehaving registry) under vitest.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const seed = process.env.FUZZ_SEED ?? String(randomInt(0, 2 ** 32 - 1));
const cases = process.env.FUZZ_CASES ?? '10';
const size = process.env.FUZZ_SIZE ?? '4';
console.log(`whittle fuzz: FUZZ_SEED=${seed} FUZZ_CASES=${cases} FUZZ_SIZE=${size}${process.env.FUZZ_GENERATORS ? ` FUZZ_GENERATORS=${process.env.FUZZ_GENERATORS}` : ''}`);
const r = spawnSync('npx', ['vitest', 'run', 'test/fuzz/fuzz.test.ts', ...(process.env.FUZZ_GENERATORS ? [] : ['test/fuzz/registry.test.ts'])], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_CASES: cases, FUZZ_SIZE: size },
});
console.log(`whittle fuzz: seed ${seed} ${r.status === 0 ? 'passed' : 'FAILED (replay with the FUZZ_ONLY=… lines above, or FUZZ_SEED=' + seed + ')'}`);
process.exit(r.status ?? 1);
