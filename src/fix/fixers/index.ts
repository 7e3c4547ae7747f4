// Fixers for lint rules that report without a fix of their own, keyed by rule id. Each one turns a
// diagnostic (its document offsets) into edits, or null when it cannot fix that occurrence safely.
import type { Diagnostic, Edit } from '../../lint/types.js';
import { fixAptNoInstallRecommends } from './apt-no-install-recommends.js';

export type ExternalFixer = (text: string, d: Diagnostic) => Edit[] | null;

export const FIXERS: Readonly<Record<string, ExternalFixer>> = {
  'apt-no-install-recommends': fixAptNoInstallRecommends,
};
