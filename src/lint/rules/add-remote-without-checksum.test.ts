import rule from './add-remote-without-checksum.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM debian:12-slim\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://x.io/a.tar.gz /a',
    'FROM debian:12-slim\nADD app.tar.gz /app',
    'FROM debian:12-slim\nADD https://github.com/moby/buildkit.git#v0.14.1 /src',
  ],
  invalid: [{ code: 'FROM debian:12-slim\nADD https://x.io/tool /usr/local/bin/tool', errors: [{ messageId: 'unpinned', line: 2, column: 5, data: { url: 'https://x.io/tool' } }] }],
});
