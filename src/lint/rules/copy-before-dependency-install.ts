import { covers, defineRule, docsPath } from '../define.js';
import { copiesManifest, dependencyInstall } from '../../knowledge/package-managers.js';
import type { Instruction } from '../../dockerfile/model.js';
import type { ShellCommand } from '../../shell/commands.js';
import { flag } from '../../dockerfile/parse.js';
import { suggestCacheOrder } from '../structural/index.js';
import { hasOption, positionals } from '../helpers.js';

/** manifests returns the files an install reads (src/knowledge/package-managers.ts), or null if the command is not a dependency install. */
function manifests(c: ShellCommand): string[] | null {
  return dependencyInstall(c)?.manifests.map((m) => m.name.replace(/^.*\//, '')) ?? null;
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
    return copiesManifest(a.value.replace(/^.*\//, ''), file);
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
      dotnet: 'COPY {{source}} comes before `{{install}}` (line {{line}}), which restores the NuGet packages itself, so any source change downloads them again; COPY the project files (*.csproj, *.sln), RUN dotnet restore, then COPY the rest and build with --no-restore',
      cargo: 'COPY {{source}} comes before `{{install}}` (line {{line}}), so any source change rebuilds every dependency; cargo cannot build dependencies from Cargo.toml alone: COPY Cargo.toml Cargo.lock with a stub src/main.rs and build once, or use cargo-chef (prepare, then cook), before you COPY the sources',
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
            // cargo builds dependencies and sources in one step, and fetches nothing from the manifests alone
            const cargoBuild = c.name === 'cargo' && ['build', 'install', 'fetch'].includes(positionals(c)[0]?.text ?? '');
            // dotnet build/publish/run/test restore first unless told not to
            const dotnetBuild = c.name === 'dotnet' && ['build', 'publish', 'run', 'test', 'pack'].includes(positionals(c)[0]?.text ?? '') && !hasOption(c, ['no-restore']);
            if (dotnetBuild) {
              if (ctx.runs.some((r) => r.inst.stage === facts.stage.index && r.inst.index < copy.index && r.commands.some((x) => x.name === 'dotnet' && positionals(x)[0]?.text === 'restore'))) return;
              ctx.report({ messageId: 'dotnet', span: copy.argsSpan ?? copy.span, data: { source: (copy.json ?? copy.args)[0]?.value ?? '.', install: c.words.slice(0, 2).map((w) => w.text).join(' '), line: ctx.model.lines.positionAt(c.span.start).line + 1 } });
              return;
            }
            const files = cargoBuild ? ['Cargo.toml', 'Cargo.lock'] : manifests(c);
            if (!files) continue;
            const earlier = insts.slice(0, copyAt);
            if (files.some((f) => earlier.some((i) => copiesFile(i, f)))) return;
            // cargo-chef (`cargo chef cook`) or a cargo build before the COPY already built the dependencies
            if (cargoBuild && ctx.runs.some((r) => r.inst.stage === facts.stage.index && r.inst.index < copy.index && r.commands.some((x) => x.name === 'cargo' && ['build', 'fetch', 'chef'].includes(positionals(x)[0]?.text ?? '')))) return;
            if (cargoBuild) {
              ctx.report({ messageId: 'cargo', span: copy.argsSpan ?? copy.span, data: { source: (copy.json ?? copy.args)[0]?.value ?? '.', install: c.words.slice(0, 2).map((w) => w.text).join(' '), line: ctx.model.lines.positionAt(c.span.start).line + 1 } });
              return;
            }
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
