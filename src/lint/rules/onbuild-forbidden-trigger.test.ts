import rule from './onbuild-forbidden-trigger.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM node:20-slim\nONBUILD COPY . /app', 'FROM node:20-slim\nRUN npm ci', { name: 'FROM on its own line is no trigger', code: 'FROM node:20-slim AS a\nFROM a' }],
  invalid: [
    { code: 'FROM node:20-slim\nONBUILD MAINTAINER x', errors: [{ messageId: 'forbidden', line: 2, column: 1, data: { trigger: 'MAINTAINER' } }] },
    { code: 'FROM node:20-slim\nONBUILD FROM alpine:3.20', errors: [{ messageId: 'forbidden', line: 2, data: { trigger: 'FROM' } }] },
    { name: 'lower-case keywords', code: 'FROM node:20-slim\nonbuild onbuild run true', errors: [{ messageId: 'forbidden', line: 2, data: { trigger: 'ONBUILD' } }] },
  ],
});
