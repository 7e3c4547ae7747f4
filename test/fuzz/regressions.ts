// Every input the fuzzing suite ever broke whittle with, written out as code (not as a seed: the
// generators may change, these inputs may not), each with the defect it found. fuzz.test.ts runs
// them all on every `npm test`.
import type { Command, Input } from './cases.js';
import type { Outcome } from './harness.js';

export interface Regression {
  name: string;
  command: Command;
  input: () => Input;
  /** further checks on the outcome beyond the property. */
  expect?: (o: Outcome) => void;
}

export const REGRESSIONS: Regression[] = [];
