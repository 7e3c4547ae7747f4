// The structural fixes of `whittle fix --unsafe` (or `--rule <id>`), keyed by the lint rule whose
// finding they fix. They change instructions, not only arguments (`reshapes: 'any'`); the engine
// still rejects a pass whose output does not parse or lints worse, and `--verify` builds both.
import type { ExternalFixer } from '../fixers/index.js';
import { fixCacheOrder } from './cache-order.js';
import { fixNonRootUser } from './non-root-user.js';
import { fixSlimBase } from './slim-base.js';

const any = (f: (text: string, d: Parameters<ExternalFixer>[1]) => ReturnType<ExternalFixer>): ExternalFixer => Object.assign(f, { reshapes: 'any' as const });

export const STRUCTURAL_FIXES: Readonly<Record<string, ExternalFixer>> = {
  'root-user': any(fixNonRootUser),
  'heavy-base-image': fixSlimBase,
  'copy-before-dependency-install': any(fixCacheOrder),
};
