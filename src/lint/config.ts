// Config file: `.whittle.json` or `whittle.config.json` in the working directory (or --config PATH):
//   { "rules": { "<rule-id>": "off" | "error" | "warning" | "info" }, "failLevel": "warning" }
// Unknown rule ids and bad values are usage errors, so typos do not silently disable nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WhittleError, describeCause } from '../errors.js';
import type { RuleSetting } from './engine.js';
import { SEVERITIES, type Rule, type Severity } from './types.js';

export type FailLevel = Severity | 'none';

export interface LintConfig {
  /** Path the config was read from, or null when none was found. */
  path: string | null;
  rules: Record<string, RuleSetting>;
  failLevel?: FailLevel;
}

export const CONFIG_FILES = ['.whittle.json', 'whittle.config.json'];

export function parseConfig(text: string, path: string, rules: readonly Rule[]): LintConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new WhittleError('usage', `${path}: not valid JSON (${describeCause(err)})`, { cause: err });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WhittleError('usage', `${path}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  const known = new Set(rules.map((r) => r.meta.id));
  const out: LintConfig = { path, rules: {} };
  if (obj.rules !== undefined) {
    if (!obj.rules || typeof obj.rules !== 'object' || Array.isArray(obj.rules)) throw new WhittleError('usage', `${path}: "rules" must be an object of rule id → "off" | "error" | "warning" | "info"`);
    for (const [id, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!known.has(id)) throw new WhittleError('usage', `${path}: unknown rule ${JSON.stringify(id)} (see \`whittle rules\`)`);
      if (value !== 'off' && !SEVERITIES.includes(value as Severity)) throw new WhittleError('usage', `${path}: rule ${id}: ${JSON.stringify(value)} is not one of "off", "error", "warning", "info"`);
      out.rules[id] = value as RuleSetting;
    }
  }
  if (obj.failLevel !== undefined) out.failLevel = parseFailLevel(obj.failLevel, `${path}: failLevel`);
  return out;
}

export function parseFailLevel(value: unknown, where: string): FailLevel {
  if (value === 'none' || SEVERITIES.includes(value as Severity)) return value as FailLevel;
  throw new WhittleError('usage', `${where}: ${JSON.stringify(value)} is not one of error, warning, info, none`);
}

/** loadConfig reads an explicit path (which must exist) or the first default file in cwd. */
export async function loadConfig(rules: readonly Rule[], explicit: string | undefined, cwd: string): Promise<LintConfig> {
  const candidates = explicit !== undefined ? [explicit] : CONFIG_FILES.map((f) => join(cwd, f));
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (explicit === undefined && (err as { code?: string }).code === 'ENOENT') continue;
      throw new WhittleError(explicit !== undefined ? 'usage' : 'io', `reading config ${path}: ${describeCause(err)}`, { cause: err });
    }
    return parseConfig(text, path, rules);
  }
  return { path: null, rules: {} };
}
