// The rules' safe fixes: golden before/after per fixer (byte for byte, CRLF, escape and
// indentation included), idempotence, the result parses (every RUN's script too) and lints no worse,
// and the cases each fixer must leave alone because the rewrite would not be the same build.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { fixTextSync } from '../src/fix/engine.js';
import { analyzeDockerfile } from '../src/lint/analysis.js';
import { lintTextSync } from '../src/lint/engine.js';
import { initShellParser } from '../src/shell/parser.js';

beforeAll(async () => {
  await initShellParser();
});

const count = (t: string, rule?: string) => lintTextSync(t).diagnostics.filter((d) => rule === undefined || d.ruleId === rule).length;

function parsesCleanly(t: string): void {
  const m = parseDockerfile(t);
  expect(m.instructions.every((i) => i.known)).toBe(true);
  for (const r of analyzeDockerfile(m).runs) if (r.shell) expect(r.shell.hasErrors).toBe(false);
}

/** check fixes `before` with only `rule`, expects `after`, and the usual invariants. */
function check(rule: string, before: string, after: string, gone = true): void {
  const r = fixTextSync(before, { only: [rule] });
  expect(r.rejected).toBeNull();
  expect(r.output).toBe(after);
  expect(r.applied.length).toBeGreaterThan(0);
  expect(r.applied.every((a) => a.ruleId === rule)).toBe(true);
  const again = fixTextSync(r.output, { only: [rule] });
  expect(again.output).toBe(r.output);
  expect(again.applied).toEqual([]);
  parsesCleanly(r.output);
  // the rule no longer fires (or, for a split group, fires no more often and offers no fix)
  if (gone) expect(count(r.output, rule)).toBe(0);
  else expect(count(r.output, rule)).toBeLessThanOrEqual(count(before, rule));
  expect(r.remaining).toEqual([]);
  const before_ = lintTextSync(before).diagnostics;
  for (const d of lintTextSync(r.output).diagnostics) {
    expect(before_.filter((x) => x.ruleId === d.ruleId).length).toBeGreaterThanOrEqual(count(r.output, d.ruleId));
  }
}

/** untouched: the fixer offers nothing (or nothing safe) for this text. */
function untouched(rule: string, text: string): void {
  const r = fixTextSync(text, { only: [rule] });
  expect(r.rejected).toBeNull();
  expect(r.output).toBe(text);
}

