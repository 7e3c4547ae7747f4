import { covers, defineRule, docsPath } from '../define.js';
import { aptPackages, aptVerb, hasOption, laterCommands, parseImageRef, positionals, stageChain, varFor } from '../helpers.js';
import { runsServer } from '../../knowledge/base-images.js';
import type { RunInfo } from '../types.js';
import type { ShellCommand, Word } from '../../shell/commands.js';
import { suggestMultiStage } from '../structural/index.js';
import { toolchainOfPackage } from '../../knowledge/toolchains.js';

function installedPackages(c: ShellCommand): Word[] {
  if (aptVerb(c) === 'install') return aptPackages(c);
  const p = positionals(c, ['-t', '--virtual', '-X', '--repository', '--setopt']);
  if (c.name === 'apk' && p[0]?.text === 'add') return p.slice(1);
  if ((c.name === 'yum' || c.name === 'dnf' || c.name === 'microdnf' || c.name === 'zypper') && (p[0]?.text === 'install' || p[0]?.text === 'in')) return p.slice(1);
  return [];
}

/** removesLater: the same RUN removes the package (apt-get purge, apk del, yum remove, a --virtual group). */
function removedLater(later: ShellCommand[], pkg: string, virtual: string | null): boolean {
  // The official-image idiom: `apt-mark auto '.*'` … `apt-get purge -y --auto-remove` removes
  // everything not marked manual again, build dependencies included.
  const markAuto = later.findIndex((l) => l.name === 'apt-mark' && l.words[1]?.text === 'auto');
  if (markAuto >= 0 && later.slice(markAuto).some((l) => {
    const v = aptVerb(l);
    return v === 'autoremove' || ((v === 'purge' || v === 'remove') && hasOption(l, ['auto-remove', 'autoremove']));
  })) return true;
  return later.some((l) => {
    const v = aptVerb(l);
    const p = positionals(l).map((w) => w.text);
    const removes = (v !== null && ['purge', 'remove', 'autoremove'].includes(v)) || (l.name === 'apk' && p[0] === 'del') || (['yum', 'dnf', 'microdnf', 'zypper'].includes(l.name) && ['remove', 'erase', 'rm'].includes(p[0] ?? ''));
    return removes && (p.includes(pkg) || (virtual !== null && p.includes(virtual)) || p.some((x) => x.includes('$')));
  });
}

function nodeDevInstall(run: RunInfo, c: ShellCommand, nodeEnv: string | undefined): boolean {
  if (c.name !== 'npm') return false;
  const v = positionals(c)[0]?.text;
  if (v !== 'install' && v !== 'i' && v !== 'ci') return false;
  if (positionals(c).length > 1) return false; // npm install <pkg> installs named packages
  if (hasOption(c, ['production', 'omit', 'only']) || c.words.some((w) => /^--(?:omit=dev|only=prod|production)/.test(w.text))) return false;
  if (varFor(run, c, 'NODE_ENV', nodeEnv) === 'production') return false;
  return true;
}

/** mayHaveDevDependencies: the context's package.json lists devDependencies, or cannot be read (unknown context, no package.json at its top, not JSON). */
function mayHaveDevDependencies(packageJson: string | null | undefined): boolean {
  if (typeof packageJson !== 'string') return true;
  try {
    const dev = (JSON.parse(packageJson) as { devDependencies?: unknown }).devDependencies;
    return dev !== null && typeof dev === 'object' && Object.keys(dev).length > 0;
  } catch {
    return true;
  }
}

export default defineRule({
  meta: {
    id: 'build-tools-in-final-stage',
    description: 'Compilers, -dev packages and language toolchains installed in the stage that ships.',
    category: 'multi-stage',
    severity: 'warning',
    hasSuggestions: true,
    messages: {
      package: '{{package}} is a build toolchain and ships in the final image (compilers and headers often add 100-300 MB and attack surface); build in an earlier stage and COPY --from only the output, or remove it in the same RUN',
      command: '`{{command}}` runs in the final stage, so its toolchain, caches and sources ship with the result; build in a separate stage and COPY --from only the artifact',
      devDependencies: 'npm {{verb}} installs devDependencies into the final image; use `npm ci --omit=dev` here (or set NODE_ENV=production), or build in an earlier stage',
    },
    docs: docsPath('build-tools-in-final-stage'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        const stage = ctx.stageOf(run.inst);
        if (!stage || !stage.ships) return;
        // a final stage with no command of its own (nor of a stage it is FROM, nor an official server
        // image's) is a CI, builder or base image: the toolchain it installs is what it is for
        const chain = stageChain(ctx.model, stage.stage);
        const base = parseImageRef(chain[chain.length - 1]!.image);
        const runsSomething = chain.some((s) => s.instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) || (base.official && runsServer(base.name, base.tag));
        for (const c of run.commands) {
          const pkgs = installedPackages(c);
          if (pkgs.length > 0 && !runsSomething) continue;
          if (pkgs.length > 0) {
            const vi = c.words.findIndex((w) => w.text === '--virtual' || w.text === '-t');
            const virtual = vi >= 0 ? (c.words[vi + 1]?.text ?? null) : (c.words.find((w) => w.text.startsWith('--virtual='))?.text.slice(10) ?? null);
            const later = laterCommands(run, c.order);
            const tool = pkgs.find((p) => toolchainOfPackage(p.text) !== undefined && !removedLater(later, p.text, virtual));
            if (tool) ctx.report({ messageId: 'package', span: tool.span, data: { package: tool.text }, suggest: () => suggestMultiStage(ctx.facts, tool.span.start, 'package') });
            continue;
          }
          const v = positionals(c)[0]?.text ?? '';
          const isBuild =
            (c.name === 'go' && v === 'build') ||
            (c.name === 'cargo' && (v === 'build' || v === 'install')) ||
            ((c.name === 'mvn' || c.name === 'mvnw') && /package|install|verify/.test(c.words.map((w) => w.text).join(' '))) ||
            ((c.name === 'gradle' || c.name === 'gradlew') && c.words.length > 1);
          if (isBuild) {
            ctx.report({ messageId: 'command', span: { start: c.words[0]!.span.start, end: c.span.end }, data: { command: `${c.name} ${v}`.trim() }, suggest: () => suggestMultiStage(ctx.facts, c.words[0]!.span.start, 'command') });
          } else if (nodeDevInstall(run, c, ctx.envAt(run.inst, 'NODE_ENV')) && mayHaveDevDependencies(ctx.contextFile('package.json'))) {
            ctx.report({ messageId: 'devDependencies', span: c.words[0]!.span, data: { verb: v }, suggest: () => suggestMultiStage(ctx.facts, c.words[0]!.span.start, 'devDependencies') });
          }
        }
      },
    };
  },
});
