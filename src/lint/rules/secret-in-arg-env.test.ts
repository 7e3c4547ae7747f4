import rule, { looksSecret } from './secret-in-arg-env.js';
import { ruleTester } from '../testing.js';
import { describe, expect, it } from 'vitest';

ruleTester(rule, {
  valid: [
    'FROM python:3.12-slim\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
    'FROM postgres:16\nENV POSTGRES_PASSWORD_FILE=/run/secrets/pw',
    'FROM node:20-slim\nARG NODE_VERSION=20',
    'FROM node:20-slim\nENV PUBLIC_KEY_URL=https://x.io/k',
    { name: 'a version is not a secret (and VERSION ends the name)', code: 'FROM debian:12\nENV DOCKER_AUTH_VERSION 1.5.0' },
    { name: 'an ENV flag or path value is not a secret', code: 'FROM debian:12\nENV SMTP_AUTH=true ROOT_PASSWORD_PATH=/run/secrets/pw DB_TOKEN=/run/secrets/t' },
    { name: 'bypass and compass are not pass', code: 'FROM debian:12\nENV BYPASS_CACHE=x ENCOMPASS=y' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nARG NPM_TOKEN', errors: [{ messageId: 'secret', line: 2, column: 5, data: { kind: 'ARG', name: 'NPM_TOKEN', word: 'TOKEN', id: 'npm-token', where: 'build-arg values are recorded in the image history and provenance of every layer that uses them' } }] },
    { code: 'FROM postgres:16\nENV POSTGRES_PASSWORD=hunter2 PGDATA=/data', errors: [{ messageId: 'secret', line: 2, column: 5 }] },
    { code: 'FROM node:20-slim\nENV AWS_SECRET_ACCESS_KEY abc', errors: [{ messageId: 'secret', line: 2 }] },
    { code: 'FROM node:20-slim\nARG apiKey=1', errors: [{ messageId: 'secret', line: 2 }] },
    { name: 'words run together: ROOTPASS', code: 'FROM debian:12\nENV LDAP_ROOTPASS=fsociety', errors: [{ messageId: 'secret', line: 2, data: { kind: 'ENV', name: 'LDAP_ROOTPASS', word: 'ROOT PASS', id: 'ldap-rootpass', where: 'ENV values are saved in the image config, readable by anyone who can pull the image (docker inspect)' } }] },
    { name: 'a license key', code: 'FROM debian:12\nENV LICENSE_KEY 9F2A-77QX-1234', errors: [{ messageId: 'secret', line: 2, data: { kind: 'ENV', name: 'LICENSE_KEY', word: 'LICENSE KEY', id: 'license-key', where: 'ENV values are saved in the image config, readable by anyone who can pull the image (docker inspect)' } }] },
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
    ['LDAP_ROOTPASS', true],
    ['MYSQL_ROOT_PASSWORD', true],
    ['DBPASSWORD', true],
    ['LICENSE_KEY', true],
    ['DOCKER_AUTH_VERSION', false],
    ['BYPASS_PROXY', false],
    ['SMTP_AUTH_METHOD', false],
  ])('%s → %s', (name, want) => expect(looksSecret(name)).toBe(want));
});
