import rule from './npm-as-pid1.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim\nCMD ["node", "server.js"]',
    { name: 'a build stage\'s command never runs', code: 'FROM node:20 AS build\nCMD ["npm", "start"]\nFROM node:20-slim\nCMD ["node", "dist/server.js"]' },
    { name: 'npm that runs no script', code: 'FROM node:20-slim\nENTRYPOINT ["npm"]\nCMD ["--version"]' },
    { name: 'yarn\'s own commands', code: 'FROM node:20-slim\nCMD ["yarn", "install"]' },
    { name: 'a stage built FROM this one replaces its command', code: 'FROM node:20-slim AS base\nCMD ["npm", "start"]\nFROM base\nCMD ["node", "server.js"]' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "start"]', errors: [{ messageId: 'packageManager', line: 3, column: 1, data: { command: 'npm start', manager: 'npm', keyword: 'CMD' } }] },
    { name: 'shell form and exec', code: 'FROM node:20-slim\nCMD exec npm run serve', errors: [{ messageId: 'packageManager', line: 2, data: { command: 'npm run serve', manager: 'npm', keyword: 'CMD' } }] },
    { name: 'yarn runs a script by name', code: 'FROM node:20-slim\nENTRYPOINT ["yarn", "serve"]', errors: [{ messageId: 'packageManager', line: 2, data: { command: 'yarn serve', manager: 'yarn', keyword: 'ENTRYPOINT' } }] },
    { name: 'sh -c in exec form', code: 'FROM node:20-slim\nCMD ["/bin/sh", "-c", "pnpm start"]', errors: [{ messageId: 'packageManager', line: 2, data: { command: 'pnpm start', manager: 'pnpm', keyword: 'CMD' } }] },
  ],
});
