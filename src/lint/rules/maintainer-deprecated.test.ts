import rule from './maintainer-deprecated.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM debian:12\nLABEL org.opencontainers.image.authors="me@example.com"'],
  invalid: [
    {
      code: 'FROM debian:12\nMAINTAINER Jane Doe <jane@example.com>',
      errors: [{ messageId: 'deprecated', line: 2, column: 1 }],
      output: 'FROM debian:12\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
    },
  ],
});
