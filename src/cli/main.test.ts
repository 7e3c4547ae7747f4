import { describe, expect, it } from 'vitest';
import { usageLine } from './main.js';

describe('usageLine', () => {
  it.each([
    ["error: unknown option '--jsn'\n(Did you mean --json?)", 'analyze', "whittle: unknown option '--jsn'; did you mean --json? (see whittle analyze --help)\n"],
    ["error: missing required argument 'image'", 'ls', "whittle: missing required argument 'image' (see whittle ls --help)\n"],
    ["error: option '--compression <type>' argument 'x' is invalid. Allowed choices are auto, gzip, none.", 'strip', "whittle: option '--compression <type>' argument 'x' is invalid; allowed choices are auto, gzip, none (see whittle strip --help)\n"],
    ["error: unknown command 'fxi'\n(Did you mean fix?)", undefined, "whittle: unknown command 'fxi'; did you mean fix? (see whittle --help)\n"],
    ["error: too many arguments for 'analyze'. Expected 1 argument but got 2.", 'analyze', "whittle: too many arguments for 'analyze'; expected 1 argument but got 2 (see whittle analyze --help)\n"],
  ])('%j', (message, command, want) => {
    expect(usageLine(message, command)).toBe(want);
  });
});
