import rule from './unknown-syntax.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'ARG V=1\nFROM debian:12',
    'FROM debian:12\nRUN --mount=type=cache,target=/x --network=none true\nCOPY --link --chmod=755 --parents a /b',
    'FROM debian:12\nADD --checksum=sha256:abc --keep-git-dir=true https://x/a.git /a',
    'FROM debian:12\nHEALTHCHECK --interval=5s --start-interval=1s CMD ["true"]',
  ],
  invalid: [
    { code: 'FROM debian:12\nFROBNICATE all the things\nRUN true', errors: [{ messageId: 'instruction', line: 2, column: 1, data: { keyword: 'FROBNICATE' } }] },
    { code: 'FROM debian:12\nCOPY --frobnicate=1 a b', errors: [{ messageId: 'flag', line: 2, column: 6, data: { flag: 'frobnicate', keyword: 'COPY', known: '--from, --chown, --chmod, --link, --parents, --exclude' } }] },
    { code: 'RUN true', errors: [{ messageId: 'beforeFrom', line: 1 }, { messageId: 'noFrom', line: 1 }] },
  ],
});
