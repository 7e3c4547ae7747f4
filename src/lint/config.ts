// Config file: `.whittle.json` or `whittle.config.json` in the working directory (or --config PATH):
//   { "rules": { "<rule-id>": "off" | "error" | "warning" | "info" }, "ignore": ["<rule-id>"], "failLevel": "warning" }
// A rule may be named by its whittle id or by the id of another tool's check it covers (hadolint's
// DL3009, BuildKit's JSONArgsRecommended, …), so a hadolint config carries over. Unknown rule ids and
// bad values are usage errors, so typos do not silently disable nothing.
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

/** ruleIdsFor resolves a rule name: a whittle rule id, or another tool's id that rules cover; null when unknown. */
export function ruleIdsFor(name: string, rules: readonly Rule[]): string[] | null {
  if (rules.some((r) => r.meta.id === name)) return [name];
  const ids = rules.filter((r) => Object.values(r.meta.covers).some((list: readonly string[]) => list.includes(name))).map((r) => r.meta.id);
  return ids.length > 0 ? ids : null;
}

/** ignoredRules turns rule names (whittle or other tools' ids) into `off` settings; where says what named them. */
export function ignoredRules(names: readonly string[], rules: readonly Rule[], where: string): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const name of names) {
    const ids = ruleIdsFor(name, rules);
    if (!ids) throw new WhittleError('usage', `${where}: unknown rule ${JSON.stringify(name)} (see \`whittle rules\`)`);
    for (const id of ids) out[id] = 'off';
  }
  return out;
}

export function parseConfig(text: string, path: string, rules: readonly Rule[]): LintConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new WhittleError('usage', `${path}: not valid JSON (${describeCause(err)})`, { cause: err });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WhittleError('usage', `${path}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  const out: LintConfig = { path, rules: {} };
  if (obj.rules !== undefined) {
    if (!obj.rules || typeof obj.rules !== 'object' || Array.isArray(obj.rules)) throw new WhittleError('usage', `${path}: "rules" must be an object of rule id → "off" | "error" | "warning" | "info"`);
    for (const [name, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      const ids = ruleIdsFor(name, rules);
      if (!ids) throw new WhittleError('usage', `${path}: unknown rule ${JSON.stringify(name)} (see \`whittle rules\`)`);
      if (value !== 'off' && !SEVERITIES.includes(value as Severity)) throw new WhittleError('usage', `${path}: rule ${name}: ${JSON.stringify(value)} is not one of "off", "error", "warning", "info"`);
      for (const id of ids) out.rules[id] = value as RuleSetting;
    }
  }
  if (obj.ignore !== undefined) {
    if (!Array.isArray(obj.ignore) || obj.ignore.some((x) => typeof x !== 'string')) throw new WhittleError('usage', `${path}: "ignore" must be an array of rule ids`);
    Object.assign(out.rules, ignoredRules(obj.ignore as string[], rules, path));
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
