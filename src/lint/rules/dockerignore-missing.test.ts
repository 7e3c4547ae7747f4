import rule, { excludes } from './dockerignore-missing.js';
import { ruleTester } from '../testing.js';
import { describe, expect, it } from 'vitest';

ruleTester(rule, {
  valid: [
    { name: 'a .dockerignore that misses .env, in a context without one', code: 'FROM node:20-slim\nCOPY . /app', dockerignore: '.git\nnode_modules\n', contextEntries: ['Dockerfile', '.git', 'node_modules', 'server.js'] },
    { name: 'no .dockerignore, but nothing of the kind in the context', code: 'FROM node:20-slim\nCOPY . /app', dockerignore: null, contextEntries: ['Dockerfile', 'server.js', 'package.json'] },
    { name: 'excludes all three', code: 'FROM node:20-slim\nCOPY . .', dockerignore: '.git\nnode_modules\n.env\n' },
    { name: 'allow-list style', code: 'FROM node:20-slim\nCOPY . .', dockerignore: '# allow-list style\n*\n!src\n!package.json\n' },
    { name: 'globs and anchored patterns', code: 'FROM node:20-slim\nCOPY . .', dockerignore: '**/.git\n/node_modules/\n.env*\n' },
    { name: 'unknown (stdin) context', code: 'FROM node:20-slim\nCOPY . .' },
    { name: 'only named files copied', code: 'FROM node:20-slim\nCOPY src ./src', dockerignore: null },
    { name: 'COPY --from a stage is not the context', code: 'FROM node:20 AS b\nFROM node:20-slim\nCOPY --from=b . .', dockerignore: null },
  ],
  invalid: [
    { name: 'names only what the context holds', code: 'FROM node:20-slim\nCOPY . /app', dockerignore: null, contextEntries: ['Dockerfile', '.git', 'server.js'], errors: [{ messageId: 'missing', line: 2, data: { source: '.', what: '.git history', names: '.git' } }] },
    { code: 'FROM node:20-slim\nCOPY . .', dockerignore: null, errors: [{ messageId: 'missing', line: 2, column: 6 }] },
    { code: 'FROM node:20-slim\nCOPY . .', dockerignore: 'node_modules\n', errors: [{ messageId: 'incomplete', line: 2, data: { source: '.', names: '.git, .env' } }] },
    { name: 'negation re-includes .env', code: 'FROM node:20-slim\nADD ./ /app', dockerignore: '.git\nnode_modules\n.env\n!.env\n', errors: [{ messageId: 'incomplete', line: 2, data: { source: './', names: '.env' } }] },
  ],
});

describe('excludes', () => {
  it.each([
    ['.git', '.git', true],
    ['.git/', '.git', true],
    ['*.md', '.git', false],
    ['**/node_modules', 'node_modules', true],
    ['.env*', '.env', true],
    ['*\n!.env', '.env', false],
  ])('%j excludes %s: %s', (ignore, name, want) => {
    expect(excludes(ignore, name)).toBe(want);
  });
});
