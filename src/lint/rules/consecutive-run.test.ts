import rule from './consecutive-run.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'build-only stage: its layers do not ship', code: 'FROM debian:12 AS build\nRUN a\nRUN rm -rf /tmp/a\nFROM scratch\nCOPY --from=build /out /out' },
    'FROM debian:12\nRUN a && rm -rf /tmp/a',
    'FROM debian:12\nRUN a\nWORKDIR /x\nRUN rm b',
    { name: 'different mounts cannot simply merge', code: 'FROM debian:12\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN npm cache clean --force' },
    { name: 'RUNs in different stages', code: 'FROM debian:12 AS a\nRUN a\nFROM debian:12\nRUN rm b' },
    { name: 'a split on purpose: no later RUN deletes or rewrites anything, so each layer holds only what it adds', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN curl -fsSLo /usr/local/bin/tool https://example.com/tool' },
    { name: 'only the first RUN removes: what it removed was never in another layer', code: 'FROM debian:12\nRUN rm -f /etc/motd\nRUN useradd app' },
  ],
  invalid: [
    { name: 'the stage the final one is built FROM ships', code: 'FROM debian:12 AS base\nRUN a\nRUN rm -rf /tmp/a\nFROM base\nUSER 1000', errors: [{ messageId: 'merge', line: 3 }], output: 'FROM debian:12 AS base\nRUN a \\\n    && rm -rf /tmp/a\nFROM base\nUSER 1000' },
    { code: 'FROM debian:12\nRUN a\nRUN rm b', errors: [{ messageId: 'merge', line: 3, column: 1, data: { count: 2 } }], output: 'FROM debian:12\nRUN a \\\n    && rm b' },
    { name: 'comments between RUNs do not break the run', code: 'FROM debian:12\nRUN a\n# b next\nRUN b\nRUN apt-get purge -y b', errors: [{ messageId: 'merge', line: 4, data: { count: 3 } }], output: 'FROM debian:12\nRUN a \\\n# b next\n    && b \\\n    && apt-get purge -y b' },
    { name: 'a later chmod copies what an earlier RUN wrote', code: 'FROM debian:12\nRUN curl -o /app.bin https://example.com/app\nRUN chmod +x /app.bin', errors: [{ messageId: 'merge', line: 3 }], output: 'FROM debian:12\nRUN curl -o /app.bin https://example.com/app \\\n    && chmod +x /app.bin' },
    { name: 'sed -i rewrites a whole file into the later layer', code: "FROM debian:12\nRUN a\nRUN sed -i 's/a/b/' /etc/x.conf", errors: [{ messageId: 'merge', line: 3 }], output: "FROM debian:12\nRUN a \\\n    && sed -i 's/a/b/' /etc/x.conf" },
    { name: 'a package index fetched in a RUN of its own', code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl', errors: [{ messageId: 'merge', line: 3 }], output: 'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl' },
    { name: 'a package manager clean-up in a later RUN', code: 'FROM debian:12\nRUN pip install flask\nRUN pip cache purge', errors: [{ messageId: 'merge', line: 3 }], output: 'FROM debian:12\nRUN pip install flask \\\n    && pip cache purge' },
  ],
});
