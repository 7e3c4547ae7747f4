import rule from './unverified-download.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a checksum checked in the same RUN', code: 'FROM debian:12-slim\nRUN curl -fsSLo /usr/local/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini \\\n && echo "93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c  /usr/local/bin/tini" | sha256sum -c - \\\n && chmod +x /usr/local/bin/tini' },
    { name: 'a signature checked', code: 'FROM debian:12-slim\nRUN wget -O /usr/local/bin/gosu https://example.com/gosu && wget -O /tmp/gosu.asc https://example.com/gosu.asc && gpg --batch --verify /tmp/gosu.asc /usr/local/bin/gosu && chmod +x /usr/local/bin/gosu' },
    { name: 'a data file over https', code: 'FROM debian:12-slim\nRUN curl -fsSLo /srv/data.json https://example.com/data.json' },
    { name: 'http on localhost', code: 'FROM debian:12-slim\nRUN curl -fsS http://localhost:8080/health' },
    { name: 'a build-only stage', code: 'FROM debian:12 AS build\nRUN curl -o /usr/local/bin/x https://example.com/x && chmod +x /usr/local/bin/x\nFROM debian:12-slim\nCOPY --from=build /etc/os-release /x' },
  ],
  invalid: [
    { code: 'FROM debian:12-slim\nRUN curl -fsSLO http://example.com/app.tgz && tar -xzf app.tgz', errors: [{ messageId: 'plainHttp', line: 2, column: 17, data: { fetch: 'curl', url: 'http://example.com/app.tgz' } }] },
    { name: 'a program into a bin directory', code: 'FROM debian:12-slim\nRUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl && chmod +x /usr/local/bin/kubectl', errors: [{ messageId: 'unverified', line: 2, data: { file: '/usr/local/bin/kubectl', how: 'installed as a program' } }] },
    { name: 'made executable elsewhere', code: 'FROM debian:12-slim\nRUN wget -O /opt/tool https://example.com/tool && chmod 755 /opt/tool', errors: [{ messageId: 'unverified', line: 2, data: { file: '/opt/tool', how: 'made executable' } }] },
  ],
});
