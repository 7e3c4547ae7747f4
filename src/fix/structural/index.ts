// The structural fixes of `whittle fix --unsafe` (or `--rule <id>`), keyed by the lint rule whose
// finding they fix. They change instructions, not only arguments (`reshapes: 'any'`); the engine
// still rejects a pass whose output does not parse or lints worse, and `--verify` builds both.
import type { ExternalFixer } from '../fixers/index.js';
import { fixCacheOrder } from './cache-order.js';
import { fixGoMultiStage } from './multi-stage-go.js';
import { fixNodeMultiStage } from './multi-stage-node.js';
import { fixPythonMultiStage } from './multi-stage-python.js';
import { fixNonRootUser } from './non-root-user.js';
import { fixSlimBase } from './slim-base.js';

/** The multi-stage split for the language the stage builds: Go, Node (npm) or Python (pip). */
function fixMultiStage(text: string, d: Parameters<ExternalFixer>[1]): ReturnType<ExternalFixer> {
  return fixGoMultiStage(text, d) ?? fixNodeMultiStage(text, d) ?? fixPythonMultiStage(text, d);
}

const any = (f: (text: string, d: Parameters<ExternalFixer>[1]) => ReturnType<ExternalFixer>): ExternalFixer => Object.assign(f, { reshapes: 'any' as const });

/** In the order they apply, one per pass: the multi-stage split first (it changes the final base), the user last. */
export const STRUCTURAL_FIXES: Readonly<Record<string, ExternalFixer>> = {
  'build-tools-in-final-stage': any(fixMultiStage),
  'heavy-base-image': any(fixSlimBase),
  'copy-before-dependency-install': any(fixCacheOrder),
  'root-user': any(fixNonRootUser),
};
