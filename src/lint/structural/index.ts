// The structural rewrites that rules offer as suggestions (applied by `whittle fix --unsafe`, or
// `--rule <id>`). They change instructions, not only arguments; the fix engine applies one per pass
// in SUGGESTION_ORDER, rejects a pass whose output does not parse or lints worse, and `--verify`
// builds both. Each takes the file's facts and the report's offset and messageId, and returns
// edits, or null where the rewrite would not be the same app.
import type { Edit, Facts } from '../types.js';
import { fixGoMultiStage } from './multi-stage-go.js';
import { fixNodeMultiStage } from './multi-stage-node.js';
import { fixPythonMultiStage } from './multi-stage-python.js';

export { fixCacheOrder as suggestCacheOrder } from './cache-order.js';
export { fixNonRootUser as suggestNonRootUser } from './non-root-user.js';
export { fixSlimBase as suggestSlimBase } from './slim-base.js';

/** suggestMultiStage is the multi-stage split for the language the stage builds: Go, Node (npm) or Python (pip). */
export function suggestMultiStage(facts: Facts, offset: number, messageId: string): Edit[] | null {
  return fixGoMultiStage(facts, offset, messageId) ?? fixNodeMultiStage(facts, offset, messageId) ?? fixPythonMultiStage(facts, offset, messageId);
}
