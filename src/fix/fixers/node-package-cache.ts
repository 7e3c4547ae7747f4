// Fixer for node-package-cache: append `&& npm cache clean --force` (npm) or `&& yarn cache clean`
// (yarn) right after the last install command of that tool in the reported RUN, so the cache the
// install filled is emptied in the same layer. pnpm gets no fix (`pnpm store prune` keeps the
// packages node_modules links to), nor do build-only stages (the rule advises a cache mount there).
import { verb } from '../../lint/helpers.js';
import type { Diagnostic, Edit } from '../../lint/types.js';
import { appendAfter, commandAt, factsOf, runAt } from './_shared.js';

const CLEAN: Readonly<Record<string, { installs: ReadonlySet<string>; clean: string }>> = {
  npm: { installs: new Set(['install', 'i', 'ci', 'add', 'update']), clean: 'npm cache clean --force' },
  yarn: { installs: new Set(['install', 'add', '']), clean: 'yarn cache clean' },
};
const VALUE_OPTS = ['--prefix', '-C', '--cwd', '--filter'];

export function fixNodePackageCache(text: string, d: Diagnostic): Edit[] | null {
  if (d.messageId !== 'missing') return null;
  const facts = factsOf(text);
  const run = runAt(facts, d.offsets[0]);
  const cmd = run && commandAt(run, d.offsets[0]);
  const tool = cmd ? CLEAN[cmd.name] : undefined;
  if (!run || !cmd || !tool) return null;
  const installs = run.commands.filter((c) => c.name === cmd.name && tool.installs.has(verb(c, VALUE_OPTS) ?? ''));
  const last = installs[installs.length - 1];
  if (!last) return null;
  const edit = appendAfter(facts, run, last, tool.clean);
  return edit ? [edit] : null;
}
