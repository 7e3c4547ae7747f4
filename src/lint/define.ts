// defineRule keeps rule modules typed: the messageIds a rule reports must be keys of meta.messages.
import type { Covers, Rule, RuleContext, RuleMeta, RuleVisitor } from './types.js';

export function defineRule<M extends string>(rule: {
  meta: RuleMeta<M>;
  create(ctx: RuleContext<M>): RuleVisitor;
}): Rule<M> {
  return rule;
}

/** renderMessage fills `{{name}}` placeholders from data; unknown placeholders stay visible. */
export function renderMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

/** covers fills the other tools' id lists a rule does not name. */
export function covers(c: Partial<Covers>): Covers {
  return { hadolint: c.hadolint ?? [], trivy: c.trivy ?? [], checkov: c.checkov ?? [], buildkit: c.buildkit ?? [] };
}

/** docsPath is where a rule's page lives, relative to the repository root. */
export function docsPath(id: string): string {
  return `docs/rules/${id}.md`;
}
