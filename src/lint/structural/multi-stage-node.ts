// Structural fix for build-tools-in-final-stage in a single Node stage: the stage becomes the builder
// (`AS build`), which installs everything, builds, then `npm prune --omit=dev` (`--production` unless
// the official node image's tag proves npm ≥ 7: src/knowledge/node-images.ts); a new final stage on
// the same image gets only the app directory, so devDependencies, the npm cache, and the compilers
// and Python that node-gyp needed stop shipping. The final stage repeats the stage's ARG, ENV,
// LABEL, EXPOSE, STOPSIGNAL, HEALTHCHECK, CMD and ENTRYPOINT in order, so the runtime config and
// variable expansion stay the same; what came after the last RUN/COPY/ADD stays where it was.
// Declined unless all of this holds: the file's last stage, not FROM another stage; one WORKDIR
// (not /) holds the app and every COPY/ADD lands in it, without --chown/--chmod; an npm install or
// ci of the package.json (not yarn or pnpm, whose prune differs) and either a build step after it
// or build packages installed; every RUN only installs build packages (compilers, python3, git),
// runs npm/npx/node/yarn/pnpm scripts (no global installs, no corepack) or changes files inside the
// app directory; no USER, SHELL, ONBUILD or VOLUME before the split (ownership and volumes would
// differ). node itself comes from the image, so the final stage has it too.
import type { Instruction } from '../../dockerfile/model.js';
import type { Edit, Facts } from '../types.js';
import type { ShellCommand } from '../../shell/commands.js';
import { hasOption, parseImageRef, positionals } from '../helpers.js';
import { normPath } from '../helpers.js';
import { builderOf, fromLine, splitTarget, splittable, insertAfter, prepOnly, under, verbatim, workdirAt } from './split-stage.js';
import { isCBuildPackage } from '../../knowledge/toolchains.js';
import { npmKnowsOmit } from '../../knowledge/node-images.js';

