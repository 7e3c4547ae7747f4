import rule from './workdir-relative.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim\nWORKDIR /app',
    'FROM node:20-slim\nWORKDIR /app\nWORKDIR src',
    'FROM node:20-slim\nWORKDIR $HOME/app',
    { name: 'quoted absolute path', code: 'FROM node:20-slim\nWORKDIR "/app"' },
    { name: 'absolute WORKDIR in the stage it is FROM', code: 'FROM node:20-slim AS base\nWORKDIR /app\nFROM base\nWORKDIR src' },
    { name: 'Windows path', code: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app' },
  ],
  invalid: [{ code: 'FROM node:20-slim\nWORKDIR app', errors: [{ messageId: 'relative', line: 2, column: 9, data: { path: 'app' } }] }],
});
