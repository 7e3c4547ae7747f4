// Per-rule precision on the real-world suite (test/real-world/dockerfiles.ts), from its reviewed
// verdicts: true positives / findings reported. test/rule-precision.test.ts checks the table in
// docs/rules/README.md against it, so the doc cannot go stale, and holds every rule that warns (or
// errs) at 90 % or more; a rule below that is fixed or demoted to info.
import { REAL_WORLD, findingOf } from './dockerfiles.js';

export interface RulePrecision {
  rule: string;
  reported: number;
  truePositives: number;
  /** the reasons given for its false positives, in suite order */
  falsePositives: string[];
}

/** precisionByRule counts each rule's verdicts over the suite, rules in name order. */
export function precisionByRule(): RulePrecision[] {
  const byRule = new Map<string, RulePrecision>();
  for (const file of REAL_WORLD) {
    for (const v of file.findings) {
      const rule = findingOf(v).split(' ')[1]!.split('/')[0]!;
      const p = byRule.get(rule) ?? { rule, reported: 0, truePositives: 0, falsePositives: [] };
      p.reported++;
      if (typeof v === 'string') p.truePositives++;
      else p.falsePositives.push(v.falsePositive);
      byRule.set(rule, p);
    }
  }
  return [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule));
}

/** percent: a precision as a whole percentage, rounded down (89.9 % must not read as 90 %). */
export const percent = (p: RulePrecision): number => Math.floor((100 * p.truePositives) / p.reported);

/** precisionMarkdown renders the table docs/rules/README.md carries, and the rules the suite never saw. */
export function precisionMarkdown(allRules: readonly string[]): string {
  const rows = precisionByRule();
  const seen = new Set(rows.map((r) => r.rule));
  const unseen = allRules.filter((r) => !seen.has(r)).sort();
  const files = REAL_WORLD.length;
  const total = rows.reduce((n, r) => n + r.reported, 0);
  const truePositives = rows.reduce((n, r) => n + r.truePositives, 0);
  return [
    `Measured on the ${files} Dockerfiles of the real-world suite (\`test/real-world/dockerfiles.ts\`): ${total} findings, ${truePositives} reviewed as true. A small sample: read each figure with its count.`,
    '',
    '| Rule | Reported | True | Precision |',
    '|---|---|---|---|',
    ...rows.map((r) => `| [${r.rule}](${r.rule}.md) | ${r.reported} | ${r.truePositives} | ${percent(r)} % |`),
    '',
    `Not reported on the suite (no estimate): ${unseen.map((r) => `[${r}](${r}.md)`).join(', ')}.`,
    '',
    'The false positives, as reviewed:',
    '',
    ...rows.flatMap((r) => r.falsePositives.map((why) => `- ${r.rule}: ${why}`)),
  ].join('\n');
}
