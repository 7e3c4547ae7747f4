import rule from './build-tools-in-final-stage.js';
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleTester } from '../testing.js';

/** contexts with a package.json: without devDependencies, and with them */
const context = (pkg: object) => {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-build-tools-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
};
const noDev = context({ name: 'app', dependencies: { express: '^4' } });
const withDev = context({ name: 'app', dependencies: { express: '^4' }, devDependencies: { typescript: '^5' } });
afterAll(() => [noDev, withDev].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

ruleTester(rule, {
  valid: [
    { name: 'a builder image with no command: its toolchain is what it is for', code: 'FROM fedora:40\nRUN dnf install -y gcc make git && dnf clean all\nWORKDIR /work' },
    { name: 'a base image built FROM by other stages of its own', code: 'FROM debian:12-slim AS toolchain\nRUN apt-get install -y gcc\nFROM toolchain\nWORKDIR /src' },
    { name: 'npm ci when package.json has no devDependencies installs nothing more', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]', contextDir: noDev },
    { name: 'NODE_ENV exported earlier in the RUN', code: 'FROM node:20-slim\nRUN export NODE_ENV=production && npm ci' },
    { name: 'toolchain in a build-only stage', code: 'FROM debian:12 AS build\nRUN apt-get install -y build-essential\nFROM debian:12-slim\nCOPY --from=build /out /out' },
    { name: 'removed again in the same RUN', code: 'FROM python:3.12-slim\nRUN apt-get install -y gcc libpq-dev && pip install psycopg2 && apt-get purge -y gcc libpq-dev' },
    { name: 'apk virtual group deleted', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps' },
    'FROM node:20-slim\nRUN npm ci --omit=dev',
    {
      name: 'apt-mark auto + purge --auto-remove (official image idiom)',
      code: 'FROM debian:12-slim\nRUN set -eux; \\\n  saved="$(apt-mark showmanual)"; \\\n  apt-get update; \\\n  apt-get install -y --no-install-recommends gcc libc6-dev make; \\\n  make; \\\n  apt-mark auto \'.*\' > /dev/null; \\\n  apt-mark manual $saved; \\\n  apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\\n  rm -rf /var/lib/apt/lists/*',
    },
    { name: 'NODE_ENV=production', code: 'FROM node:20-slim\nENV NODE_ENV=production\nRUN npm ci' },
    'FROM debian:12-slim\nRUN apt-get install -y libpq5 ca-certificates',
    { name: 'a JRE is a runtime, not a build tool', code: 'FROM debian:12-slim\nRUN apt-get install -y openjdk-17-jre-headless' },
  ],
  invalid: [
    { name: 'an official server image runs its own CMD, so it is no builder image', code: 'FROM php:8.3-apache\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*', errors: [{ messageId: 'package', line: 2, data: { package: 'gcc' } }] },
    { name: 'npm ci when package.json has devDependencies', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]', contextDir: withDev, errors: [{ messageId: 'devDependencies', line: 4 }], suggestion: null },
    { name: 'a one-stage Go build: the suggestion splits it onto a static distroless runtime', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nCMD ["/out/app"]\n', errors: [{ messageId: 'command', line: 4 }], suggestion: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /out/app\nWORKDIR /src\nCMD ["/out/app"]\n' },
    { code: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\nCMD ["python3", "app.py"]', errors: [{ messageId: 'package', line: 2, column: 42, data: { package: 'gcc' } }] },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache build-base\nCMD ["/app"]', errors: [{ messageId: 'package', line: 2, data: { package: 'build-base' } }] },
    { code: 'FROM node:20-slim\nRUN npm ci', errors: [{ messageId: 'devDependencies', line: 2, data: { verb: 'ci' } }] },
    { code: 'FROM golang:1.22\nRUN go build -o /app .', errors: [{ messageId: 'command', line: 2, data: { command: 'go build' } }] },
    // the packages of src/knowledge/toolchains.ts, whose paths analyze's build-toolchains finding looks for
    { code: 'FROM debian:12-slim\nRUN apt-get install -y golang-1.22-go\nCMD ["/app"]', errors: [{ messageId: 'package', line: 2, data: { package: 'golang-1.22-go' } }] },
    { code: 'FROM debian:12-slim\nRUN apt-get install -y openjdk-17-jdk-headless\nCMD ["/app"]', errors: [{ messageId: 'package', line: 2, data: { package: 'openjdk-17-jdk-headless' } }] },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache openjdk17-jdk\nCMD ["/app"]', errors: [{ messageId: 'package', line: 2, data: { package: 'openjdk17-jdk' } }] },
    { name: '--target makes a build stage final', code: 'FROM debian:12 AS build\nRUN apt-get install -y gcc\nCMD ["/app"]\nFROM debian:12-slim', target: 'build', errors: [{ messageId: 'package', line: 2 }] },
  ],
});