describe('consecutive-run: merge consecutive RUNs', () => {
  it.each([
    [
      'comment kept, blank line dropped, continuation indentation added',
      'FROM alpine:3.19\nRUN mkdir -p /opt/app\n# drop the motd\n\nRUN rm -f /etc/motd\n',
      'FROM alpine:3.19\nRUN mkdir -p /opt/app \\\n# drop the motd\n    && rm -f /etc/motd\n',
    ],
    [
      'three RUNs with the same flags, CRLF, the file\'s own continuation indentation',
      'FROM alpine:3.19\r\nRUN --network=none echo a\r\nRUN --network=none echo b \\\r\n  c\r\nRUN --network=none rm -f d\r\n',
      'FROM alpine:3.19\r\nRUN --network=none echo a \\\r\n  && echo b \\\r\n  c \\\r\n  && rm -f d\r\n',
    ],
    [
      'backtick escape character',
      '# escape=`\nFROM alpine:3.19\nRUN echo a\nRUN rm -f b\n',
      '# escape=`\nFROM alpine:3.19\nRUN echo a `\n    && rm -f b\n',
    ],
    [
      'an indented RUN keeps its indentation',
      'FROM alpine:3.19\n  RUN echo a\n  RUN rm -f b\n',
      'FROM alpine:3.19\n  RUN echo a \\\n  && rm -f b\n',
    ],
    [
      'a cd in a subshell and a `;` list before are fine',
      'FROM alpine:3.19\nRUN (cd /tmp && touch x); echo a\nRUN rm -f b\n',
      'FROM alpine:3.19\nRUN (cd /tmp && touch x); echo a \\\n    && rm -f b\n',
    ],
    [
      'a for loop whose variable no later RUN mentions',
      'FROM alpine:3.19\nRUN for f in a b; do touch /$f; done\nRUN rm -f /etc/motd\n',
      'FROM alpine:3.19\nRUN for f in a b; do touch /$f; done \\\n    && rm -f /etc/motd\n',
    ],
    [
      'a group is split at a RUN that cannot run before others (cd)',
      'FROM alpine:3.19\nRUN echo a\nRUN cd /tmp\nRUN echo b\nRUN rm -f c\n',
      'FROM alpine:3.19\nRUN echo a \\\n    && cd /tmp\nRUN echo b \\\n    && rm -f c\n',
      false,
    ],
  ])('%s', (_name, before, after, gone = true) => check('consecutive-run', before, after, gone));

  it.each([
    ['a heredoc RUN', 'FROM alpine:3.19\nRUN <<EOF\necho a\nEOF\nRUN rm -f b\n'],
    ['cd', 'FROM alpine:3.19\nRUN cd /tmp && echo a\nRUN rm -f b\n'],
    ['export', 'FROM alpine:3.19\nRUN export A=1\nRUN rm -f $A\n'],
    ['set -e', 'FROM alpine:3.19\nRUN set -e\nRUN false; rm -f b\n'],
    ['a bare assignment', 'FROM alpine:3.19\nRUN A=1\nRUN rm -f b\n'],
    ['a function', 'FROM alpine:3.19\nRUN f() { echo; }\nRUN rm -f b\n'],
    ['exit', 'FROM alpine:3.19\nRUN echo a && exit 0\nRUN rm -f b\n'],
    ['a later `||` list', 'FROM alpine:3.19\nRUN echo a\nRUN false || rm -f b\n'],
    ['a later `;` list', 'FROM alpine:3.19\nRUN echo a\nRUN rm -f b; echo c\n'],
    ['a trailing shell comment', 'FROM alpine:3.19\nRUN echo a # note\nRUN rm -f b\n'],
    ['a background job', 'FROM alpine:3.19\nRUN sleep 1 &\nRUN rm -f b\n'],
    ['a loop variable used later', 'FROM alpine:3.19\nRUN for f in a b; do :; done\nRUN rm -f $f\n'],
    ['exec form', 'FROM alpine:3.19\nRUN ["echo", "a"]\nRUN rm -f b\n'],
    ['a trailing `;`', 'FROM alpine:3.19\nRUN echo a;\nRUN rm -f b\n'],
    ['different flags', 'FROM alpine:3.19\nRUN --network=none echo a\nRUN rm -f b\n'],
    ['WORKDIR between', 'FROM alpine:3.19\nRUN echo a\nWORKDIR /x\nRUN rm -f b\n'],
    ['ENV between', 'FROM alpine:3.19\nRUN echo a\nENV A=1\nRUN rm -f b\n'],
    ['USER between', 'FROM alpine:3.19\nRUN echo a\nUSER nobody\nRUN rm -f b\n'],
    ['ARG between', 'FROM alpine:3.19\nRUN echo a\nARG A\nRUN rm -f b\n'],
    ['SHELL between', 'FROM alpine:3.19\nRUN echo a\nSHELL ["/bin/ash", "-c"]\nRUN rm -f b\n'],
    ['a non-POSIX SHELL', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN echo a\nRUN rm -f b\n'],
  ])('leaves RUNs apart: %s', (_name, text) => untouched('consecutive-run', text));
});

describe('apt-lists-not-removed: remove the lists after the last install', () => {
  it.each([
    [
      'at the end of the RUN, after a continuation',
      'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n       curl\nCMD ["curl"]\n',
      'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n       curl && rm -rf /var/lib/apt/lists/*\nCMD ["curl"]\n',
    ],
    [
      'right after the install, before later commands; CRLF',
      'FROM debian:12\r\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && curl --version\r\n',
      'FROM debian:12\r\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* && curl --version\r\n',
    ],
    [
      'in a heredoc script',
      'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n',
      'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nEOF\n',
    ],
    [
      'after the last of several installs, also when an rm came too early',
      'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends curl; apt-get install -y --no-install-recommends git\n',
      'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends curl; apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*\n',
    ],
  ])('%s', (_name, before, after) => check('apt-lists-not-removed', before, after));

  it.each([
    ['only apt-get update', 'FROM debian:12\nRUN apt-get update\n'],
    ['a later RUN installs without its own update', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apt-get install -y --no-install-recommends git\n'],
    ['a later stage reads the lists', 'FROM debian:12 AS base\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nFROM base\nRUN apt-cache policy curl\n'],
    ['the install is conditional', 'FROM debian:12\nRUN apt-get update && if true; then apt-get install -y --no-install-recommends curl; fi\n'],
    ['the install is piped', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl | tee /log\n'],
    ['the install is redirected', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl > /log\n'],
    ['the install has a fallback', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl || true\n'],
    ['the install runs in sh -c', 'FROM debian:12\nRUN apt-get update && sh -c "apt-get install -y --no-install-recommends curl"\n'],
    ['a build-only stage', 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM debian:12\nCOPY --from=build /usr/bin/gcc /gcc\n'],
    ['the removal is already there', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n'],
  ])('no fix: %s', (_name, text) => untouched('apt-lists-not-removed', text));
});

describe('node-package-cache: clean the npm/yarn cache in the same RUN', () => {
  it.each([
    [
      'npm ci',
      'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
      'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev && npm cache clean --force\nCMD ["node", "server.js"]\n',
    ],
    [
      'yarn, before later commands',
      'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile && yarn build\nCMD ["node", "server.js"]\n',
      'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile && yarn cache clean && yarn build\nCMD ["node", "server.js"]\n',
    ],
    [
      'after the last of two installs, on its continuation line',
      'FROM node:20-slim\nRUN npm install -g pm2 \\\n && npm install -g serve\n',
      'FROM node:20-slim\nRUN npm install -g pm2 \\\n && npm install -g serve && npm cache clean --force\n',
    ],
  ])('%s', (_name, before, after) => check('node-package-cache', before, after));

  it.each([
    ['pnpm', 'FROM node:20-slim\nRUN pnpm install\n'],
    ['a conditional install', 'FROM node:20-slim\nRUN if [ -f package-lock.json ]; then npm ci; fi\n'],
    ['a build-only stage', 'FROM node:20-slim AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /node_modules /app/node_modules\n'],
  ])('no fix: %s', (_name, text) => untouched('node-package-cache', text));
});

describe('recursive-chown-after-copy: COPY --chown instead of RUN chown -R', () => {
  it.each([
    [
      'the RUN goes, its comment and the ENV between stay',
      'FROM node:20-slim\nCOPY . /app\nENV NODE_ENV=production\n# hand the app to node\nRUN chown -R node:node /app\nUSER node\nCMD ["node", "/app/server.js"]\n',
      'FROM node:20-slim\nCOPY --chown=node:node . /app\nENV NODE_ENV=production\n# hand the app to node\nUSER node\nCMD ["node", "/app/server.js"]\n',
    ],
    [
      'CRLF, relative target, flags on the COPY, a dir under /opt',
      'FROM node:20-slim AS build\r\nRUN echo build\r\nFROM node:20-slim\r\nCOPY --from=build /out/ /opt/app/\r\nRUN chown --recursive 1000:1000 /opt/app/.\r\n',
      'FROM node:20-slim AS build\r\nRUN echo build\r\nFROM node:20-slim\r\nCOPY --chown=1000:1000 --from=build /out/ /opt/app/\r\n',
    ],
    [
      'the chown first in an && chain, across a continuation: only `chown … &&` goes',
      'FROM node:20-slim\nCOPY . /app\nRUN chown -R node:node /app \\\n    && chmod +x /app/start.sh\n',
      'FROM node:20-slim\nCOPY --chown=node:node . /app\nRUN chmod +x /app/start.sh\n',
    ],
  ])('%s', (_name, before, after) => check('recursive-chown-after-copy', before, after));

  it.each([
    ['user without group', 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node /app\n'],
    ['WORKDIR created the directory', 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n'],
    ['an earlier COPY into it', 'FROM node:20-slim\nCOPY package.json /app/\nRUN npm ci\nCOPY . /app\nRUN chown -R node:node /app\n'],
    ['an earlier RUN names it', 'FROM node:20-slim\nRUN mkdir /app && touch /app/x\nCOPY . /app\nRUN chown -R node:node /app\n'],
    ['a command before the chown', 'FROM node:20-slim\nCOPY . /app\nRUN chmod 700 /app && chown -R node:node /app\n'],
    ['a `;` after the chown', 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node:node /app; chmod 700 /app\n'],
    ['a compound command after the chown', 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node:node /app && (cd /app && touch x)\n'],
    ['a RUN between', 'FROM node:20-slim\nCOPY . /app\nRUN touch /app/x\nRUN chown -R node:node /app\n'],
    ['a parent directory', 'FROM node:20-slim\nCOPY . /opt/app\nRUN chown -R node:node /opt\n'],
    ['a directory the base may have', 'FROM node:20-slim\nCOPY . /usr/src/app\nRUN chown -R node:node /usr/src/app\n'],
    ['not root', 'FROM node:20-slim\nUSER node\nCOPY . /app\nRUN chown -R node:node /app\n'],
    ['chmod -R', 'FROM node:20-slim\nCOPY . /app\nRUN chmod -R 755 /app\n'],
    ['another option', 'FROM node:20-slim\nCOPY . /app\nRUN chown -hR node:node /app\n'],
    ['a variable', 'FROM node:20-slim\nARG U=node\nCOPY . /app\nRUN chown -R $U:$U /app\n'],
  ])('no fix: %s', (_name, text) => untouched('recursive-chown-after-copy', text));
});

describe('all safe fixes together', () => {
  const wasteful = [
    'FROM debian:12',
    'RUN apt-get update',
    'RUN apt-get install -y curl ca-certificates',
    'COPY app /app',
    'RUN chown -R nobody:nogroup /app',
    'RUN pip install flask',
    'CMD /app/run.sh --port 8080',
    '',
  ].join('\n');

  it('fixes a wasteful Dockerfile in a few passes, idempotently, and lints better', () => {
    const r = fixTextSync(wasteful);
    expect(r.rejected).toBeNull();
    expect(r.output).toBe(
      [
        'FROM debian:12',
        'RUN apt-get update \\',
        '    && apt-get install --no-install-recommends -y curl ca-certificates && rm -rf /var/lib/apt/lists/*',
        'COPY --chown=nobody:nogroup app /app',
        'RUN pip install --no-cache-dir flask',
        'CMD ["/app/run.sh", "--port", "8080"]',
        '',
      ].join('\n'),
    );
    expect(new Set(r.applied.map((a) => a.ruleId))).toEqual(
      new Set(['consecutive-run', 'apt-no-install-recommends', 'apt-lists-not-removed', 'recursive-chown-after-copy', 'pip-no-cache-dir', 'json-args-recommended']),
    );
    expect(r.remaining).toEqual([]);
    expect(fixTextSync(r.output).output).toBe(r.output);
    parsesCleanly(r.output);
    expect(count(r.output)).toBeLessThan(count(wasteful));
  });
});

describe('json-args-recommended: exec form only where it runs the same command', () => {
  it('keeps a shell-form ENTRYPOINT when the stage has a CMD (exec form would append it)', () => {
    untouched('json-args-recommended', 'FROM alpine:3.19\nENTRYPOINT app --flag\nCMD ["x"]\n');
    untouched('json-args-recommended', 'FROM alpine:3.19\nCMD ["x"]\nENTRYPOINT app --flag\n');
    expect(count('FROM alpine:3.19\nENTRYPOINT app --flag\nCMD ["x"]\n', 'json-args-recommended')).toBe(1);
  });

  it.each([
    ['an ENTRYPOINT without CMD in its stage', 'FROM debian:12 AS base\nCMD ["bash"]\nFROM base\nENTRYPOINT app --flag\n', 'FROM debian:12 AS base\nCMD ["bash"]\nFROM base\nENTRYPOINT ["app", "--flag"]\n'],
    ['a CMD after an exec-form ENTRYPOINT', 'FROM alpine:3.19\nENTRYPOINT ["tini", "--"]\nCMD app --flag\n', 'FROM alpine:3.19\nENTRYPOINT ["tini", "--"]\nCMD ["app", "--flag"]\n'],
  ])('converts %s', (_name, before, after) => check('json-args-recommended', before, after));
});

describe('add-instead-of-copy: COPY only where ADD would unpack nothing', () => {
  it.each([
    ['a wildcard may match an archive', 'FROM alpine:3.19\nADD * /app/\n'],
    ['a ? wildcard', 'FROM alpine:3.19\nADD pkg-? /opt/\n'],
  ])('keeps ADD: %s', (_name, text) => untouched('add-instead-of-copy', text));

  it('still converts a plain file and a directory', () => {
    check('add-instead-of-copy', 'FROM alpine:3.19\nADD conf/app.ini src /app/\n', 'FROM alpine:3.19\nCOPY conf/app.ini src /app/\n');
  });
});
