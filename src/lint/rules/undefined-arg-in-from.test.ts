import rule from './undefined-arg-in-from.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'ARG VERSION=20\nFROM node:${VERSION}-slim',
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS b',
    'ARG BASE\nFROM $BASE',
  ],
  invalid: [
    { code: 'FROM node:${VERSION}-slim', errors: [{ messageId: 'undefined', line: 1, column: 11, data: { name: 'VERSION', hint: '' } }] },
    { name: 'ARG declared after FROM does not count', code: 'FROM node:$V\nARG V=20', errors: [{ messageId: 'undefined', line: 1, column: 11 }] },
    { code: 'FROM node:${V:-20}', errors: [{ messageId: 'undefined', line: 1, data: { name: 'V', hint: ' (the :- default applies)' } }] },
  ],
});
