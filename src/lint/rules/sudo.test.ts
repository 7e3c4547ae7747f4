import rule from './sudo.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a sudoers rule with a password', code: "FROM debian:12-slim\nRUN echo 'app ALL=(ALL) ALL' >> /etc/sudoers" },'FROM debian:12\nRUN apt-get install -y sudo', 'FROM debian:12\nRUN echo sudo'],
  invalid: [
    { name: 'NOPASSWD through tee into sudoers.d', code: "FROM debian:12-slim\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' | tee /etc/sudoers.d/app", errors: [{ messageId: 'nopasswd', line: 2, data: { file: '/etc/sudoers.d/app' } }] },
    { name: 'a NOPASSWD rule for a group', code: 'FROM debian:12\nRUN echo "%wheel ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers', errors: [{ messageId: 'nopasswd', line: 2 }] },
    { name: 'NOPASSWD appended to /etc/sudoers', code: "FROM debian:12-slim\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers", errors: [{ messageId: 'nopasswd', line: 2, data: { file: '/etc/sudoers' } }] },
    { code: 'FROM debian:12\nRUN sudo apt-get update', errors: [{ messageId: 'sudo', line: 2, column: 5 }] },
    { code: 'FROM debian:12\nRUN make && sudo -E make install', errors: [{ messageId: 'sudo', line: 2, column: 13 }] },
  ],
});
