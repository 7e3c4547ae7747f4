// The structural fixes of `whittle fix --unsafe`: golden rewrites, the cases each declines,
// idempotence, CRLF, and that every result parses and lints no worse.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { fixTextSync } from '../src/fix/engine.js';
import { lintTextSync } from '../src/lint/engine.js';
import { initShellParser } from '../src/shell/parser.js';

beforeAll(async () => {
  await initShellParser();
});
const tmp = mkdtempSync(join(tmpdir(), 'whittle-structural-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fix = (text: string, rule: string) => fixTextSync(text, { only: [rule] }).output;

const GOLDEN: { rule: string; name: string; before: string; after: string }[] = [
  {
    rule: 'root-user', name: 'node image: its own node user, before CMD, given the WORKDIR it starts in (the directory alone)',
    before: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
    after: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev \\\n    && mkdir -p /app && chown node:node /app\nUSER node\nCMD ["node", "server.js"]\n',
  },
  {
    rule: 'root-user', name: 'Debian family: a WORKDIR after the last RUN is made and given to the new user in a RUN of its own',
    before: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nWORKDIR /srv/app\nCOPY . .\nCMD ["python", "app.py"]\n',
    after: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nWORKDIR /srv/app\nCOPY . .\nRUN groupadd --system app && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app && mkdir -p /srv/app && chown app:app /srv/app\nUSER app\nCMD ["python", "app.py"]\n',
  },
  {
    rule: 'root-user', name: 'distroless: no shell to give it the WORKDIR, so USER alone',
    before: 'FROM gcr.io/distroless/static-debian12\nWORKDIR /app\nCOPY server /app/server\nENTRYPOINT ["/app/server"]\n',
    after: 'FROM gcr.io/distroless/static-debian12\nWORKDIR /app\nCOPY server /app/server\nUSER nonroot\nENTRYPOINT ["/app/server"]\n',
  },
  {
    rule: 'root-user', name: 'Debian family: the user is created in the last RUN, CRLF kept',
    before: 'FROM python:3.12-slim\r\nRUN pip install --no-cache-dir flask\r\nENTRYPOINT ["python"]\r\nRUN echo late\r\nCMD ["app.py"]\r\n',
    after: 'FROM python:3.12-slim\r\nRUN pip install --no-cache-dir flask\r\nENTRYPOINT ["python"]\r\nRUN echo late \\\r\n    && groupadd --system app && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app\r\nUSER app\r\nCMD ["app.py"]\r\n',
  },
  {
    rule: 'root-user', name: 'Debian family after a COPY: a RUN of its own',
    before: 'FROM debian:bookworm-slim\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
    after: 'FROM debian:bookworm-slim\nCOPY app /usr/local/bin/app\nRUN groupadd --system app && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app\nUSER app\nCMD ["app"]\n',
  },
  {
    rule: 'root-user', name: 'Alpine: addgroup/adduser -S with a home, in the RUN before the command, with the escape directive',
    before: '# escape=`\nFROM alpine:3.20\nRUN apk add --no-cache curl\nCMD ["curl", "--version"]',
    after: '# escape=`\nFROM alpine:3.20\nRUN apk add --no-cache curl `\n    && addgroup -S app && adduser -S -G app -h /home/app -s /sbin/nologin app\nUSER app\nCMD ["curl", "--version"]',
  },
  {
    rule: 'root-user', name: 'scratch: a numeric user',
    before: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    after: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
  },
  {
    rule: 'heavy-base-image', name: 'node → node:20-slim',
    before: 'FROM node:20\nCOPY . .\nCMD ["node", "a.js"]\n',
    after: 'FROM node:20-slim\nCOPY . .\nCMD ["node", "a.js"]\n',
  },
  {
    rule: 'heavy-base-image', name: 'debian without a tag → stable-slim (the release it pulls today, not an older one); a compiler the stage installs itself is fine',
    before: 'FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/* && gcc -v\n',
    after: 'FROM debian:stable-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/* && gcc -v\n',
  },
  {
    rule: 'copy-before-dependency-install', name: 'npm: manifests first, the install, then the sources; COPY flags kept',
    before: 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN npm ci --omit=dev && npm cache clean --force\nUSER node\nCMD ["node", "server.js"]\n',
    after: 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node package.json package-lock.json* npm-shrinkwrap.json* ./\nRUN npm ci --omit=dev && npm cache clean --force\nCOPY --chown=node:node . .\nUSER node\nCMD ["node", "server.js"]\n',
  },
  {
    rule: 'copy-before-dependency-install', name: 'pip -r into the WORKDIR given as an absolute path',
    before: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n',
    after: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt /app/\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . /app\nCMD ["python", "app.py"]\n',
  },
  {
    rule: 'copy-before-dependency-install', name: 'go mod download',
    before: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN CGO_ENABLED=0 go build -o /app .\n',
    after: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum* ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Go: a builder stage and a distroless runtime with the static binary only',
    before: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app ./cmd/app\nEXPOSE 8080\nENV PORT=8080\nCMD ["app"]\n',
    after: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/app ./cmd/app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /usr/local/bin/app /usr/local/bin/app\nWORKDIR /src\nEXPOSE 8080\nENV PORT=8080\nCMD ["app"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Go: a relative -o under WORKDIR, an ENTRYPOINT by absolute path, CRLF',
    before: 'FROM golang:1.22-bookworm\r\nWORKDIR /app\r\nCOPY . .\r\nRUN CGO_ENABLED=0 go build -o server .\r\nENTRYPOINT ["/app/server"]\r\n',
    after: 'FROM golang:1.22-bookworm AS build\r\nWORKDIR /app\r\nCOPY . .\r\nRUN CGO_ENABLED=0 go build -o server .\r\nFROM gcr.io/distroless/static-debian12:nonroot\r\nCOPY --from=build /app/server /app/server\r\nWORKDIR /app\r\nENTRYPOINT ["/app/server"]\r\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Node: install and build in the builder, prune devDependencies, ship the app directory on the same image',
    before: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nENV PORT=3000\nEXPOSE 3000\nCMD ["node", "dist/server.js"]\n',
    after: 'FROM node:20 AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nRUN npm prune --omit=dev\nFROM node:20\nWORKDIR /app\nCOPY --from=build /app /app\nENV PORT=3000\nEXPOSE 3000\nCMD ["node", "dist/server.js"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Node: node-gyp toolchain left in the builder; ENV and ARG before the split replayed in order; production install needs no prune; CRLF',
    before: 'FROM node:20-bookworm\r\nARG PORT=8080\r\nRUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*\r\nENV NODE_ENV=production PORT=$PORT\r\nWORKDIR /usr/src/app\r\nCOPY package.json package-lock.json ./\r\nRUN npm ci && npm cache clean --force\r\nCOPY . .\r\nUSER node\r\nCMD ["node", "index.js"]\r\n',
    after: 'FROM node:20-bookworm AS build\r\nARG PORT=8080\r\nRUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*\r\nENV NODE_ENV=production PORT=$PORT\r\nWORKDIR /usr/src/app\r\nCOPY package.json package-lock.json ./\r\nRUN npm ci && npm cache clean --force\r\nCOPY . .\r\nFROM node:20-bookworm\r\nARG PORT=8080\r\nENV NODE_ENV=production PORT=$PORT\r\nWORKDIR /usr/src/app\r\nCOPY --from=build /usr/src/app /usr/src/app\r\nUSER node\r\nCMD ["node", "index.js"]\r\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Node on a rolling tag (lts-alpine) has npm ≥ 7: --omit=dev',
    before: 'FROM node:lts-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/main.js"]\n',
    after: 'FROM node:lts-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nRUN npm prune --omit=dev\nFROM node:lts-alpine\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/main.js"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Node pinned by digest alone: the npm is unknown, so --production',
    before: 'FROM node@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/main.js"]\n',
    after: 'FROM node@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nRUN npm prune --production\nFROM node@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/main.js"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Node 14 prunes with --production; a named builder keeps its name',
    before: 'FROM node:14 AS app\nWORKDIR /srv\nCOPY . .\nRUN npm install && npx tsc -p .\nCMD ["node", "out/main.js"]\n',
    after: 'FROM node:14 AS app\nWORKDIR /srv\nCOPY . .\nRUN npm install && npx tsc -p .\nRUN npm prune --production\nFROM node:14\nWORKDIR /srv\nCOPY --from=app /srv /srv\nCMD ["node", "out/main.js"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Node on a base of its own: its npm may be older than 7, so --production (every npm knows it)',
    before: 'FROM registry.example.com/team/node-base:7a0daa74\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/main.js"]\n',
    after: 'FROM registry.example.com/team/node-base:7a0daa74 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nRUN npm prune --production\nFROM registry.example.com/team/node-base:7a0daa74\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/main.js"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Python: a venv built with the compiler in the builder, the files and config replayed in the final stage',
    before: 'FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libffi-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 8000\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n',
    after: 'FROM python:3.12-slim AS build\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nENV PYTHONUNBUFFERED=1\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libffi-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nFROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY requirements.txt .\nCOPY --from=build /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY . .\nEXPOSE 8000\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n',
  },
  {
    rule: 'build-tools-in-final-stage', name: 'Python on Alpine: pip installs the project itself; a RUN after the split stays in the final stage',
    before: 'FROM python:3.12-alpine\nWORKDIR /app\nCOPY . .\nRUN apk add --no-cache gcc musl-dev && pip install --no-cache-dir .\nRUN python -m compileall -q /app\nCMD ["myapp"]\n',
    after: 'FROM python:3.12-alpine AS build\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nWORKDIR /app\nCOPY . .\nRUN apk add --no-cache gcc musl-dev && pip install --no-cache-dir .\nFROM python:3.12-alpine\nWORKDIR /app\nCOPY . .\nCOPY --from=build /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nRUN python -m compileall -q /app\nCMD ["myapp"]\n',
  },
];

const DECLINED: { rule: string; name: string; text: string }[] = [
  { rule: 'build-tools-in-final-stage', name: 'the node split when the entrypoint runs a package binary (it may be a devDependency the prune removes)', text: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nENTRYPOINT ["node_modules/.bin/serve", "dist"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'the node split when the command runs npx', text: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD npx serve dist\n' },
  { rule: 'root-user', name: 'a base image (no CMD or ENTRYPOINT): images built FROM it install as root', text: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n' },
  { rule: 'root-user', name: 'a GitHub Action runs as root', text: 'FROM debian:12-slim\nLABEL "com.github.actions.name"="lint"\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n' },
  { rule: 'root-user', name: 'a VOLUME the engine creates owned by root', text: 'FROM debian:12-slim\nVOLUME /data\nCMD ["sh", "-c", "date > /data/x"]\n' },
  { rule: 'root-user', name: 'an entrypoint executable by its owner only', text: 'FROM debian:12-slim\nCOPY run.sh /run.sh\nRUN chmod 744 /run.sh\nENTRYPOINT ["/run.sh"]\n' },
  { rule: 'root-user', name: 'COPY --chmod=700 of the entrypoint', text: 'FROM debian:12-slim\nCOPY --chmod=700 run.sh /usr/local/bin/run\nENTRYPOINT ["/usr/local/bin/run"]\n' },
  { rule: 'root-user', name: 'an explicit USER root', text: 'FROM debian:bookworm-slim\nUSER root\nCMD ["bash"]\n' },
  { rule: 'root-user', name: 'a base whose family is unknown', text: 'FROM registry.example.com/team/base:1\nCMD ["app"]\n' },
  { rule: 'root-user', name: 'a base from a build argument', text: 'ARG BASE=debian:bookworm\nFROM $BASE\nCMD ["app"]\n' },
  { rule: 'heavy-base-image', name: 'git used but not installed (the full image has it, slim does not)', text: 'FROM node:20\nRUN git clone https://example.com/x /app\n' },
  { rule: 'heavy-base-image', name: 'make from a stage built FROM this one', text: 'FROM python:3.12 AS base\nFROM base\nRUN make\n' },
  { rule: 'copy-before-dependency-install', name: 'an install RUN that also builds from the sources', text: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n' },
  { rule: 'copy-before-dependency-install', name: 'an instruction between the COPY and the install', text: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production\nRUN npm ci\n' },
  { rule: 'copy-before-dependency-install', name: 'sources copied somewhere the install does not run', text: 'FROM node:20-slim\nWORKDIR /app\nCOPY . /src\nRUN cd /src && npm ci\n' },
  { rule: 'copy-before-dependency-install', name: 'pip installing the project itself', text: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt .\n' },
  { rule: 'build-tools-in-final-stage', name: 'Go with cgo turned on', text: 'FROM golang:1.22\nRUN CGO_ENABLED=1 go build -o /app .\nCMD ["/app"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Go with a RUN after the build (distroless has no shell)', text: 'FROM golang:1.22\nRUN go build -o /app .\nRUN /app --selftest\nCMD ["/app"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Go whose command is not the built binary', text: 'FROM golang:1.22\nRUN go build -o /app .\nCMD ["go", "run", "."]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Go with a shell-form command', text: 'FROM golang:1.22\nRUN go build -o /app .\nCMD /app --port 80\n' },
  { rule: 'build-tools-in-final-stage', name: 'Go with an ENV the runtime stage would lose', text: 'FROM golang:1.22\nENV APP_MODE=prod\nRUN go build -o /app .\nCMD ["/app"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Go without -o', text: 'FROM golang:1.22\nWORKDIR /src\nRUN go build ./...\nCMD ["/src/app"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: a global install (its files are outside the app directory)', text: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm install -g pm2 && npm run build\nCMD ["pm2-runtime", "server.js"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: a runtime library installed next to the compiler', text: 'FROM node:20\nRUN apt-get update && apt-get install -y g++ libvips-dev\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: no WORKDIR (the app would be the whole filesystem)', text: 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: a file written outside the app directory', text: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build && cp dist/cli.js /usr/local/bin/cli\nCMD ["cli"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: USER before the build (the copied files would change owner)', text: 'FROM node:20\nWORKDIR /home/node/app\nUSER node\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: yarn installs (its prune is not npm\'s)', text: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && yarn install && yarn build\nCMD ["node", "dist/index.js"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Node: neither a build step nor build packages (--omit=dev is the fix)', text: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Python: a -dev package whose library Python does not link (libpq would be missing)', text: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Python: pip install --user', text: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY . /app\nRUN pip install --user -r /app/requirements.txt\nCMD ["python", "/app/app.py"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Python: a RUN before the install that makes files the final stage would lack', text: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc && mkdir /data\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Python: a compiler used after the install', text: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN make assets\nCMD ["python", "app.py"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Python: the image\'s own interpreter by absolute path (it would not see the venv)', text: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["/usr/local/bin/python", "app.py"]\n' },
  { rule: 'build-tools-in-final-stage', name: 'Python: a venv of its own', text: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc\nRUN python -m venv /venv\nWORKDIR /app\nCOPY . .\nRUN /venv/bin/pip install -r requirements.txt\nCMD ["/venv/bin/python", "app.py"]\n' },
  { rule: 'heavy-base-image', name: 'golang, whose smaller form changes the build', text: 'FROM golang:1.22\nRUN go build ./...\n' },
];

function lintCount(text: string): number {
  return lintTextSync(text).diagnostics.length;
}

describe('structural fixes', () => {
  it.each(GOLDEN)('$rule: $name', ({ rule, before, after }) => {
    const out = fix(before, rule);
    expect(out).toBe(after);
    expect(fix(out, rule)).toBe(out); // idempotent
    expect(() => parseDockerfile(out)).not.toThrow();
    expect(lintCount(out)).toBeLessThan(lintCount(before));
    expect(lintTextSync(out).diagnostics.some((d) => d.ruleId === rule)).toBe(false);
  });

  it.each(DECLINED)('$rule declines: $name', ({ rule, text }) => {
    expect(fix(text, rule)).toBe(text);
  });

  it('apply one at a time, the multi-stage split first, so later ones see the new stages', () => {
    const before = 'FROM golang:1.22\nRUN go build -o /usr/local/bin/app .\nCMD ["app"]\n';
    const r = fixTextSync(before, { unsafe: true });
    expect(r.output).toBe('FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /usr/local/bin/app /usr/local/bin/app\nCMD ["app"]\n');
    expect(r.rejected).toBeNull();
    expect(lintTextSync(r.output).diagnostics.some((d) => d.ruleId === 'root-user')).toBe(false);
  });

  it('are applied by whittle fix --unsafe only', () => {
    const file = join(tmp, 'Dockerfile');
    const before = 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
    writeFileSync(file, before);
    const safe = spawnSync(process.execPath, ['bin/whittle.js', 'fix', file, '--write'], { encoding: 'utf8' });
    expect(safe.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const unsafe = spawnSync(process.execPath, ['bin/whittle.js', 'fix', file, '--write', '--unsafe'], { encoding: 'utf8' });
    expect(unsafe.status).toBe(0);
    // the user gets the directory the container starts in (the directory alone: no file is copied again)
    expect(readFileSync(file, 'utf8')).toBe('FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN mkdir -p /app && chown node:node /app\nUSER node\nCMD ["node", "server.js"]\n');
  });
});
