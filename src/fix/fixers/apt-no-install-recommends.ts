// Fixer for apt-no-install-recommends, whose lint rule reports the `apt-get`/`apt` word without a
// fix: insert ` --no-install-recommends` after the `install` verb of that command. Only looks at the
// rest of the reported command's line (up to `;`, `&`, `|` or the line end); when the verb is not
// there (for example on a continuation line) it offers no fix rather than guess.
import type { Diagnostic, Edit } from '../../lint/types.js';

export function fixAptNoInstallRecommends(text: string, d: Diagnostic): Edit[] | null {
  const from = d.offsets[1];
  const m = /^[^;&|\r\n]*?[ \t](install)(?=[ \t\r\n;&|]|$)/.exec(text.slice(from));
  if (!m) return null;
  const at = from + m[0].length;
  return [{ range: [at, at], text: ' --no-install-recommends' }];
}
