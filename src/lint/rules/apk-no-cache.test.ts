import rule from './apk-no-cache.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'apk update then add --no-cache, the index removed afterwards', code: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache curl && rm -rf /var/cache/apk/*' },
    { name: 'heredoc with --no-cache', code: 'FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache curl\nEOF\n' },
    'FROM alpine:3.20\nRUN apk add --no-cache curl',
    'FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*',
    { name: 'cache mount', code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl' },
    { name: 'apk del is not add', code: 'FROM alpine:3.20\nRUN apk del curl' },
    { name: 'virtual group value is not the verb', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc' },
  ],
  invalid: [
    { name: 'apk update on its own line of a chain', code: 'FROM alpine:3.20\nRUN set -e; apk update \\\n    && apk add --no-cache curl \\\n    && curl --version\n', errors: [{ messageId: 'update', line: 2 }], output: 'FROM alpine:3.20\nRUN set -e; apk add --no-cache curl \\\n    && curl --version\n' },
    { name: 'apk update then add --no-cache: the index the update wrote stays; the fix drops the update', code: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache curl\n', errors: [{ messageId: 'update', line: 2, column: 5 }], output: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n' },
    { name: 'cleanup in another RUN', code: 'FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN rm -rf /var/cache/apk/*' },
    { name: 'heredoc body', code: 'FROM alpine:3.20\nRUN <<EOF\nset -e\napk add curl\nEOF\n', errors: [{ messageId: 'missing', line: 4, column: 1 }], output: 'FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache curl\nEOF\n' },
    {
      code: 'FROM alpine:3.20\nRUN apk update && apk add curl',
      errors: [{ messageId: 'missing', line: 2, column: 19 }],
      output: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache curl',
    },
    {
      name: 'cleanup before add does not count',
      code: 'FROM alpine:3.20\nRUN rm -rf /var/cache/apk/* && apk add curl',
      errors: [{ messageId: 'missing', line: 2 }], output: 'FROM alpine:3.20\nRUN rm -rf /var/cache/apk/* && apk add --no-cache curl',
    },
    {
      name: 'fix lands right after add across continuation lines',
      code: 'FROM alpine:3.20\nRUN apk \\\n  add \\\n  curl',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: 'FROM alpine:3.20\nRUN apk \\\n  add --no-cache \\\n  curl',
    },
    {
      name: 'build-only stage',
      code: 'FROM alpine:3.20 AS tools\nRUN apk add gcc\nFROM alpine:3.20\nCOPY --from=tools /usr/bin/x /x\nUSER 1000',
      errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }], output: 'FROM alpine:3.20 AS tools\nRUN apk add --no-cache gcc\nFROM alpine:3.20\nCOPY --from=tools /usr/bin/x /x\nUSER 1000',
    },
  ],
});
