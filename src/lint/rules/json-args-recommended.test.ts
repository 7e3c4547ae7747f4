import rule from './json-args-recommended.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'pwsh SHELL without any RUN: CMD runs under pwsh', code: 'FROM mcr.microsoft.com/powershell:7.4-debian-12\nSHELL ["pwsh", "-Command"]\nCMD Write-Host hello' },
    'FROM node:20-slim\nCMD ["node", "server.js"]',
    'FROM node:20-slim\nENTRYPOINT ["/entrypoint.sh"]',
    'FROM node:20-slim\nCMD exec node server.js',
    { name: 'build-only stage', code: 'FROM node:20 AS b\nCMD node x\nFROM node:20-slim\nCMD ["node"]' },
    { name: 'Windows shell', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Write-Host hi\nCMD Write-Host hi' },
  ],
  invalid: [
    { name: 'no fix for an ENTRYPOINT when the stage has a CMD: the exec form would append it', code: 'FROM node:20-slim\nCMD ["a"]\nENTRYPOINT run --fast\n', errors: [{ messageId: 'shellForm', line: 3 }], output: null },
    { code: 'FROM node:20-slim\nCMD node server.js', errors: [{ messageId: 'shellForm', line: 2, column: 1, data: { keyword: 'CMD' } }], output: 'FROM node:20-slim\nCMD ["node", "server.js"]' },
    { name: 'no fix when the command uses shell syntax', code: 'FROM node:20-slim\nENTRYPOINT node server.js --port $PORT', errors: [{ messageId: 'shellForm', line: 2 }], output: null },
  ],
});
