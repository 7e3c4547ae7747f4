import rule from './consecutive-run.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'build-only stage: its layers do not ship', code: 'FROM debian:12 AS build\nRUN a\nRUN b\nFROM scratch\nCOPY --from=build /out /out' },
    'FROM debian:12\nRUN a && b',
    'FROM debian:12\nRUN a\nWORKDIR /x\nRUN b',
    { name: 'different mounts cannot simply merge', code: 'FROM debian:12\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN npm run build' },
    { name: 'RUNs in different stages', code: 'FROM debian:12 AS a\nRUN a\nFROM debian:12\nRUN b' },
  ],
  invalid: [
    { name: 'the stage the final one is built FROM ships', code: 'FROM debian:12 AS base\nRUN a\nRUN b\nFROM base\nUSER 1000', errors: [{ messageId: 'merge', line: 3 }], output: 'FROM debian:12 AS base\nRUN a \\\n    && b\nFROM base\nUSER 1000' },
    { code: 'FROM debian:12\nRUN a\nRUN b', errors: [{ messageId: 'merge', line: 3, column: 1, data: { count: 2 } }], output: 'FROM debian:12\nRUN a \\\n    && b' },
    { name: 'comments between RUNs do not break the run', code: 'FROM debian:12\nRUN a\n# b next\nRUN b\nRUN c', errors: [{ messageId: 'merge', line: 4, data: { count: 3 } }], output: 'FROM debian:12\nRUN a \\\n# b next\n    && b \\\n    && c' },
  ],
});
