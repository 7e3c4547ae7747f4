import rule from './copy-from-whole-filesystem.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a stage the --target does not build', target: 'a', code: 'FROM debian:12 AS a\nRUN echo\nFROM scratch AS b\nCOPY --from=a / /' },
    { name: 'a stage that does not ship', code: 'FROM debian:12 AS a\nRUN echo\nFROM debian:12 AS b\nCOPY --from=a / /rootfs\nFROM debian:12-slim\nCOPY --from=b /rootfs/etc/os-release /x' },'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /app /app', 'FROM scratch\nCOPY / /x', 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /etc/ssl/certs /etc/ssl/certs'],
  invalid: [
    { code: 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b / /', errors: [{ messageId: 'whole', line: 3, column: 15, data: { from: 'b' } }] },
    { code: 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b ["/", "/"]', errors: [{ messageId: 'whole', line: 3 }] },
  ],
});
