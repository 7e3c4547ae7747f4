import rule from './recursive-chown-after-copy.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim\nCOPY --chown=node:node . /app',
    'FROM node:20-slim\nRUN chown -R node /data\nCOPY . /app',
    { name: 'non-recursive chown of one file', code: 'FROM node:20-slim\nCOPY app.js /app/\nRUN chown node /app/app.js' },
    { name: 'unrelated directory', code: 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node /var/log/app' },
    { name: 'build-only stage', code: 'FROM node:20 AS b\nCOPY . /src\nRUN chown -R node /src\nFROM node:20-slim\nCOPY --from=b /src/dist /app' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node:node /app', errors: [{ messageId: 'duplicate', line: 3, column: 5, data: { command: 'chown', line: 2, flag: 'chown' } }], output: 'FROM node:20-slim\nCOPY --chown=node:node . /app\n' },
    { name: 'relative to WORKDIR', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN chmod -R 755 .', errors: [{ messageId: 'duplicate', line: 4, data: { command: 'chmod', line: 3, flag: 'chmod' } }] },
    { name: 'parent of the copy destination', code: 'FROM node:20-slim\nCOPY dist /srv/app/dist\nRUN chown -R app /srv', errors: [{ messageId: 'duplicate', line: 3 }] },
  ],
});
