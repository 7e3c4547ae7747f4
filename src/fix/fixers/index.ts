// Fixers for lint rules that report without a fix of their own, keyed by rule id. Each one turns a
// diagnostic (its document offsets) into edits, or null when it cannot fix that occurrence safely.
// A fixer that removes or merges RUN instructions says so with `reshapes: 'runs'`; one that may
// change the stages or instructions in any way (the structural fixes) with `reshapes: 'any'`. The
// engine checks every other fix keeps the instruction structure exactly (see engine.ts).
import type { Diagnostic, Edit } from '../../lint/types.js';
import { vetoAddInsteadOfCopy } from './add-instead-of-copy.js';
import { fixAptListsNotRemoved } from './apt-lists-not-removed.js';
import { fixAptNoInstallRecommends } from './apt-no-install-recommends.js';
import { fixConsecutiveRun } from './consecutive-run.js';
import { vetoJsonArgs } from './json-args-recommended.js';
import { fixNodePackageCache } from './node-package-cache.js';
import { fixRecursiveChownAfterCopy } from './recursive-chown-after-copy.js';

/** Reshape says which instruction-structure changes a fixer's edits may make. */
export type Reshape = 'runs' | 'any';

export type ExternalFixer = ((text: string, d: Diagnostic) => Edit[] | null) & { reshapes?: Reshape };

/** reshaping marks a fixer as one that removes or merges instructions. */
function reshaping(f: (text: string, d: Diagnostic) => Edit[] | null, reshapes: Reshape): ExternalFixer {
  return Object.assign(f, { reshapes });
}

export const FIXERS: Readonly<Record<string, ExternalFixer>> = {
  'apt-no-install-recommends': fixAptNoInstallRecommends,
  'apt-lists-not-removed': fixAptListsNotRemoved,
  'node-package-cache': fixNodePackageCache,
  'consecutive-run': reshaping(fixConsecutiveRun, 'runs'),
  'recursive-chown-after-copy': reshaping(fixRecursiveChownAfterCopy, 'runs'),
};

/** VETOES drop a lint rule's own fix for an occurrence where it would not be the same build. */
export const VETOES: Readonly<Record<string, (text: string, d: Diagnostic) => boolean>> = {
  'json-args-recommended': vetoJsonArgs,
  'add-instead-of-copy': vetoAddInsteadOfCopy,
};
