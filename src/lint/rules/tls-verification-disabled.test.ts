import rule from './tls-verification-disabled.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM debian:12\nRUN curl -fsSL https://x.io/a -o a',
    'FROM node:20-slim\nENV NODE_TLS_REJECT_UNAUTHORIZED=1',
    'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl',
    { name: '-k in a non-curl command', code: 'FROM debian:12\nRUN ls -k' },
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN curl -kfsSL https://x.io/a -o a', errors: [{ messageId: 'command', line: 2, column: 10, data: { what: 'curl --insecure/-k' } }] },
    { code: 'FROM debian:12\nRUN wget --no-check-certificate https://x.io/a', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM debian:12\nRUN apt-get install -y --allow-unauthenticated x', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/x.apk', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM node:20-slim\nRUN npm config set strict-ssl false', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM python:3.12-slim\nRUN pip install --trusted-host pypi.org flask', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM fedora:40\nRUN dnf install -y --nogpgcheck x', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM debian:12\nRUN git config --global http.sslVerify false', errors: [{ messageId: 'command', line: 2 }] },
    { code: 'FROM node:20-slim\nENV NODE_TLS_REJECT_UNAUTHORIZED=0', errors: [{ messageId: 'env', line: 2, column: 5, data: { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0', persist: ' and in every container run from the image' } }] },
    { code: 'FROM node:20-slim\nRUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci', errors: [{ messageId: 'env', line: 2 }] },
  ],
});
