import rule from './apt-lists-not-removed.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'apt-get dist-clean (trixie\'s apt) removes the lists', code: 'FROM debian:trixie-slim\nRUN set -eux; apt-get update; apt-get install -y --no-install-recommends curl; apt-get dist-clean' },
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    'FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl \\\n  # a comment inside the continuation\n  && rm -rf /var/lib/apt/lists/*',
    { name: 'cache mount satisfies the rule', code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl' },
    { name: 'heredoc with cleanup', code: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n' },
    { name: 'escape directive (backtick)', code: '# escape=`\nFROM debian:12\nRUN apt-get update && `\n    apt-get install -y curl && `\n    rm -rf /var/lib/apt/lists/*' },
    { name: 'install without update does not create lists', code: 'FROM debian:12\nRUN apt-get install -y curl' },
    { name: 'rm of the lists directory itself', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists' },
    { name: 'exec form sh -c', code: 'FROM debian:12\nRUN ["sh", "-c", "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*"]' },
    { name: 'nested sh -c string', code: "FROM debian:12\nRUN sh -c 'apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*'" },
    { name: 'find … -delete', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y x && find /var/lib/apt/lists -type f -delete' },
    { name: 'path from ENV', code: 'FROM debian:12\nENV LISTS=/var/lib/apt/lists\nRUN apt-get update && apt-get install -y x && rm -rf "$LISTS"/*' },
    { name: 'pwsh SHELL skips shell rules', code: 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN apt-get update; apt-get install -y x' },
  ],
  invalid: [
    { name: 'dist-clean before the install does not count', code: 'FROM debian:trixie-slim\nRUN apt-get dist-clean && apt-get update && apt-get install -y curl', errors: [{ messageId: 'beforeInstall', line: 2 }], output: 'FROM debian:trixie-slim\nRUN apt-get dist-clean && apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*' },
    { name: 'a heredoc script with a line after the install', code: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\ncurl --version\nEOF\n', errors: [{ messageId: 'missing', line: 4 }], output: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl; rm -rf /var/lib/apt/lists/*\ncurl --version\nEOF\n' },
    { name: 'the last command of an && chain that other statements follow', code: 'FROM debian:12\nRUN set -e; apt-get update && apt-get install -y curl; echo done\n', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN set -e; apt-get update && apt-get install -y curl; rm -rf /var/lib/apt/lists/*; echo done\n' },
    { name: 'set -eux script with ; : the removal is its own command, so a failed install still stops the script', code: 'FROM debian:12\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl; \\\n    curl --version\n', errors: [{ messageId: 'missing', line: 3 }], output: 'FROM debian:12\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl; rm -rf /var/lib/apt/lists/*; \\\n    curl --version\n' },
    { name: 'exec form sh -c without cleanup (words keep their spaces)', code: 'FROM debian:12\nRUN ["sh", "-c", "apt-get update && apt-get install -y x"]', errors: [{ messageId: 'missing', line: 2, column: 19 }] },
    { name: 'exec form is not affected by a pwsh SHELL', code: 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN ["sh", "-c", "apt-get update && apt-get install -y x"]', errors: [{ messageId: 'missing', line: 3 }] },
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*' },
    { name: 'apt-get clean does not remove lists', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* && apt-get clean' },
    { name: 'rm -rf /tmp/x is not apt cleanup', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /tmp/x', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* && rm -rf /tmp/x' },
    { name: 'find without -delete only lists files', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y x && find /var/lib/apt/lists -type f', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM debian:12\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/* && find /var/lib/apt/lists -type f' },
    { name: 'cleanup before install', code: 'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl', errors: [{ messageId: 'beforeInstall', line: 2, column: 5 }], output: 'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*' },
    { name: 'cleanup in another RUN', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*', errors: [{ messageId: 'otherLayer', line: 2, data: { line: 3 } }], output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*' },
    { name: 'cleanup only on failure (||) does not count', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl || rm -rf /var/lib/apt/lists/*', errors: [{ messageId: 'missing', line: 2 }] },
    { name: 'position inside continuation lines', code: 'FROM debian:12\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl', errors: [{ messageId: 'missing', line: 3, column: 5 }], output: 'FROM debian:12\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl && rm -rf /var/lib/apt/lists/*' },
    { name: 'heredoc body positions', code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n', errors: [{ messageId: 'missing', line: 3, column: 1 }], output: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl && rm -rf /var/lib/apt/lists/*\nEOF\n' },
    { name: 'escape directive: positions after backtick continuations', code: '# escape=`\nFROM debian:12\nRUN echo start && `\n    apt-get update && `\n    apt-get install -y curl', errors: [{ messageId: 'missing', line: 4, column: 5 }], output: '# escape=`\nFROM debian:12\nRUN echo start && `\n    apt-get update && `\n    apt-get install -y curl && rm -rf /var/lib/apt/lists/*' },
    { name: 'CRLF line endings', code: 'FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\r\n' },
    {
      name: 'build-only stage gets cache-mount advice',
      code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12-slim\nCOPY --from=build /out /out',
      errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }],
    },
  ],
});
