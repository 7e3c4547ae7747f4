import rule from './tls-verification-disabled.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'pip config of something else', code: 'FROM python:3.12-slim\nRUN pip config set global.index-url https://pypi.example.com/simple' },
    'FROM fedora:40\nRUN dnf config-manager --setopt=myrepo.sslverify=true --save',
    'FROM debian:12\nRUN curl -fsSL https://x.io/a -o a',
    'FROM node:20-slim\nENV NODE_TLS_REJECT_UNAUTHORIZED=1',
    'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl',
    { name: '-k in a non-curl command', code: 'FROM debian:12\nRUN ls -k' },
  ],
  invalid: [
    { name: 'pip config set global.trusted-host', code: 'FROM python:3.12-slim\nRUN pip config set global.trusted-host pypi.example.com', errors: [{ messageId: 'command', line: 2, data: { what: 'pip --trusted-host' } }] },
    { name: 'python -m pip --trusted-host', code: 'FROM python:3.12-slim\nRUN python3 -m pip install --trusted-host pypi.example.com flask', errors: [{ messageId: 'command', line: 2 }] },
    { name: 'export in a RUN', code: 'FROM node:20-slim\nRUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci', errors: [{ messageId: 'env', line: 2, data: { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0', persist: '' } }] },
    { name: 'GIT_SSL_NO_VERIFY with any value', code: 'FROM debian:12\nENV GIT_SSL_NO_VERIFY=0', errors: [{ messageId: 'env', line: 2 }] },
    { name: 'yum-config-manager with a repo-scoped sslverify=no', code: 'FROM centos:7\nRUN yum-config-manager --save --setopt=base.sslverify=no', errors: [{ messageId: 'command', line: 2 }] },
    { name: 'dnf config-manager sslverify=false', code: 'FROM fedora:40\nRUN dnf config-manager --save --setopt=sslverify=false', errors: [{ messageId: 'command', line: 2 }] },
    { name: 'rpm --noverify', code: 'FROM fedora:40\nRUN rpm -i --noverify /tmp/x.rpm', errors: [{ messageId: 'command', line: 2, data: { what: 'rpm --noverify' } }] },
    { name: 'tdnf --nogpgcheck', code: 'FROM photon:5.0\nRUN tdnf install -y --nogpgcheck x', errors: [{ messageId: 'command', line: 2 }] },
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
