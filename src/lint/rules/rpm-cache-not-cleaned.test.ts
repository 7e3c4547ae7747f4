import rule from './rpm-cache-not-cleaned.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'heredoc with clean after the install', code: 'FROM fedora:40\nRUN <<EOF\nset -e\ndnf install -y gcc\ndnf clean all\nEOF\n' },
    'FROM centos:7\nRUN yum install -y httpd && yum clean all',
    'FROM fedora:40\nRUN dnf install -y gcc && dnf clean all && rm -rf /var/cache/dnf',
    'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar && microdnf clean all',
    'FROM opensuse/leap:15\nRUN zypper -n install curl && zypper clean --all',
    { name: 'cache mount', code: 'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y gcc' },
    'FROM fedora:40\nRUN dnf install -y gcc && rm -rf /var/cache/dnf/*',
  ],
  invalid: [
    { name: 'build-only stage gets cache-mount advice', code: 'FROM fedora:40 AS build\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=build /out /out', errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }] },
    { code: 'FROM centos:7\nRUN yum install -y httpd', errors: [{ messageId: 'missing', line: 2, column: 5, data: { manager: 'yum', cache: '/var/cache/yum', clean: 'yum clean all' } }] },
    { name: 'clean before install', code: 'FROM fedora:40\nRUN dnf clean all && dnf install -y gcc', errors: [{ messageId: 'missing', line: 2 }] },
    { name: 'clean in a later RUN', code: 'FROM fedora:40\nRUN dnf install -y gcc\nRUN dnf clean all', errors: [{ messageId: 'missing', line: 2 }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper -n in curl', errors: [{ messageId: 'missing', line: 2 }] },
  ],
});
