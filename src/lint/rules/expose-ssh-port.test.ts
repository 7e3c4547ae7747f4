import rule from './expose-ssh-port.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM nginx:1.27\nEXPOSE 80 443', 'FROM nginx:1.27\nEXPOSE 22/udp', 'FROM nginx:1.27\nEXPOSE 2222'],
  invalid: [
    { code: 'FROM debian:12\nEXPOSE 80 22', errors: [{ messageId: 'ssh', line: 2, column: 11, data: { port: '22' } }] },
    { code: 'FROM debian:12\nEXPOSE 20-25/tcp', errors: [{ messageId: 'ssh', line: 2 }] },
  ],
});
