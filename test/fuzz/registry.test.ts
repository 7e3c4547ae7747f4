// The fuzzing suite's misbehaving registry: an in-process OCI registry holds one known image and,
// per generated case, answers a seeded plan of requests wrongly — a 500 or 503 (then, on the retry,
// the truth), a 429 with Retry-After, a 404, a connection cut mid-body, a body that stalls, silence,
// a corrupted body, a redirect to a port nobody listens on, a flood longer than the descriptor.
// whittle analyze and squash run against it with short timeouts. The property: the fuzzing
// property of harness.ts (exit 0, 1 or 2, one line on exit 2, nothing left, an answer in bounded
// time), and more: a run that succeeds read exactly the image the registry holds (same manifest
// digest, same layers), whatever the faults — a fault may make whittle fail, never be wrong.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ociFixture, type Fixture } from '../registry-helpers.js';
import { InProcessRegistry, type Fault, type RegistryRequest } from '../support/registry-server.js';
import { freshDir, runCliInProcess, violations } from './harness.js';
import { caseSeed, Random } from './random.js';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : 0x5eed2026;
const SCALE = process.env.FUZZ_CASES !== undefined ? Number(process.env.FUZZ_CASES) : 1;
/** cases in `npm test`: each costs one image read and its retries (a few hundred ms). */
const CASES = 24;

const root = mkdtempSync(join(tmpdir(), 'whittle-fuzz-registry-'));
let registry: InProcessRegistry;
let fixture: Fixture;
let deadPort = 0;
let plan: (req: RegistryRequest, n: number) => Fault | undefined = () => undefined;

beforeAll(async () => {
  fixture = ociFixture(root, 'fuzz');
  registry = await InProcessRegistry.start({ fault: (req, n) => plan(req, n) });
  registry.seed(fixture.dir, 'v1', 'fuzz/app', 'v1');
  deadPort = await freePort();
});
afterAll(async () => {
  await registry?.stop();
  rmSync(root, { recursive: true, force: true });
});

const FAULTS: Record<string, number> = { none: 6, status500: 2, status503: 1, status429: 1, status404: 1, cut: 2, stall: 1, silent: 1, corrupt: 2, redirectDead: 1, flood: 1 };

/** faultPlan decides, per request, whether it goes wrong: at most `budget` requests do. */
function faultPlan(rnd: Random): { fault: (req: RegistryRequest, n: number) => Fault | undefined; notes: string[] } {
  let budget = rnd.int(1, 3);
  const notes: string[] = [];
  return {
    notes,
    fault: (req) => {
      if (budget === 0 || req.path === '/v2/' || req.path.startsWith('/token')) return undefined;
      const kind = rnd.weighted(FAULTS);
      if (kind === 'none') return undefined;
      budget--;
      notes.push(`${kind} on ${req.method} ${req.path}`);
      switch (kind) {
        case 'status500': return { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"boom"}]}' };
        case 'status503': return { status: 503 };
        case 'status429': return { status: 429, headers: { 'Retry-After': '0' } };
        case 'status404': return { status: 404, body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"gone"}]}' };
        case 'cut': return { cut: true };
        case 'stall': return { stall: true };
        case 'silent': return { silent: true };
        case 'corrupt': return { corrupt: true };
        case 'redirectDead': return { redirect: `http://127.0.0.1:${deadPort}${req.url}` };
        default: return { flood: rnd.int(1, 4) * 65_536, contentLength: rnd.chance(0.5) };
      }
    },
  };
}

async function runCase(i: number): Promise<string[]> {
  const rnd = new Random(caseSeed(SEED ^ 0x5e9, i));
  const p = faultPlan(rnd);
  plan = p.fault;
  const tmp = freshDir(join(root, 'tmp'));
  const out = freshDir(join(root, 'out'));
  const squash = rnd.chance(0.3);
  const argv = squash ? ['squash', `docker://${registry.host}/fuzz/app:v1`, '-o', `oci:${join(out, 'layout')}:v1`] : ['analyze', `docker://${registry.host}/fuzz/app:v1`, '--json'];
  const saved = { ...process.env };
  Object.assign(process.env, { WHITTLE_INSECURE_REGISTRY: '1', WHITTLE_REGISTRY_TIMEOUT: '0.5', WHITTLE_REGISTRY_BACKOFF: '0.01', NO_COLOR: '1' });
  let problems: string[];
  try {
    const o = await runCliInProcess(argv, tmp);
    problems = violations(o, { tmp, outDir: out, ...(squash ? { output: 'layout' } : {}) });
    if (o.status === 0 && !squash) {
      const a = JSON.parse(o.stdout) as { image: { manifestDigest: string }; layers: { digest: string; diffId: string }[] };
      if (a.image.manifestDigest !== fixture.manifestDigest) problems.push(`succeeded with manifest ${a.image.manifestDigest}, the registry holds ${fixture.manifestDigest}`);
      if (a.layers.map((l) => l.diffId).join() !== fixture.diffIds.join()) problems.push('succeeded with other layers than the registry holds');
    }
    if (o.status === 0 && squash) {
      const index = JSON.parse(readFileSync(join(out, 'layout', 'index.json'), 'utf8')) as { manifests: unknown[] };
      if (index.manifests.length !== 1) problems.push('squash succeeded without one manifest in its layout');
    }
    if (problems.length) problems.push(`case ${i} (FUZZ_SEED=${SEED}): ${argv[0]}; faults: ${p.notes.join(', ') || 'none'}; stderr: ${o.stderr.slice(0, 400)}`);
  } finally {
    for (const k of ['WHITTLE_INSECURE_REGISTRY', 'WHITTLE_REGISTRY_TIMEOUT', 'WHITTLE_REGISTRY_BACKOFF', 'NO_COLOR']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
  return problems;
}

describe(`a misbehaving registry (seed ${SEED}, scale ${SCALE})`, () => {
  it(`${Math.round(CASES * SCALE)} fault plans through analyze and squash: never wrong, never stuck, one line when failing`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < Math.round(CASES * SCALE) && failures.length < 5; i++) failures.push(...(await runCase(i)));
    expect(failures).toEqual([]);
  }, 600_000);
});
