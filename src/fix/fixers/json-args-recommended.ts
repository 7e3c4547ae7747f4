// Guard for json-args-recommended, whose lint rule fixes shell-form CMD/ENTRYPOINT itself: a
// shell-form ENTRYPOINT ignores CMD (`/bin/sh -c "app --flag" x` runs `app --flag`), while the exec
// form appends it (`app --flag x`). So the exec-form rewrite of an ENTRYPOINT is vetoed when its
// stage has a CMD instruction (a CMD inherited from the base image is reset by ENTRYPOINT, so only
// the stage's own CMD counts). CMD rewrites are always kept.
import type { Diagnostic } from '../../lint/types.js';
import { factsOf } from './_shared.js';

/** vetoJsonArgs is true when the rule's fix would change the command a container runs. */
export function vetoJsonArgs(text: string, d: Diagnostic): boolean {
  const facts = factsOf(text);
  const inst = facts.model.instructions.find((i) => i.keywordSpan.start === d.offsets[0]);
  if (!inst || inst.keyword !== 'ENTRYPOINT') return false;
  const stage = facts.model.stages[inst.stage];
  return stage !== undefined && stage.instructions.some((i) => i.keyword === 'CMD');
}
