import rule from './download-not-removed.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'downloaded into a cache mount', code: 'FROM debian:12-slim\nRUN --mount=type=cache,target=/downloads curl -fsSLo /downloads/app.tgz https://x.io/app.tgz && tar -xzf /downloads/app.tgz -C /opt' },
    { name: 'build-only stage: only what is copied out ships', code: 'FROM debian:12-slim AS fetch\nRUN curl -fsSLo /tmp/app.tgz https://x.io/app.tgz && tar -xzf /tmp/app.tgz -C /opt\nFROM debian:12-slim\nCOPY --from=fetch /opt /opt' },
    'FROM debian:12-slim\nRUN curl -fsSLO https://x.io/app.tar.gz && tar -xzf app.tar.gz && rm app.tar.gz',
    'FROM debian:12-slim\nRUN curl -fsSL https://x.io/app.tar.gz | tar -xz -C /opt',
    'FROM debian:12-slim\nRUN wget -q https://x.io/a.zip -O /tmp/a.zip && unzip /tmp/a.zip && rm -rf /tmp/*',
    'FROM debian:12-slim\nRUN wget -qO- https://x.io/a.tar.gz | tar xz',
    { name: 'not an archive', code: 'FROM debian:12-slim\nRUN curl -o /usr/local/bin/jq https://x.io/jq' },
    { name: 'build-only stage', code: 'FROM debian:12 AS dl\nRUN curl -fsSLO https://x.io/a.tar.gz\nFROM scratch\nCOPY --from=dl /a /a' },
    { name: 'removal of the directory it was saved in', code: 'FROM debian:12-slim\nRUN mkdir /tmp/dl && curl -o /tmp/dl/pkg.deb https://x.io/pkg.deb && dpkg -i /tmp/dl/pkg.deb && rm -rf /tmp/dl' },
  ],
  invalid: [
    { name: 'heredoc body', code: 'FROM debian:12-slim\nRUN <<EOF\nset -e\ncurl -fsSLo /tmp/app.tgz https://x.io/app.tgz\ntar -xzf /tmp/app.tgz -C /opt\nEOF\n', errors: [{ messageId: 'kept', line: 4, column: 1 }] },
    { code: 'FROM debian:12-slim\nRUN curl -fsSLO https://x.io/app.tar.gz && tar -xzf app.tar.gz', errors: [{ messageId: 'kept', line: 2, column: 5, data: { file: 'app.tar.gz' } }] },
    { code: 'FROM debian:12-slim\nRUN wget https://x.io/pkg.deb && dpkg -i pkg.deb', errors: [{ messageId: 'kept', line: 2, data: { file: 'pkg.deb' } }] },
    { name: 'removed in another RUN', code: 'FROM debian:12-slim\nRUN curl -o /tmp/a.zip https://x.io/a.zip && unzip /tmp/a.zip\nRUN rm /tmp/a.zip', errors: [{ messageId: 'kept', line: 2 }] },
    { name: 'rm before the download', code: 'FROM debian:12-slim\nRUN rm -f a.tgz; curl -sSLo a.tgz https://x.io/a.tgz', errors: [{ messageId: 'kept', line: 2, data: { file: 'a.tgz' } }] },
  ],
});
