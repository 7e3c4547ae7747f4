// runVariants makes every row of the variant table: it asks each maker for its plan, builds the
// Dockerfile variants (as-is first, the others two at a time), rewrites the as-is image for the
// rewrite variants, measures each image, then runs the check on each (one at a time, so timings
// do not compete): a warm-up and N timed runs, answers compared with as-is's. `built` makes its
// image from the context (whittle build). With a registry, each image is then pushed to it and
// pulled back N times (one at a time too).
import { mapLimit } from '../internal/concurrency.js';
import { applyBaseMap, type BaseMap } from './base-map.js';
import { judge, median } from './check.js';
import { caveatsFor, type Caveat } from './caveats.js';
import { VariantDeclined, type Check, type Measured, type VariantEngine, type VariantMaker, type VariantPlan, type VariantRow } from './types.js';

export interface VariantsOptions {
  dockerfile: string;
  engine: VariantEngine;
  makers: readonly VariantMaker[];
  check: Check;
  /** timed runs of the check after the warm-up; default 3. */
  runs?: number;
  baseMap?: BaseMap;
  /** tag prefix of every image made: `whittle-variants-<pid>-<random>`. */
  tagPrefix: string;
  /** the build context: makers that read it (`built`, the runtime variants) decline without it or read less. */
  context?: string;
  /** --build-base: the base `built` builds onto. */
  buildBase?: string;
  /** --registry HOST:PORT: each image is pushed there and its pull timed; none: no pull column. */
  registry?: string;
  /** how many Dockerfile variants build at once after as-is; default 2. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface VariantsReport {
  check: Check;
  runs: number;
  /** the registry pushed to and pulled from; null without --registry. */
  registry: string | null;
  variants: VariantRow[];
  caveats: Caveat[];
  /** id of the smallest passing variant (compressed size), null when none passed. */
  smallest: string | null;
}

const empty = (m: VariantMaker): VariantRow => ({
  id: m.id, description: m.description, status: 'declined', reason: null, rules: [], dockerfile: null, tag: null,
  sizes: null, layers: null, files: null, findings: null, buildSeconds: null, pullSeconds: null, check: null,
});

