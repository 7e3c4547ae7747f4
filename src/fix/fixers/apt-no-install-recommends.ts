// Fixer for apt-no-install-recommends, whose lint rule reports the `apt-get`/`apt` word without a
// fix: insert ` --no-install-recommends` right after that command's `install` word, wherever the word
// is (also on a continuation line). Offers no fix when the reported word is not the program of an
// `install` command of the shell analysis (for example an exec-form RUN).
import { aptVerb, positionals } from '../../lint/helpers.js';
import type { Diagnostic, Edit } from '../../lint/types.js';
import { commandAt, factsOf, runAt } from './_shared.js';

const APT_VALUE_OPTS = ['-o', '-c', '-t', '--option', '--config-file', '--target-release'];

export function fixAptNoInstallRecommends(text: string, d: Diagnostic): Edit[] | null {
  const facts = factsOf(text);
  const run = runAt(facts, d.offsets[0]);
  const cmd = run && commandAt(run, d.offsets[0]);
  if (!run || !cmd || run.inst.json !== null || aptVerb(cmd) !== 'install') return null;
  const install = positionals(cmd, APT_VALUE_OPTS)[0];
  if (!install || !install.literal || install.text !== 'install') return null;
  return [{ range: [install.span.end, install.span.end], text: ' --no-install-recommends' }];
}
