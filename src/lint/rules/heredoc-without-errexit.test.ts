import rule from './heredoc-without-errexit.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'SHELL with -e inherited from the base stage', code: 'FROM debian:12 AS base\nSHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\nFROM base\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n' },
    { name: 'SHELL with -o errexit', code: 'FROM debian:12\nSHELL ["/bin/sh", "-o", "errexit", "-c"]\nRUN <<EOF\na\nb\nEOF\n' },
    'FROM debian:12\nRUN <<EOF\nset -eux\napt-get update\napt-get install -y curl\nEOF\n',
    'FROM debian:12\nRUN <<EOF bash -e\napt-get update\napt-get install -y curl\nEOF\n',
    { name: 'one command', code: 'FROM debian:12\nRUN <<EOF\napt-get update && apt-get install -y curl\nEOF\n' },
    { name: 'a && chain fails as a whole', code: 'FROM debian:12\nRUN <<EOF\napt-get update &&\n  apt-get install -y curl\nEOF\n' },
    { name: 'SHELL with -e', code: 'FROM debian:12\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN <<EOF\na\nb\nEOF\n' },
    { name: 'heredoc as data', code: 'FROM debian:12\nRUN cat <<EOF > /etc/x\na\nb\nEOF\n' },
    { name: 'not a heredoc', code: 'FROM debian:12\nRUN a; b' },
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n',
      errors: [{ messageId: 'missing', line: 2, column: 1, data: { count: 2, first: 'apt-get update' } }],
    },
    { name: 'sh heredoc command without -e', code: 'FROM debian:12\nRUN <<EOT sh\nmake\nmake install\nEOT\n', errors: [{ messageId: 'missing', line: 2 }] },
  ],
});
