import rule from './sudo.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM debian:12\nRUN apt-get install -y sudo', 'FROM debian:12\nRUN echo sudo', 'FROM debian:12\nRUN echo "%wheel ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers'],
  invalid: [
    { code: 'FROM debian:12\nRUN sudo apt-get update', errors: [{ messageId: 'sudo', line: 2, column: 5 }] },
    { code: 'FROM debian:12\nRUN make && sudo -E make install', errors: [{ messageId: 'sudo', line: 2, column: 13 }] },
  ],
});
