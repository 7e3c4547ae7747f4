// The shapes `whittle variants` passes around: what a variant maker returns, the engine calls the
// runner makes (an interface, so the table logic is tested with a fake engine), and one table row.
import type { Image } from '../image/image.js';

/** Check is what proves a variant still works: the same for every variant. */
export type Check =
  | { kind: 'cmd'; args: string[] }
  | { kind: 'http'; port: number; path: string }
  | { kind: 'healthcheck' }
  | { kind: 'none' };

/** Rewrite turns the as-is image into a variant's image (squash, strip; minify later). */
export type Rewrite = (image: Image, tmpDir: string) => Promise<{ image: Image; dispose(): Promise<void> }>;

/** Produce makes a variant's image without the as-is image (`built`: whittle build of the context). */
export type Produce = (tmpDir: string) => Promise<{ image: Image; dispose(): Promise<void> }>;

/** VariantPlan is what a maker returns: a Dockerfile to build, a rewrite of the as-is image, an image made from the context, or a reason not to. */
export type VariantPlan =
  | { kind: 'dockerfile'; text: string; rules: string[]; /** a runtime base it needs: when the engine cannot get it, the row is declined, not failed. */ base?: string }
  | { kind: 'rewrite'; rewrite: Rewrite }
  | { kind: 'image'; produce: Produce }
  | { kind: 'declined'; reason: string };

/** MakerInput is what every maker reads: the user's Dockerfile (before --base-map) and what the makers before it made. */
export interface MakerInput {
  dockerfile: string;
  /** Dockerfile texts of the variants made so far, by id (as-is first). */
  made: ReadonlyMap<string, string>;
  /** the build context directory (absent: makers that read it decline; the runtime variants read its package.json and node_modules). */
  context?: string;
  /** --build-base: the base `built` builds onto (absent: its documented default). */
  buildBase?: string;
  /** --base-map, for the makers that read a base themselves. */
  baseMap?: ReadonlyMap<string, string>;
}

/** VariantMaker is one row of the variant table: an id, what it is, and how to make it. */
export interface VariantMaker {
  id: string;
  description: string;
  make(input: MakerInput): Promise<VariantPlan>;
}

/** Built is an image a variant produced on the engine. */
export interface Built {
  tag: string;
  buildSeconds: number;
}

/** Measured holds the figures of one image. */
export interface Measured {
  /** what `docker images` shows: `docker image inspect` .Size, bytes. */
  uncompressed: number;
  /** bytes a registry stores and a pull moves: gzip'd layer blobs + config + manifest. */
  compressed: number;
  layers: number;
  files: number;
  findings: number;
  config: RuntimeInfo;
}

/** RuntimeInfo is the part of an image config the caveats read. */
export interface RuntimeInfo {
  entrypoint: string[] | null;
  cmd: string[] | null;
  user: string;
  healthcheck: string[] | null;
}

/** CheckRun is one run of the check. */
export interface CheckRun {
  ok: boolean;
  /** what is compared between variants: exit code and stdout, or HTTP status and body, or health. */
  answer: string;
  /** milliseconds from `docker run` to the check passing. */
  ms: number;
  /** first lines of stderr or logs when the run failed. */
  detail: string;
}

/** VariantEngine is every engine call the runner makes. */
export interface VariantEngine {
  /** build builds a Dockerfile text in the context; throws VariantFailure with the log's last lines. */
  build(text: string, tag: string): Promise<Built>;
  /** rewrite reads the image `from`, rewrites it and loads the result as `tag`. */
  rewrite(from: string, tag: string, rewrite: Rewrite): Promise<Built>;
  /** load makes an image with `produce` and loads it as `tag`. */
  load(tag: string, produce: Produce): Promise<Built>;
  /** push writes the engine's image `tag` to the registry reference `ref` (daemonless, layers gzip'd). */
  push(tag: string, ref: string): Promise<Pushed>;
  /** pull reads the image `ref` from its registry as a pull does (every blob downloaded, decompressed, checked); seconds. */
  pull(ref: string): Promise<number>;
  /** exportAll reads the images of tags out of the engine at once (their shared layers once), for measure and rewrite; optional. */
  exportAll?(tags: string[]): Promise<void>;
  measure(tag: string): Promise<Measured>;
  check(tag: string, check: Check): Promise<CheckRun>;
  /** cleanup removes every image and container this engine made. */
  cleanup(): Promise<void>;
}

/** Pushed says what a push sent: blobs uploaded, and blobs the registry already had (a HEAD answered). */
export interface Pushed {
  uploaded: number;
  existing: number;
}

/** VariantFailure is a variant that could not be made: it goes into its row, not out as an error. */
export class VariantFailure extends Error {}

/** VariantDeclined is a rewrite that has nothing to do for this image (its row says why). */
export class VariantDeclined extends Error {}

export type Status = 'passed' | 'failed' | 'declined' | 'unchecked';

/** VariantRow is one row of the table (and of --json's `variants`). */
export interface VariantRow {
  id: string;
  description: string;
  status: Status;
  /** why declined or failed; null otherwise. */
  reason: string | null;
  /** rules whose rewrites made the Dockerfile (dockerfile variants). */
  rules: string[];
  /** the Dockerfile this variant built (null for rewrites of the as-is image and declined rows). */
  dockerfile: string | null;
  /** the engine tag while the command runs (removed at the end). */
  tag: string | null;
  sizes: { uncompressed: number; compressed: number } | null;
  layers: number | null;
  files: number | null;
  findings: number | null;
  buildSeconds: number | null;
  /** seconds to pull the pushed image from --registry (median of the runs); null without --registry or when not built. */
  pullSeconds: number | null;
  check: { answer: string; runs: number; medianMs: number; spreadMs: number } | null;
}
