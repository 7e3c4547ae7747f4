import rule, { looksSecret } from './secret-in-arg-env.js';
import { ruleTester } from '../testing.js';
import { describe, expect, it } from 'vitest';

ruleTester(rule, {
  valid: [
    'FROM python:3.12-slim\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
    'FROM postgres:16\nENV POSTGRES_PASSWORD_FILE=/run/secrets/pw',
    'FROM node:20-slim\nARG NODE_VERSION=20',
    'FROM node:20-slim\nENV PUBLIC_KEY_URL=https://x.io/k',
  ],
  invalid: [
    { code: 'FROM node:20-slim\nARG NPM_TOKEN', errors: [{ messageId: 'secret', line: 2, column: 5, data: { kind: 'ARG', name: 'NPM_TOKEN', id: 'npm-token', where: 'build-arg values are recorded in the image history and provenance of every layer that uses them' } }] },
    { code: 'FROM postgres:16\nENV POSTGRES_PASSWORD=hunter2 PGDATA=/data', errors: [{ messageId: 'secret', line: 2, column: 5 }] },
    { code: 'FROM node:20-slim\nENV AWS_SECRET_ACCESS_KEY abc', errors: [{ messageId: 'secret', line: 2 }] },
    { code: 'FROM node:20-slim\nARG apiKey=1', errors: [{ messageId: 'secret', line: 2 }] },
  ],
});

describe('looksSecret', () => {
  it.each([
    ['DB_PASSWORD', true],
    ['GITHUB_TOKEN', true],
    ['STRIPE_API_KEY', true],
    ['SSH_PRIVATE_KEY', true],
    ['GPG_KEY', false],
    ['TOKEN_URL', false],
    ['KEYCLOAK_HOST', false],
    ['TOKENIZERS_PARALLELISM', false],
  ])('%s → %s', (name, want) => expect(looksSecret(name)).toBe(want));
});
