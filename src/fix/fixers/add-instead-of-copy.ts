// Guard for add-instead-of-copy, whose lint rule rewrites ADD to COPY itself: ADD unpacks every
// local tar archive it copies as a file, whatever its name. A wildcard source (`ADD * /app/`,
// `ADD pkg-? /opt/`) can match archives the rule cannot see by name, so the rewrite is vetoed there.
// (A file whose name does not look like an archive but is one stays the rule's known blind spot.)
import type { Diagnostic } from '../../lint/types.js';
import { factsOf } from './_shared.js';

/** vetoAddInsteadOfCopy is true when a source of the ADD is a wildcard. */
export function vetoAddInsteadOfCopy(text: string, d: Diagnostic): boolean {
  const facts = factsOf(text);
  const inst = facts.model.instructions.find((i) => i.keywordSpan.start === d.offsets[0]);
  if (!inst || inst.keyword !== 'ADD') return false;
  const args = inst.json ?? inst.args;
  return args.slice(0, -1).some((s) => /[*?[]/.test(s.value));
}
