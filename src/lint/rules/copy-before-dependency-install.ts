import { covers, defineRule, docsPath } from '../define.js';
import { pipInstall, positionals } from '../helpers.js';
import type { Instruction } from '../../dockerfile/model.js';
import type { ShellCommand } from '../../shell/commands.js';
import { flag } from '../../dockerfile/parse.js';
import { suggestCacheOrder } from '../structural/index.js';

/** manifests returns the files an install reads, or null if the command is not a dependency install. */
function manifests(c: ShellCommand): string[] | null {
  const v = positionals(c)[0]?.text ?? '';
  switch (c.name) {
    case 'npm':
      return ['install', 'i', 'ci'].includes(v) && positionals(c).length === 1 ? ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'] : null;
    case 'yarn':
      return v === '' || v === 'install' ? ['package.json', 'yarn.lock'] : null;
    case 'pnpm':
      return v === 'install' || v === 'i' ? ['package.json', 'pnpm-lock.yaml'] : null;
    case 'bundle':
      return v === 'install' ? ['Gemfile', 'Gemfile.lock'] : null;
    case 'composer':
      return v === 'install' ? ['composer.json', 'composer.lock'] : null;
    case 'poetry':
      return v === 'install' ? ['pyproject.toml', 'poetry.lock'] : null;
    case 'uv':
      return v === 'sync' ? ['pyproject.toml', 'uv.lock'] : null;
    case 'pipenv':
      return v === 'install' ? ['Pipfile', 'Pipfile.lock'] : null;
    case 'go':
      return v === 'mod' && c.words.some((w) => w.text === 'download') ? ['go.mod', 'go.sum'] : null;
    case 'cargo':
      return v === 'fetch' ? ['Cargo.toml', 'Cargo.lock'] : null;
    case 'mvn':
      return c.words.some((w) => /dependency:(?:go-offline|resolve)/.test(w.text)) ? ['pom.xml'] : null;
    default: {
      if (!pipInstall(c)) return null;
      const i = c.words.findIndex((w) => w.text === '-r' || w.text === '--requirement');
      const req = i >= 0 ? c.words[i + 1]?.text : c.words.find((w) => w.text.startsWith('--requirement='))?.text.slice(14);
      return req ? [req.replace(/^.*\//, '')] : null;
    }
  }
}

function isWholeContext(inst: Instruction): boolean {
  if (inst.keyword !== 'COPY' && inst.keyword !== 'ADD') return false;
  if (flag(inst, 'from')) return false;
  const args = inst.json ?? inst.args;
  return args.slice(0, -1).some((a) => a.value === '.' || a.value === './' || a.value === './.');
}

function copiesFile(inst: Instruction, file: string): boolean {
  if (inst.keyword !== 'COPY' && inst.keyword !== 'ADD') return false;
  const args = inst.json ?? inst.args;
  return args.slice(0, -1).some((a) => {
    const base = a.value.replace(/^.*\//, '');
    if (base === file) return true;
    if (!base.includes('*') && !base.includes('?') && !base.includes('[')) return false;
    const re = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(file);
  });
}

export default defineRule({
  meta: {
    id: 'copy-before-dependency-install',
    description: 'COPY of the whole build context before installing dependencies defeats the layer cache.',
    category: 'context',
    severity: 'warning',
    hasSuggestions: true,
    messages: {
      order: 'COPY {{source}} comes before `{{install}}` (line {{line}}), so any source change re-runs the install from scratch; COPY {{manifest}} first, run the install, then COPY the rest',
    },
    docs: docsPath('copy-before-dependency-install'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      stage(facts) {
        const insts = facts.stage.instructions;
        const copyAt = insts.findIndex(isWholeContext);
        if (copyAt < 0) return;
        const copy = insts[copyAt]!;
        for (const run of ctx.runs) {
          if (run.inst.stage !== facts.stage.index || run.inst.index <= copy.index) continue;
          for (const c of run.commands) {
            const files = manifests(c);
            if (!files) continue;
            const earlier = insts.slice(0, copyAt);
            if (files.some((f) => earlier.some((i) => copiesFile(i, f)))) return;
            ctx.report({
              messageId: 'order',
              span: copy.argsSpan ?? copy.span,
              data: {
                source: (copy.json ?? copy.args)[0]?.value ?? '.',
                install: c.words.slice(0, 3).map((w) => w.text).join(' '),
                line: ctx.model.lines.positionAt(c.span.start).line + 1,
                manifest: files.slice(0, 2).join(' '),
              },
              suggest: () => suggestCacheOrder(ctx.facts, (copy.argsSpan ?? copy.span).start, 'order'),
            });
            return;
          }
        }
      },
    };
  },
});
