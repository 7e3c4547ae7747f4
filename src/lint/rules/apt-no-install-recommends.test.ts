import rule from './apt-no-install-recommends.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
    'FROM debian:12\nRUN apt-get install -o APT::Install-Recommends=false -y curl',
    { name: 'configured in apt.conf.d by an earlier RUN', code: 'FROM debian:12\nRUN echo \'APT::Install-Recommends "false";\' > /etc/apt/apt.conf.d/norecs\nRUN apt-get install -y curl' },
    { name: 'build-only stage', code: 'FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a' },
    'FROM debian:12\nRUN apt-get update',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl', errors: [{ messageId: 'missing', line: 2, column: 23 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl' },
    { name: 'apt (not apt-get)', code: 'FROM ubuntu:24.04\nRUN apt install -y curl', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM ubuntu:24.04\nRUN apt install --no-install-recommends -y curl' },
    { name: 'with sudo prefix', code: 'FROM ubuntu:24.04\nRUN sudo apt-get install -y curl', errors: [{ messageId: 'missing', line: 2, column: 10 }], output: 'FROM ubuntu:24.04\nRUN sudo apt-get install --no-install-recommends -y curl' },
  ],
});
