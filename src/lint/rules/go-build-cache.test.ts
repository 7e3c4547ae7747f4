import rule from './go-build-cache.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'GOCACHE on the command overrides ENV, and that directory is mounted', code: 'FROM golang:1.22 AS build\nENV GOCACHE=/root/.cache/go-build\nRUN --mount=type=cache,target=/tmp/gocache --mount=type=cache,target=/go/pkg/mod GOCACHE=/tmp/gocache go build -o /app .\nFROM scratch\nCOPY --from=build /app /app' },
    {
      name: 'build stage with cache mounts',
      code: 'FROM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    },
    { name: 'shipped stage cleaned in the same RUN', code: 'FROM golang:1.22\nRUN go build -o /app . && go clean -cache -modcache' },
    'FROM golang:1.22\nRUN go version',
    { name: 'GOCACHE moved under a cache mount', code: 'FROM golang:1.22 AS b\nENV GOCACHE=/cache/go\nRUN --mount=type=cache,target=/cache --mount=type=cache,target=/go/pkg/mod go build ./...\nFROM scratch\nCOPY --from=b /x /x' },
  ],
  invalid: [
    { name: 'go clean before the build does not count', code: 'FROM golang:1.22\nRUN go clean -cache -modcache && go build -o /app .', errors: [{ messageId: 'shipped', line: 2 }] },
    { name: 'go clean in another RUN', code: 'FROM golang:1.22\nRUN go build -o /app .\nRUN go clean -cache -modcache', errors: [{ messageId: 'shipped', line: 2 }] },
    { name: 'build-only stage without mounts', code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app', errors: [{ messageId: 'buildStage', line: 2, column: 5, severity: 'info' }] },
    { name: 'go mod download needs the module cache', code: 'FROM golang:1.22 AS build\nRUN go mod download\nFROM scratch\nCOPY --from=build /x /x', errors: [{ messageId: 'buildStage', line: 2 }] },
    { name: 'shipped stage', code: 'FROM golang:1.22\nRUN go build -o /app .', errors: [{ messageId: 'shipped', line: 2, data: { verb: 'build', gocache: '/root/.cache/go-build', gomodcache: '/go/pkg/mod' } }] },
  ],
});
