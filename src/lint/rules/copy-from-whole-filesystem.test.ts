import rule from './copy-from-whole-filesystem.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /app /app', 'FROM scratch\nCOPY / /x', 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /etc/ssl/certs /etc/ssl/certs'],
  invalid: [
    { code: 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b / /', errors: [{ messageId: 'whole', line: 3, column: 15, data: { from: 'b' } }] },
    { code: 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b ["/", "/"]', errors: [{ messageId: 'whole', line: 3 }] },
  ],
});
