import rule from './node-package-cache.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'yarn --version installs nothing', code: 'FROM node:20-slim\nRUN yarn --version && yarn -v' },
    { name: 'pnpm store under $PNPM_HOME on a cache mount (pnpm\'s Docker guide)', code: 'FROM node:20-slim AS base\nENV PNPM_HOME="/pnpm"\nFROM base AS build\nRUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile\nFROM base\nCOPY --from=build /app /app' },
    { name: 'pnpm --store-dir on a cache mount', code: 'FROM node:20-slim\nRUN --mount=type=cache,target=/cache/pnpm pnpm install --store-dir /cache/pnpm' },
    { name: 'heredoc with cache clean after the install', code: 'FROM node:20-slim\nRUN <<EOF\nset -e\nnpm ci --omit=dev\nnpm cache clean --force\nEOF\n' },
    { name: 'cache mount on the node user\'s npm cache', code: 'FROM node:20-slim\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci --omit=dev' },
    'FROM node:20-slim\nRUN npm ci --omit=dev && npm cache clean --force',
    { name: 'cache mount', code: 'FROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci' },
    'FROM node:20-slim\nRUN yarn install --frozen-lockfile && yarn cache clean',
    'FROM node:20-slim\nRUN pnpm install --frozen-lockfile && pnpm store prune',
    'FROM node:20-slim\nRUN npm ci && rm -rf /root/.npm',
    'FROM node:20-slim\nRUN npm run build',
    { name: 'npm cache on a tmpfs via --cache', code: 'FROM node:20-slim\nRUN --mount=type=tmpfs,target=/tmp/npm npm ci --cache /tmp/npm' },
  ],
  invalid: [
    { name: 'yarn global add fills the yarn cache too', code: 'FROM node:20-slim\nRUN yarn global add serve', errors: [{ messageId: 'missing', line: 2, data: { tool: 'yarn', cache: '/usr/local/share/.cache/yarn', clean: 'yarn cache clean' } }], output: 'FROM node:20-slim\nRUN yarn global add serve && yarn cache clean' },
    { name: 'set -e script: the clean is its own command when statements follow', code: 'FROM node:20-slim\nRUN set -eux; npm ci; node -e 1\n', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM node:20-slim\nRUN set -eux; npm ci; npm cache clean --force; node -e 1\n' },
    { name: 'pnpm with PNPM_HOME but no mount: the message names $PNPM_HOME/store', code: 'FROM node:20-slim\nENV PNPM_HOME=/pnpm\nRUN pnpm install --frozen-lockfile', errors: [{ messageId: 'missing', line: 3, data: { tool: 'pnpm', cache: '/pnpm/store', clean: 'pnpm store prune' } }] },
    { name: 'cache clean in another RUN', code: 'FROM node:20-slim\nRUN npm ci --omit=dev\nRUN npm cache clean --force', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM node:20-slim\nRUN npm ci --omit=dev && npm cache clean --force\nRUN npm cache clean --force' },
    { name: 'non-root user: the cache is in its home', code: 'FROM node:20-slim\nUSER node\nRUN npm ci --omit=dev', errors: [{ messageId: 'missing', line: 3, data: { tool: 'npm', cache: '/home/node/.npm', clean: 'npm cache clean --force' } }], output: 'FROM node:20-slim\nUSER node\nRUN npm ci --omit=dev && npm cache clean --force' },
    { code: 'FROM node:20-slim\nRUN npm ci', errors: [{ messageId: 'missing', line: 2, column: 5, data: { tool: 'npm', cache: '/root/.npm', clean: 'npm cache clean --force' } }], output: 'FROM node:20-slim\nRUN npm ci && npm cache clean --force' },
    { name: 'bare yarn installs', code: 'FROM node:20-slim\nRUN yarn', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM node:20-slim\nRUN yarn && yarn cache clean' },
    { name: 'clean before install', code: 'FROM node:20-slim\nRUN npm cache clean --force && npm install', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM node:20-slim\nRUN npm cache clean --force && npm install && npm cache clean --force' },
    { name: 'build-only stage', code: 'FROM node:20 AS build\nRUN npm ci && npm run build\nFROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html', errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }] },
  ],
});
