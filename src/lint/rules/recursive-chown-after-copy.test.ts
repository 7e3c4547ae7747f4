import rule from './recursive-chown-after-copy.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim\nCOPY --chown=node:node . /app',
    'FROM node:20-slim\nRUN chown -R node /data\nCOPY . /app',
    { name: 'non-recursive chown of one file', code: 'FROM node:20-slim\nCOPY app.js /app/\nRUN chown node /app/app.js' },
    { name: 'unrelated directory', code: 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node /var/log/app' },
    { name: 'the RUN that cloned the tree chowns it itself (one layer)', code: 'FROM debian:12-slim\nRUN git clone https://example.com/app.git /opt/app && chown -R app:app /opt/app' },
    { name: 'an extracted tarball need not hold the directory chowned below it', code: 'FROM debian:12-slim\nRUN tar -xzf /tmp/tools.tgz -C /usr/local\nRUN chown -R app /usr/local/app' },
    { name: 'a directory an earlier RUN only created is empty', code: 'FROM debian:12-slim\nRUN mkdir -p /data\nRUN chown -R app /data' },
    { name: 'a global npm install writes elsewhere', code: 'FROM node:20-slim\nWORKDIR /app\nRUN npm install -g serve\nRUN chown -R node /app' },
    { name: 'a conditional clone is not known to have run', code: 'FROM debian:12-slim\nRUN if [ -n "$X" ]; then git clone https://example.com/a.git /opt/a; fi\nRUN chown -R app /opt/a' },
    { name: 'build-only stage', code: 'FROM node:20 AS b\nCOPY . /src\nRUN chown -R node /src\nFROM node:20-slim\nCOPY --from=b /src/dist /app' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node:node /app', errors: [{ messageId: 'duplicate', line: 3, column: 5, data: { command: 'chown', line: 2, flag: 'chown' } }], output: 'FROM node:20-slim\nCOPY --chown=node:node . /app\n' },
    { name: 'relative to WORKDIR', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN chmod -R 755 .', errors: [{ messageId: 'duplicate', line: 4, data: { command: 'chmod', line: 3, flag: 'chmod' } }] },
    { name: 'over a tree an earlier RUN cloned', code: 'FROM debian:12-slim\nRUN git clone --depth 1 https://example.com/tool.git /opt/tool\nRUN chown -R app:app /opt/tool', errors: [{ messageId: 'afterRun', line: 3, column: 5, data: { command: 'chown', line: 2, path: '/opt/tool' } }], output: null },
    { name: 'git clone without a directory names it after the repository', code: 'FROM debian:12-slim\nWORKDIR /src\nRUN git clone https://example.com/tool.git\nRUN chmod -R g+w tool', errors: [{ messageId: 'afterRun', line: 4, data: { command: 'chmod', line: 3, path: '/src/tool' } }], output: null },
    { name: 'node_modules that npm ci filled under the chowned app directory', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node package*.json ./\nRUN npm ci --omit=dev\nRUN chown -R node:node /app', errors: [{ messageId: 'afterRun', line: 5, data: { command: 'chown', line: 4, path: '/app/node_modules' } }], output: null },
    { name: 'a tarball extracted after cd, chowned in an official-image set -eux script', code: 'FROM debian:12-slim\nRUN set -eux; \\\n  mkdir -p /opt/app; \\\n  cd /opt/app; \\\n  tar -xzf /tmp/app.tgz\nRUN set -eux; chown -R app:app /opt/app', errors: [{ messageId: 'afterRun', line: 6, data: { command: 'chown', line: 2, path: '/opt/app' } }], output: null },
    { name: 'pip --target and a venv', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir --target /opt/deps requests\nRUN python3 -m venv /opt/venv\nRUN chown -R app /opt/deps /opt/venv', errors: [{ messageId: 'afterRun', line: 4, data: { command: 'chown', line: 2, path: '/opt/deps' } }], output: null },
    { name: 'parent of the copy destination', code: 'FROM node:20-slim\nCOPY dist /srv/app/dist\nRUN chown -R app /srv', errors: [{ messageId: 'duplicate', line: 3 }] },
  ],
});
