import rule from './run-cd.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM debian:12\nWORKDIR /src\nRUN make',
    { name: 'cd later in the chain (a temporary directory)', code: 'FROM debian:12\nRUN mkdir /tmp/b && cd /tmp/b && cmake /src' },
    { name: 'cd inside a subshell', code: 'FROM debian:12\nRUN (cd /src && make) && make -C /x' },
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN cd /src && make', errors: [{ messageId: 'leading', line: 2, column: 5, data: { dir: '/src' } }] },
    { code: 'FROM debian:12\nRUN cd /src', errors: [{ messageId: 'alone', line: 2, data: { dir: '/src' } }] },
  ],
});
