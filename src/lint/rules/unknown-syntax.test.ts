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
    // shell analysis is bounded: a RUN past the bounds gets a note, and the RUN after it is still linted
    {
      code: `FROM debian:12\nRUN ${'('.repeat(401)}true${')'.repeat(401)}\nRUN frobnicate --x`,
      errors: [{ messageId: 'runTooDeep', line: 2, column: 1, data: { limit: '400' } }],
    },
    {
      code: `FROM debian:12\nRUN ${'echo y\n'.repeat(4000)}\nCOPY --frobnicate=1 a b`.replace(/\n(?=echo)/g, ' && \\\n'),
      errors: [
        { messageId: 'runTooBig', line: 2, column: 1, data: { limit: '262,144', line: '32,768' } },
        { messageId: 'flag', line: 4003, column: 6 },
      ],
    },
    {
      code: `FROM debian:12\nRUN cat <<EOF\n${'y'.repeat(32 * 1024 + 1)}\nEOF\nRUN frobnicate --x`,
      errors: [{ messageId: 'runTooBig', line: 2, column: 1, data: { limit: '262,144', line: '32,768' } }],
    },
    { code: `FROM debian:12\nRUN cat <<EOF\n${'y'.repeat(32 * 1024)}\nEOF\nRUN frobnicate --x --y`, errors: [] },
  ],
});