function firstLine(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** runVariants builds, measures and checks every variant; a variant's failure stays in its row. */
export async function runVariants(opts: VariantsOptions): Promise<VariantsReport> {
  const { engine, makers } = opts;
  const log = opts.log ?? (() => undefined);
  const runs = opts.runs ?? 3;
  const rows = makers.map(empty);
  const made = new Map<string, string>();
  const plans: VariantPlan[] = [];
  for (const [k, m] of makers.entries()) {
    const plan = await m.make({
      dockerfile: opts.dockerfile,
      made,
      ...(opts.context !== undefined ? { context: opts.context } : {}),
      ...(opts.buildBase !== undefined ? { buildBase: opts.buildBase } : {}),
      ...(opts.baseMap !== undefined ? { baseMap: opts.baseMap } : {}),
    });
    const row = rows[k]!;
    if (plan.kind === 'declined') row.reason = plan.reason;
    else if (plan.kind === 'dockerfile') {
      const same = [...made].find(([, text]) => text === plan.text);
      if (same) row.reason = `the same Dockerfile as ${same[0]}`;
      else {
        made.set(m.id, plan.text);
        row.dockerfile = plan.text;
        row.rules = plan.rules;
      }
    }
    plans.push(plan);
  }
  const mapped = (ref: string) => opts.baseMap?.get(ref) ?? ref;
  const tagOf = (k: number) => `${opts.tagPrefix}:${makers[k]!.id}`;
  const measured = new Map<number, Measured>();
  const build = async (k: number) => {
    const row = rows[k]!;
    log(`building ${row.id} as ${tagOf(k)}`);
    try {
      const b = await engine.build(applyBaseMap(row.dockerfile!, opts.baseMap ?? new Map()), tagOf(k));
      row.tag = b.tag;
      row.buildSeconds = b.buildSeconds;
    } catch (err) {
      const plan = plans[k]!;
      const base = plan.kind === 'dockerfile' ? plan.base : undefined;
      if (base !== undefined && missingBase(firstLine(err), mapped(base))) {
        row.reason = `its base ${base}${mapped(base) !== base ? ` (mapped to ${mapped(base)})` : ''} is not in the engine and cannot be pulled: ${firstLine(err)}`;
        return;
      }
      row.status = 'failed';
      row.reason = `build failed: ${firstLine(err)}`;
    }
  };
  const dockerfileRows = rows.flatMap((r, k) => (r.dockerfile !== null ? [k] : []));
  const asIs = dockerfileRows[0];
  if (asIs !== undefined) await build(asIs);
  await mapLimit(dockerfileRows.slice(1), opts.concurrency ?? 2, build);
  // the built images are read out of the engine together (the layers they share once), then measured
  const built = dockerfileRows.filter((k) => rows[k]!.tag !== null);
  if (built.length > 0) await engine.exportAll?.(built.map((k) => rows[k]!.tag!)).catch(() => undefined); // each is then exported alone
  for (const k of built) {
    const row = rows[k]!;
    try {
      measured.set(k, await engine.measure(row.tag!));
    } catch (err) {
      row.status = 'failed';
      row.reason = `measuring the built image failed: ${firstLine(err)}`;
    }
  }
  const asIsTag = asIs !== undefined ? rows[asIs]!.tag : null;
  /** makeRow records a daemonless variant (a rewrite of as-is, or an image made by whittle) and measures it; a declined one keeps its reason. */
  const makeRow = async (k: number, what: 'rewrite' | 'build', make: () => Promise<{ tag: string; buildSeconds: number }>): Promise<void> => {
    const row = rows[k]!;
    try {
      const b = await make();
      row.tag = b.tag;
      row.buildSeconds = b.buildSeconds;
      measured.set(k, await engine.measure(b.tag));
    } catch (err) {
      if (err instanceof VariantDeclined) row.reason = err.message;
      else {
        row.status = 'failed';
        row.reason = `${what} failed: ${firstLine(err)}`;
      }
    }
  };
  for (const [k, plan] of plans.entries()) {
    if (plan.kind !== 'rewrite') continue;
    const row = rows[k]!;
    if (asIsTag === null) {
      row.reason = 'no as-is image to rewrite';
      continue;
    }
    log(`rewriting as-is into ${row.id}`);
    await makeRow(k, 'rewrite', () => engine.rewrite(asIsTag, tagOf(k), plan.rewrite));
  }
  for (const [k, plan] of plans.entries()) {
    if (plan.kind !== 'image') continue;
    const row = rows[k]!;
    log(`making ${row.id}`);
    await makeRow(k, 'build', () => engine.load(tagOf(k), plan.produce));
  }
  for (const [k, m] of measured) {
    const row = rows[k]!;
    row.sizes = { uncompressed: m.uncompressed, compressed: m.compressed };
    row.layers = m.layers;
    row.files = m.files;
    row.findings = m.findings;
  }
  // the check, as-is first: its answer is the one every other variant must give
  let check = opts.check;
  if (check.kind === 'healthcheck' && asIs !== undefined && !measured.get(asIs)?.config.healthcheck) check = { kind: 'none' };
  let reference: string | null = null;
  const order = asIs !== undefined ? [asIs, ...[...measured.keys()].filter((k) => k !== asIs)] : [...measured.keys()];
  for (const k of order) {
    const row = rows[k]!;
    if (!measured.has(k)) continue;
    if (check.kind === 'none') {
      row.status = 'unchecked';
      continue;
    }
    if (k !== asIs && asIs !== undefined && rows[asIs]!.status === 'failed') {
      row.status = 'unchecked';
      row.reason = 'as-is failed its check: nothing to compare with';
      continue;
    }
    log(`checking ${row.id} (${runs + 1} runs)`);
    const warmup = await engine.check(row.tag!, check);
    const timed = [];
    for (let i = 0; i < runs && warmup.ok; i++) timed.push(await engine.check(row.tag!, check));
    const v = judge(warmup, timed, k === asIs ? null : reference);
    if (k === asIs) reference = v.answer;
    row.check = { answer: v.answer, runs: v.runs, medianMs: v.medianMs, spreadMs: v.spreadMs };
    row.status = v.ok ? 'passed' : 'failed';
    row.reason = v.reason;
  }
  if (opts.registry !== undefined) {
    for (const k of [...measured.keys()].sort((a, b) => a - b)) await pullTimes(rows[k]!, `${opts.registry}/${opts.tagPrefix}:${makers[k]!.id}`, opts, runs, log);
  }
  const caveats = caveatsFor(rows, measured);
  return { check, runs, registry: opts.registry ?? null, variants: rows, caveats, smallest: smallestPassing(rows) };
}

/** pullTimes pushes a row's image to ref and pulls it back once, then `runs` timed times: the median goes in the row; a failure leaves it null, with the reason. */
async function pullTimes(row: VariantRow, ref: string, opts: VariantsOptions, runs: number, log: (line: string) => void): Promise<void> {
  try {
    log(`pushing ${row.id} to ${ref}`);
    const pushed = await opts.engine.push(row.tag!, ref);
    log(`pushed ${row.id}: ${pushed.uploaded} blob(s) uploaded, ${pushed.existing} already in the registry; pulling it ${runs + 1} time(s)`);
    await opts.engine.pull(ref); // a warm-up, as for the check: the first pull also loads the registry code
    const seconds = [];
    for (let i = 0; i < runs; i++) seconds.push(await opts.engine.pull(ref));
    row.pullSeconds = median(seconds);
  } catch (err) {
    const why = `pull not timed: ${firstLine(err)}`;
    row.reason = row.reason === null ? why : `${row.reason}; ${why}`;
  }
}

const UNREACHABLE = /pull access denied|repository does not exist|failed to resolve source metadata|manifest unknown|not found|no such host|dial tcp|failed to do request|connection refused|i\/o timeout/i;

/** missingBase tells whether a build failed because the engine could not get the image ref (its repository named in the error). */
export function missingBase(reason: string, ref: string): boolean {
  const repo = ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  return UNREACHABLE.test(reason) && reason.includes(repo.slice(repo.lastIndexOf('/') + 1));
}

/** smallestPassing is the passing (or, with no check at all, built) variant with the least compressed size. */
export function smallestPassing(rows: readonly VariantRow[]): string | null {
  const ok = rows.filter((r) => r.sizes !== null && (r.status === 'passed' || (r.status === 'unchecked' && r.reason === null)));
  ok.sort((a, b) => a.sizes!.compressed - b.sizes!.compressed || a.sizes!.uncompressed - b.sizes!.uncompressed);
  return ok[0]?.id ?? null;
}
