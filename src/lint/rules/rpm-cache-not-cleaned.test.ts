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
    { name: 'dnf5 keeps its cache in /var/cache/libdnf5: a cache mount there (Fedora 41 dnf is dnf5)', code: 'FROM fedora:41\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y gcc' },
    { name: 'dnf5 clean all', code: 'FROM fedora:41\nRUN dnf5 install -y gcc && dnf5 clean all' },
    { name: 'dnf5 cache removed', code: 'FROM fedora:41\nRUN dnf5 install -y gcc && rm -rf /var/cache/libdnf5' },
  ],
  invalid: [
    { name: 'build-only stage gets cache-mount advice', code: 'FROM fedora:40 AS build\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=build /out /out', errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }] },
    { code: 'FROM centos:7\nRUN yum install -y httpd', errors: [{ messageId: 'missing', line: 2, column: 5, data: { manager: 'yum', cache: '/var/cache/yum', clean: 'yum clean all' } }] },
    { name: 'clean before install', code: 'FROM fedora:40\nRUN dnf clean all && dnf install -y gcc', errors: [{ messageId: 'missing', line: 2 }] },
    { name: 'clean in a later RUN', code: 'FROM fedora:40\nRUN dnf install -y gcc\nRUN dnf clean all', errors: [{ messageId: 'missing', line: 2 }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper -n in curl', errors: [{ messageId: 'missing', line: 2 }] },
    { name: 'dnf5 is a manager too', code: 'FROM fedora:41\nRUN dnf5 install -y gcc', errors: [{ messageId: 'missing', line: 2, data: { manager: 'dnf5', cache: '/var/cache/libdnf5', clean: 'dnf5 clean all' } }] },
    { name: 'dnf names both caches', code: 'FROM fedora:41\nRUN dnf install -y gcc', errors: [{ messageId: 'missing', line: 2, data: { manager: 'dnf', cache: '/var/cache/dnf and /var/cache/libdnf5', clean: 'dnf clean all' } }] },
  ],
});
