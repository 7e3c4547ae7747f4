// Structural fix for build-tools-in-final-stage in a single Python stage that installs a compiler (or
// headers) to build its pip dependencies: the stage becomes the builder (`AS build`), which creates a
// virtual environment at /opt/venv first and pip-installs into it; a new final stage on the same image
// gets the venv (COPY --from, PATH first) and replays every instruction before the last pip RUN
// except RUNs: ARG, ENV, WORKDIR, COPY, ADD, LABEL, EXPOSE, … verbatim and in order, so the app's
// files and config are as before. The compilers, headers and apt lists stop shipping.
// Declined unless all of this holds: the file's last stage, not FROM another stage; every RUN up to
// the last pip install only installs build packages (C toolchains, git, and the -dev packages whose
// libraries Python itself links: its headers, libffi, OpenSSL, zlib, bz2, lzma, sqlite, readline,
// ncurses, gdbm, uuid, expat: any other -dev package's library would be missing at run time), runs
// pip installs into the environment (no --user, --target, --prefix, --root, editable), or removes
// caches; no venv of its own; no USER, SHELL, ONBUILD or VOLUME before the split; nothing after it
// pip-installs, compiles, or names the image's own python by absolute path (it would miss the venv).
// python3 comes from the image, so the final stage has the same interpreter the venv points at.
import type { Edit, Facts } from '../types.js';
import type { ShellCommand } from '../../shell/commands.js';
import { hasOption, pipInstall } from '../helpers.js';
import { builderOf, fromLine, splitTarget, splittable, insertAfter, prepOnly, verbatim, workdirAt } from './split-stage.js';
import { isCBuildPackage } from '../../knowledge/toolchains.js';

export const VENV = '/opt/venv';
const PYTHON_LINKED_DEV = /^(?:python3?(?:\.\d+)?-dev|libpython3[\d.]*-dev|libffi-dev|libssl-dev|openssl-dev|zlib1g-dev|zlib-dev|libbz2-dev|bzip2-dev|liblzma-dev|xz-dev|libsqlite3-dev|sqlite-dev|libreadline-dev|readline-dev|libncursesw?[56]?-dev|ncurses-dev|libgdbm-dev|gdbm-dev|uuid-dev|util-linux-dev|libexpat1-dev|expat-dev)$/;
const buildPackage = (p: string): boolean => isCBuildPackage(p) || p === 'git' || PYTHON_LINKED_DEV.test(p);
const COMPILERS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'make', 'cmake', 'ld', 'git']);
const SYSTEM_PYTHON = /(?:^|[\s"'[,=])\/usr(?:\/local)?\/bin\/python/;

/** pipIntoEnv: a pip install that lands in the active environment (or another pip command). */
function pipProgram(c: ShellCommand): boolean | undefined {
  if (!/^(?:pip\d?(?:\.\d+)?|python\d?(?:\.\d+)?)$/.test(c.name)) return undefined;
  if (c.words[0]!.text.startsWith('/')) return false;
  if (!pipInstall(c)) return false;
  return !hasOption(c, ['user', 'target', 'prefix', 'root', 'editable'], 'te');
}

export function fixPythonMultiStage(facts: Facts, offset: number, messageId: string): Edit[] | null {
  const text = facts.model.text;
  if (messageId !== 'package') return null;
  const target = splitTarget(facts, offset);
  if (!target) return null;
  const { stage, flagged } = target;
  const { model, analysis } = facts;
  const insts = stage.instructions.slice(1);
  const runOf = (i: (typeof insts)[number]) => analysis.runs.find((r) => r.inst === i);
  const pipAt = insts.map((i) => (i.keyword === 'RUN' ? (runOf(i)?.commands.some(pipInstall) ?? false) : false)).lastIndexOf(true);
  if (pipAt < 0) return null;
  const build = insts.slice(0, pipAt + 1);
  const after = insts.slice(pipAt + 1);
  if (!splittable(build, after)) return null;
  if (!build.includes(flagged.inst)) return null;
  const policy = { dir: VENV, buildPackage, program: pipProgram };
  for (const i of build) {
    if (i.keyword !== 'RUN') continue;
    const run = runOf(i);
    if (!run || !prepOnly(run, workdirAt(stage, i), policy)) return null;
  }
  for (const i of after) {
    if (i.keyword !== 'RUN') continue;
    const run = runOf(i);
    if (!run || !run.shell || run.commands.some((c) => pipInstall(c) || COMPILERS.has(c.name) || /^(?:python\d?(?:\.\d+)?)$/.test(c.name) && c.words.some((w) => w.text === 'venv'))) return null;
  }
  if (insts.some((i) => SYSTEM_PYTHON.test(verbatim(text, i)))) return null;

  const builder = builderOf(model, stage);
  if (!builder) return null;
  const from = fromLine(text, stage);
  const path = `ENV PATH="${VENV}/bin:$PATH"`;
  const lines = [
    from,
    ...build.filter((i) => i.keyword !== 'RUN').map((i) => verbatim(text, i)),
    `COPY --from=${builder.name} ${VENV} ${VENV}`,
    path,
  ];
  return [
    ...(builder.edit ? [builder.edit] : []),
    insertAfter(text, stage.from, [`RUN python3 -m venv ${VENV}`, path]),
    insertAfter(text, insts[pipAt]!, lines),
  ];
}
