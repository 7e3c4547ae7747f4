import rule, { worldWritable } from './world-writable.js';
import { ruleTester } from '../testing.js';
import { describe, expect, it } from 'vitest';

ruleTester(rule, {
  valid: [
    'FROM debian:12-slim\nRUN chmod 755 /usr/local/bin/app',
    { name: 'the sticky-bit /tmp convention', code: 'FROM debian:12-slim\nRUN mkdir -p /scratch && chmod 1777 /scratch' },
    { name: 'owner and group write only', code: 'FROM debian:12-slim\nRUN chmod -R g+w,u+w /app && chmod 664 /app/x' },
    { name: 'a build-only stage', code: 'FROM debian:12 AS build\nRUN chmod -R 777 /src\nFROM debian:12-slim\nCOPY --from=build /src/out /out' },
  ],
  invalid: [
    { code: 'FROM debian:12-slim\nRUN chmod -R 777 /app', errors: [{ messageId: 'chmod', line: 2, column: 5, data: { command: 'chmod -R 777', target: '/app' } }] },
    { name: 'symbolic o+w', code: 'FROM debian:12-slim\nRUN chmod o+w /etc/app.conf', errors: [{ messageId: 'chmod', line: 2, data: { command: 'chmod o+w', target: '/etc/app.conf' } }] },
    { name: 'COPY --chmod', code: 'FROM debian:12-slim\nCOPY --chmod=666 app.conf /etc/app.conf', errors: [{ messageId: 'chmod', line: 2, data: { command: 'COPY --chmod=666', target: '/etc/app.conf' } }] },
  ],
});

describe('worldWritable', () => {
  it.each([
    ['777', true], ['0777', true], ['666', true], ['1777', false], ['755', false], ['775', false], ['o+w', true], ['a+rwx', true], ['+w', true], ['u+w', false], ['g+w', false], ['go-w', false], ['o+t', false], ['a+rwt', false],
  ])('%s → %s', (mode, want) => expect(worldWritable(mode)).toBe(want));
});
