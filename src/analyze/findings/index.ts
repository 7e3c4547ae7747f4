// The finding analyzers whittle runs, and runFindings, which turns their reports into Findings
// with rendered messages, top paths and estimated savings.
import { buildToolchains } from './build-toolchains.js';
import { deletedLater } from './deleted-later.js';
import { packageCaches } from './package-caches.js';
import { rewrittenLater } from './rewritten-later.js';
import { rootUser } from './root-user.js';
import { secrets } from './secrets.js';
import { setuidFiles } from './setuid-files.js';
import { shellsAndPackageManagers } from './shells-and-package-managers.js';
import { plural } from '../../internal/plural.js';
import type { FindingContext, FindingRule, PathBytes, Severity } from './rule.js';

export const FINDING_RULES: readonly FindingRule[] = [
  packageCaches,
  deletedLater,
  rewrittenLater,
  secrets,
  buildToolchains,
  setuidFiles,
  shellsAndPackageManagers,
  rootUser,
];

export interface Finding {
  id: string;
  title: string;
  severity: Severity;
  messageId: string;
  message: string;
  data: Record<string, string | number>;
  /** estimated saving in bytes. */
  bytes: number;
  /** the largest paths (at most topPaths), and how many there are in all. */
  paths: PathBytes[];
  pathCount: number;
  layer: number | null;
  instruction: string | null;
  remedy: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/**
 * fillMessage replaces placeholders with data values: `{{name}}` by the value, `{{name|one|many}}`
 * by the number and the word that agrees with it ("1 file", "3 files"), `{{name?one|many}}` by the
 * word alone ("is", "are").
 */
export function fillMessage(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*(?:([|?])([^|}]*)\|([^}]*))?\}\}/g, (m, key: string, how?: string, one?: string, many?: string) => {
    if (!(key in data)) return m;
    const value = data[key]!;
    if (how === undefined) return String(value);
    const word = plural(Number(value), one!, many!);
    return how === '|' ? `${value} ${word}` : word;
  });
}

export function runFindings(
  ctx: FindingContext,
  instructions: readonly (string | null)[],
  topPaths: number,
): { findings: Finding[]; removablePaths: Set<string> } {
  const findings: Finding[] = [];
  const removablePaths = new Set<string>();
  for (const rule of FINDING_RULES) {
    rule.check(ctx, (r) => {
      const data = r.data ?? {};
      const sorted = [...r.paths].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
      if (rule.meta.removable) for (const p of r.paths) removablePaths.add(p.path);
      findings.push({
        id: rule.meta.id,
        title: rule.meta.title,
        severity: r.severity ?? rule.meta.severity,
        messageId: r.messageId,
        message: fillMessage(rule.meta.messages[r.messageId] ?? r.messageId, data),
        data,
        bytes: r.bytes ?? r.paths.reduce((s, p) => s + p.bytes, 0),
        paths: sorted.slice(0, topPaths),
        pathCount: r.paths.length,
        layer: r.layer,
        instruction: r.layer === null ? null : (instructions[r.layer] ?? null),
        remedy: rule.meta.remedy,
      });
    });
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.bytes - a.bytes || (a.id < b.id ? -1 : 1));
  return { findings, removablePaths };
}
