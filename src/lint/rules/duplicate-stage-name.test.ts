import rule from './duplicate-stage-name.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: ['FROM node:20 AS build\nFROM node:20-slim AS run', 'FROM node:20\nFROM node:20-slim'],
  invalid: [
    { code: 'FROM node:20 AS build\nFROM node:20-slim AS build', errors: [{ messageId: 'duplicate', line: 2, column: 22, data: { name: 'build', line: 1 } }] },
    { name: 'case-insensitive', code: 'FROM node:20 AS Build\nFROM node:20-slim as BUILD', errors: [{ messageId: 'duplicate', line: 2 }] },
  ],
});
