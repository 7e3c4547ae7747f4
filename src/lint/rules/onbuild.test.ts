import rule from './onbuild.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM node:20-slim\nRUN npm ci'],
  invalid: [
    { code: 'FROM node:20-slim\nONBUILD COPY . /app', errors: [{ messageId: 'trigger', line: 2, column: 1, data: { trigger: 'COPY' } }] },
    { code: 'FROM node:20-slim\nONBUILD MAINTAINER x', errors: [{ messageId: 'forbidden', line: 2, severity: 'error' }] },
  ],
});
