import rule from './add-instead-of-copy.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM debian:12-slim\nCOPY app /app',
    { name: 'local archive is extracted on purpose', code: 'FROM scratch\nADD rootfs.tar.xz /' },
    { name: 'remote URL', code: 'FROM debian:12-slim\nADD --checksum=sha256:abc https://x.io/a /a' },
    { name: 'git source', code: 'FROM debian:12-slim\nADD git@github.com:a/b.git /src' },
    { name: 'variable source', code: 'FROM debian:12-slim\nADD $SRC /app' },
  ],
  invalid: [
    { name: 'no fix for a wildcard source: it may match archives ADD would unpack', code: 'FROM alpine:3.20\nADD conf-* /etc/app/\n', errors: [{ messageId: 'useCopy', line: 2 }], output: null },
    { code: 'FROM debian:12-slim\nADD app.py /app/', errors: [{ messageId: 'useCopy', line: 2, column: 1 }], output: 'FROM debian:12-slim\nCOPY app.py /app/' },
    { code: 'FROM debian:12-slim\nADD --chown=app ["a b", "/app/"]', errors: [{ messageId: 'useCopy', line: 2 }], output: 'FROM debian:12-slim\nCOPY --chown=app ["a b", "/app/"]' },
  ],
});
