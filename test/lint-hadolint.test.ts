// The comparison with hadolint that docs/lint.md ("Compared with hadolint") makes, as executable
// cases: each Dockerfile is one where hadolint's documented rule logic gets it wrong or has no rule,
// and the test pins what whittle reports instead. (hadolint itself is not installed here; its side
// of each row is described in docs/lint.md from its rule sources.)
import { beforeAll, describe, expect, it } from 'vitest';
import { lintTextSync } from '../src/lint/engine.js';
import { initShellParser } from '../src/shell/parser.js';

beforeAll(async () => {
  await initShellParser();
});

const ids = (text: string, opts: Parameters<typeof lintTextSync>[1] = {}) => lintTextSync(text, opts).diagnostics.map((d) => `${d.range.start.line + 1} ${d.ruleId}${d.messageId === 'missing' ? '' : `/${d.messageId}`}`);

describe('apt lists cleanup (hadolint DL3009 accepts any `rm` with -rf or the lists path, anywhere in the RUN)', () => {
  it('rm -rf of another path is not apt cleanup', () => {
    expect(ids('FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /tmp/x\nUSER 1000\n')).toEqual(['2 apt-lists-not-removed']);
  });

  it('a cleanup before the update does not remove the lists the update writes', () => {
    expect(ids('FROM debian:12-slim\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1000\n')).toEqual(['2 apt-lists-not-removed/beforeInstall']);
  });

  it('a cleanup that only runs when the install failed (||) does not count', () => {
    expect(ids('FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl || rm -rf /var/lib/apt/lists/*\nUSER 1000\n')).toEqual(['2 apt-lists-not-removed']);
  });

  it('other spellings of the cleanup are understood (hadolint flags them)', () => {
    expect(ids('FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && find /var/lib/apt/lists -mindepth 1 -delete\nUSER 1000\n')).toEqual([]);
    expect(ids('FROM debian:12-slim\nENV LISTS=/var/lib/apt/lists\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -r -f "$LISTS"\nUSER 1000\n')).toEqual([]);
  });
});

describe('syntax hadolint\'s parser rejects (hadolint/hadolint#1029: `invalid flag: --exclude` stopped the whole file)', () => {
  it('an unknown flag is reported and the rest of the file is still linted', () => {
    const text = '# syntax=docker/dockerfile:1-labs\nFROM debian:12-slim\nCOPY --some-future-flag=x . /app\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1000\n';
    expect(ids(text)).toEqual(['3 unknown-syntax/flag', '4 apt-lists-not-removed']);
  });

  it('an unknown instruction is reported and skipped', () => {
    expect(ids('FROM debian:12-slim\nFETCH https://x.io/a /a\nUSER 1000\nCMD ["/a"]\n')).toEqual(['2 unknown-syntax/instruction']);
  });

  it('heredocs, COPY --exclude/--parents and RUN --mount/--network/--security parse', () => {
    const text = [
      'FROM debian:12-slim',
      'COPY --parents --exclude=*.md src/ /app/',
      'RUN --mount=type=secret,id=npmrc --network=none --security=sandbox <<EOF',
      'set -e',
      'apt-get update',
      'apt-get install -y --no-install-recommends curl',
      'rm -rf /var/lib/apt/lists/*',
      'EOF',
      'USER 1000',
    ].join('\n');
    expect(ids(text)).toEqual([]);
  });
});

describe('ground hadolint has no rule for', () => {
  it('multi-stage: toolchains in the stage that ships, cache-mount advice in build-only stages', () => {
    const text = 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /out/app /app\nUSER 1000\nCMD ["/app"]\n';
    expect(ids(text)).toEqual(['2 go-build-cache/buildStage', '4 build-tools-in-final-stage/package']);
  });

  it('.dockerignore and COPY ordering', () => {
    const text = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev && npm cache clean --force\nUSER node\nCMD ["node", "server.js"]\n';
    expect(ids(text, { dockerignore: null })).toEqual(['3 dockerignore-missing', '3 copy-before-dependency-install/order']);
    expect(ids(text, { dockerignore: 'node_modules\n' })).toEqual(['3 dockerignore-missing/incomplete', '3 copy-before-dependency-install/order']);
  });

  it('base choice: a heavy base with a slimmer variant', () => {
    expect(ids('FROM python:3.12\nUSER 1000\nCMD ["python3"]\n')).toEqual(['1 heavy-base-image/heavy']);
  });

  it('npm and pnpm caches (hadolint DL3060 only knows yarn), downloads left behind, chown -R after COPY', () => {
    const text = [
      'FROM node:20-slim',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci --omit=dev',
      'RUN curl -fsSLo /tmp/tool.tgz https://x.io/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt',
      'COPY src/ /app/src/',
      'RUN chown -R node:node /app/src',
      'USER node',
      'CMD ["node", "src/server.js"]',
    ].join('\n');
    expect(ids(text)).toEqual(['4 node-package-cache', '5 download-not-removed/kept', '7 recursive-chown-after-copy/duplicate']); // the two RUNs delete nothing of each other: consecutive-run is silent
  });
});

describe('stage and variable awareness hadolint lacks', () => {
  it('--target decides what ships', () => {
    const text = 'FROM debian:12-slim AS dev\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nUSER 1000\nCMD ["make"]\nFROM debian:12-slim AS prod\nUSER 1000\n';
    expect(ids(text)).toEqual([]);
    expect(ids(text, { target: 'dev' })).toEqual(['2 build-tools-in-final-stage/package']);
  });

  it('a cache mount on a non-root user\'s home satisfies the cache rule', () => {
    expect(ids('FROM python:3.12-slim\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user flask\n')).toEqual([]);
  });
});

describe('pip cache settings (hadolint DL3042 accepts ENV PIP_NO_CACHE_DIR)', () => {
  // pip disables its cache for any valid boolean PIP_NO_CACHE_DIR, "false" and "off" too (kept so for
  // backwards compatibility, see pip's _handle_no_cache_dir), in every ENV and ARG spelling.
  it.each(['ENV PIP_NO_CACHE_DIR=1', 'ENV PIP_NO_CACHE_DIR 1', 'ENV PIP_NO_CACHE_DIR="true"', 'ENV PIP_NO_CACHE_DIR=off', 'ENV A=1 PIP_NO_CACHE_DIR=1', 'ARG PIP_NO_CACHE_DIR=1'])('%s', (setting) => {
    expect(ids(`FROM python:3.12-slim\n${setting}\nRUN pip install --user flask\nUSER 1000\n`)).toEqual([]);
  });

  it('an ENV after the RUN does not count', () => {
    expect(ids('FROM python:3.12-slim\nRUN pip install flask\nENV PIP_NO_CACHE_DIR=1\nUSER 1000\n')).toEqual(['2 pip-no-cache-dir']);
  });
});

describe('ONBUILD (hadolint DL3043 is only ONBUILD ONBUILD/FROM/MAINTAINER)', () => {
  it('maps DL3043 to the forbidden-trigger rule only', () => {
    expect(ids('FROM alpine:3.20\nONBUILD FROM alpine:3.20\nONBUILD RUN true\nUSER 1000\n')).toEqual(['2 onbuild-forbidden-trigger/forbidden', '3 onbuild/trigger']);
    expect(ids('FROM alpine:3.20\n# hadolint ignore=DL3043\nONBUILD RUN true\nUSER 1000\n')).toEqual(['3 onbuild/trigger']);
  });
});
