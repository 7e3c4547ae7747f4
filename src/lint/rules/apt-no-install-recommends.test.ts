import rule from './apt-no-install-recommends.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a dry run installs nothing', code: 'FROM debian:12\nRUN apt-get install -s curl && apt-get --simulate install git' },
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
    'FROM debian:12\nRUN apt-get install -o APT::Install-Recommends=false -y curl',
    { name: 'configured in apt.conf.d by an earlier RUN', code: 'FROM debian:12\nRUN echo \'APT::Install-Recommends "false";\' > /etc/apt/apt.conf.d/norecs\nRUN apt-get install -y curl' },
    { name: 'build-only stage', code: 'FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a' },
    'FROM debian:12\nRUN apt-get update',
  ],
  invalid: [
    { name: 'ca-certificates already named', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y ca-certificates curl && curl -fsSLO https://example.com/x\n', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y ca-certificates curl && curl -fsSLO https://example.com/x\n' },
    { name: 'a later RUN of the stage clones over https', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y git\nRUN git clone https://example.com/r.git /src\n', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y git ca-certificates\nRUN git clone https://example.com/r.git /src\n' },
    { name: 'a later HTTPS download in the RUN: ca-certificates (a Recommends) is named so it still works', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && curl -fsSLO https://example.com/x.tgz\n', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl ca-certificates && curl -fsSLO https://example.com/x.tgz\n' },
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl', errors: [{ messageId: 'missing', line: 2, column: 23 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl' },
    { name: 'apt (not apt-get)', code: 'FROM ubuntu:24.04\nRUN apt install -y curl', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM ubuntu:24.04\nRUN apt install --no-install-recommends -y curl' },
    { name: 'with sudo prefix', code: 'FROM ubuntu:24.04\nRUN sudo apt-get install -y curl', errors: [{ messageId: 'missing', line: 2, column: 10 }], output: 'FROM ubuntu:24.04\nRUN sudo apt-get install --no-install-recommends -y curl' },
  ],
});