const NODE_BUILD_PACKAGES = new Set(['python3', 'python3-minimal', 'python-is-python3', 'python3-dev', 'python', 'git', 'ca-certificates']);
const REPLAYED = new Set(['ARG', 'ENV', 'LABEL', 'EXPOSE', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT']);

/** nodeBuildPackage: packages a Node build needs and its runtime does not (compilers, python3 and git for node-gyp). */
export const nodeBuildPackage = (p: string): boolean => isCBuildPackage(p) || NODE_BUILD_PACKAGES.has(p);

/** npmInstall: `npm install|i|ci` of the package.json (no named packages). */
function npmInstall(c: ShellCommand): boolean {
  const p = positionals(c);
  return c.name === 'npm' && ['install', 'i', 'ci'].includes(p[0]?.text ?? '') && p.length === 1;
}

function global(c: ShellCommand): boolean {
  return hasOption(c, ['global'], 'g') || c.words.some((w) => w.text === '--location=global');
}

/** nodeProgram judges the Node tools a build RUN may run; undefined for anything else. */
export function nodeProgram(c: ShellCommand): boolean | undefined {
  const verb = positionals(c)[0]?.text ?? '';
  switch (c.name) {
    case 'npm':
      return !global(c) && verb !== 'link' && (positionals(c).length === 1 || !['install', 'i', 'add', 'ci'].includes(verb));
    case 'yarn':
      return !['', 'install', 'add', 'global'].includes(verb);
    case 'pnpm':
      return !global(c) && !['install', 'i', 'add'].includes(verb);
    case 'npx':
    case 'node':
    case 'tsc':
      return true;
    default:
      return undefined;
  }
}

export function fixNodeMultiStage(facts: Facts, offset: number, messageId: string): Edit[] | null {
  const text = facts.model.text;
  if (messageId !== 'devDependencies' && messageId !== 'package') return null;
  const target = splitTarget(facts, offset);
  if (!target) return null;
  const { stage } = target;
  const { model, analysis } = facts;
  const insts = stage.instructions.slice(1);
  let last = -1;
  insts.forEach((i, k) => {
    if (i.keyword === 'RUN' || i.keyword === 'COPY' || i.keyword === 'ADD') last = k;
  });
  const build = insts.slice(0, last + 1);
  const after = insts.slice(last + 1);
  if (!splittable(build, after)) return null;
  // The runtime keeps production dependencies only: a command that runs a package's binary
  // (node_modules/.bin/x, npx x) may run a devDependency the prune removes.
  const commands = stage.instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT' || i.keyword === 'HEALTHCHECK');
  if (commands.some((i) => /node_modules\/\.bin\/|(?:^|[\s"'\[])npx(?:$|[\s"',])/.test(text.slice(i.span.start, i.span.end)))) return null;

  // One app directory, set before anything is copied into it.
  const workdirs = build.filter((i) => i.keyword === 'WORKDIR');
  if (workdirs.length === 0 || workdirs.some((w) => !w.args[0] || w.args[0].value.includes('$'))) return null;
  const dir = normPath(workdirs[0]!.args[0]!.value, '/');
  if (dir === '/' || workdirs.some((w) => normPath(w.args[0]!.value, workdirAt(stage, w)) !== dir)) return null;
  for (const i of build) {
    if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
    if (i.flags.some((f) => f.name === 'chown' || f.name === 'chmod') || i.json !== null || i.heredocs.length > 0 || i.args.length < 2) return null;
    const dest = i.args[i.args.length - 1]!.value;
    if (dest.includes('$') || !under(normPath(dest, workdirAt(stage, i)), dir)) return null;
  }

  const runs = build.filter((i) => i.keyword === 'RUN').map((i) => analysis.runs.find((r) => r.inst === i));
  let install: Instruction | null = null;
  let prune = false;
  let buildsAfterInstall = false;
  let installsPackages = false;
  const policy = { dir, buildPackage: nodeBuildPackage, program: nodeProgram };
  for (const run of runs) {
    if (!run || !prepOnly(run, workdirAt(stage, run.inst), policy)) return null;
    for (const c of run.commands) {
      if (c.name === 'apt-get' || c.name === 'apt' || c.name === 'apk') installsPackages = true;
      const cacheCleanup = c.name === 'rm' || (c.name === 'npm' && positionals(c)[0]?.text === 'cache');
      if (install !== null && !cacheCleanup && !npmInstall(c)) buildsAfterInstall = true;
      if (!npmInstall(c)) continue;
      install = run.inst;
      const production = hasOption(c, ['production', 'omit', 'only']) || c.assignments.get('NODE_ENV') === 'production' ||
        build.some((e) => e.keyword === 'ENV' && e.index < run.inst.index && e.properties.some((p) => p.name === 'NODE_ENV' && p.value === 'production'));
      if (!production) prune = true;
    }
  }
  if (install === null || !(buildsAfterInstall || installsPackages)) return null;

  const builder = builderOf(model, stage);
  if (!builder) return null;
  // --omit=dev needs npm 7 (Node 15); --production works on every npm (with a warning from npm 9 on),
  // so it is the choice unless the official node image's tag proves a newer npm
  const ref = parseImageRef(stage.image);
  // (a digest alone names no release: no tag there is not `latest`)
  const omit = ref.official && ref.name === 'node' && (ref.tag !== null || ref.digest === null) && npmKnowsOmit(ref.tag);
  const pruneLine = `RUN npm prune ${omit ? '--omit=dev' : '--production'}`;
  const from = fromLine(text, stage);
  const lines = [
    ...(prune ? [pruneLine] : []),
    from,
    ...build.filter((i) => REPLAYED.has(i.keyword)).map((i) => verbatim(text, i)),
    `WORKDIR ${dir}`,
    `COPY --from=${builder.name} ${dir} ${dir}`,
  ];
  return [...(builder.edit ? [builder.edit] : []), insertAfter(text, insts[last]!, lines)];
}
