import rule from './add-instead-of-copy.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a quoted URL is still a URL', code: "FROM alpine:3.20\nADD 'https://example.com/app.tgz' /opt/" },
    { name: 'a quoted archive is still an archive: the builder unquotes the word', code: 'FROM alpine:3.20\nADD "app.tar.gz" /opt/' },
    'FROM debian:12-slim\nCOPY app /app',
    { name: 'local archive is extracted on purpose', code: 'FROM scratch\nADD rootfs.tar.xz /' },
    { name: 'remote URL', code: 'FROM debian:12-slim\nADD --checksum=sha256:abc https://x.io/a /a' },
    { name: 'git source', code: 'FROM debian:12-slim\nADD git@github.com:a/b.git /src' },
    { name: 'variable source', code: 'FROM debian:12-slim\nADD $SRC /app' },
  ],
  invalid: [
    { name: 'a quoted plain file keeps its quotes in the fix', code: 'FROM alpine:3.20\nADD "conf.txt" /etc/app/\n', errors: [{ messageId: 'useCopy', line: 2 }], output: 'FROM alpine:3.20\nCOPY "conf.txt" /etc/app/\n' },
    { name: 'no fix for a wildcard source: it may match archives ADD would unpack', code: 'FROM alpine:3.20\nADD conf-* /etc/app/\n', errors: [{ messageId: 'useCopy', line: 2 }], output: null },
    { code: 'FROM debian:12-slim\nADD app.py /app/', errors: [{ messageId: 'useCopy', line: 2, column: 1 }], output: 'FROM debian:12-slim\nCOPY app.py /app/' },
    { code: 'FROM debian:12-slim\nADD --chown=app ["a b", "/app/"]', errors: [{ messageId: 'useCopy', line: 2 }], output: 'FROM debian:12-slim\nCOPY --chown=app ["a b", "/app/"]' },
  ],
});
