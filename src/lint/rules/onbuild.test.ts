import rule from './onbuild.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM node:20-slim\nRUN npm ci', { name: 'a forbidden trigger is onbuild-forbidden-trigger\'s', code: 'FROM node:20-slim\nONBUILD MAINTAINER x' }],
  invalid: [
    { code: 'FROM node:20-slim\nONBUILD COPY . /app', errors: [{ messageId: 'trigger', line: 2, column: 1, data: { trigger: 'COPY' } }] },
    { name: 'a RUN trigger', code: 'FROM node:20-slim\nONBUILD RUN npm ci', errors: [{ messageId: 'trigger', line: 2, data: { trigger: 'RUN' } }] },
  ],
});
