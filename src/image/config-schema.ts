// An image config as whittle reads it: every field checked against the OCI image spec's types at the
// boundary, so nothing downstream meets a number where a string belongs. What cannot be used (no
// rootfs.diff_ids, a config that is not an object) is one clear error; what is advisory is kept as
// far as it is well-typed, the rest dropped with a warning: history entries (null, a number as
// created_by), runtime settings of the wrong type (a numeric User becomes its string, as the engine
// reads it). Writers keep the raw bytes; this is the typed view.
import { WhittleError } from '../errors.js';
import { parseDigest } from './digest.js';
import type { HistoryEntry, ImageConfig, RuntimeConfig } from './spec.js';

const warningsOf = new WeakMap<ImageConfig, readonly string[]>();

/** configWarnings lists what checkConfig dropped or converted in a config, for reports to show. */
export function configWarnings(config: ImageConfig): readonly string[] {
  return warningsOf.get(config) ?? [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringMap = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every(isString);

/** checkConfig turns a parsed config document into an ImageConfig, or throws for one that cannot be used. */
export function checkConfig(doc: unknown, what: string): ImageConfig {
  if (!isObject(doc)) throw new WhittleError('bad-archive', `${what} is not a JSON object`);
  const rootfs = doc.rootfs;
  if (!isObject(rootfs) || !Array.isArray(rootfs.diff_ids)) throw new WhittleError('bad-archive', `${what} has no rootfs.diff_ids`);
  rootfs.diff_ids.forEach((d, i) => parseDigest(d, `${what} diff_id ${i}`));
  const warnings: string[] = [];
  const drop = (field: string, v: unknown) => warnings.push(`${what}: ${field} is ${describe(v)}, not what the image spec allows; ignored`);

  const out: ImageConfig = {
    ...doc,
    architecture: isString(doc.architecture) ? doc.architecture : '',
    os: isString(doc.os) ? doc.os : '',
    rootfs: { type: isString(rootfs.type) ? rootfs.type : 'layers', diff_ids: rootfs.diff_ids as ImageConfig['rootfs']['diff_ids'] },
  } as ImageConfig;
  for (const key of ['architecture', 'os'] as const) if (doc[key] !== undefined && !isString(doc[key])) drop(key, doc[key]);
  for (const key of ['variant', 'created', 'author'] as const) {
    if (doc[key] === undefined) continue;
    if (isString(doc[key])) continue;
    drop(key, doc[key]);
    delete (out as unknown as Record<string, unknown>)[key];
  }

  // null is how Go writes a nil slice or pointer: the same as absent
  if (doc.history === null) delete out.history;
  if (doc.config === null) delete out.config;
  if (doc.history !== undefined && doc.history !== null) {
    if (!Array.isArray(doc.history)) throw new WhittleError('bad-archive', `${what} history is not an array`);
    out.history = doc.history.map((h, i) => historyEntry(h, `history[${i}]`, drop));
  }

  if (doc.config !== undefined && doc.config !== null) {
    if (isObject(doc.config)) out.config = runtimeConfig(doc.config, drop);
    else {
      drop('config', doc.config);
      delete out.config;
    }
  }
  warningsOf.set(out, warnings);
  return out;
}

function historyEntry(h: unknown, where: string, drop: (field: string, v: unknown) => void): HistoryEntry {
  if (!isObject(h)) {
    drop(where, h);
    return {};
  }
  const out: HistoryEntry = {};
  for (const key of ['created', 'created_by', 'author', 'comment'] as const) {
    if (h[key] === undefined) continue;
    if (isString(h[key])) out[key] = h[key];
    else drop(`${where}.${key}`, h[key]);
  }
  if (h.empty_layer !== undefined) {
    if (typeof h.empty_layer === 'boolean') out.empty_layer = h.empty_layer;
    else drop(`${where}.empty_layer`, h.empty_layer);
  }
  return out;
}

function runtimeConfig(c: Record<string, unknown>, drop: (field: string, v: unknown) => void): RuntimeConfig {
  const out: Record<string, unknown> = { ...c };
  const check = (key: string, ok: (v: unknown) => boolean, nullable = false) => {
    const v = c[key];
    if (v === undefined || (nullable && v === null) || ok(v)) return;
    drop(`config.${key}`, v);
    delete out[key];
  };
  // a numeric User is a uid: the engine runs it as that uid
  if (typeof c.User === 'number' && Number.isInteger(c.User) && c.User >= 0) out.User = String(c.User);
  else check('User', isString);
  check('Env', isStringArray, true);
  check('Entrypoint', isStringArray, true);
  check('Cmd', isStringArray, true);
  check('Shell', isStringArray, true);
  check('OnBuild', isStringArray, true);
  check('WorkingDir', isString);
  check('StopSignal', isString);
  check('Labels', isStringMap, true);
  check('ExposedPorts', isObject, true);
  check('Volumes', isObject, true);
  return out as RuntimeConfig;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list of other types';
  return `a ${typeof v}`;
}
