import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WhittleError } from '../errors.js';
import { entryCandidate, nodeScriptFile, readProject, resolveEntry } from './project.js';
import { filesMatcher } from './files.js';
import { enginesAllows } from './base-facts.js';
import { addonFacts, addonProblem, packageOf } from './native.js';
import { makeElf } from '../../test/support/elf-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-build-project-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('entry resolution', () => {
  it.each([
    ['node server.js', 'server.js'],
    ['node --enable-source-maps dist/index.js --port 3000', 'dist/index.js'],
    ['node -r dotenv/config app.js', 'app.js'],
    ['tsc && node dist/main.js', 'dist/main.js'],
    ['nodemon server.js', null],
    ['node', null],
  ])('the start script %j runs %j', (script, file) => {
    expect(nodeScriptFile(script)).toBe(file);
  });
  it.each([
    [{ main: 'lib/a.js', bin: 'b.js', scripts: { start: 'node c.js' } }, 'lib/a.js', 'package.json main'],
    [{ bin: { tool: 'b.js' }, scripts: { start: 'node c.js' } }, 'b.js', 'package.json bin'],
    [{ bin: { a: 'a.js', b: 'b.js' }, scripts: { start: 'node c.js' } }, 'c.js', 'the start script'],
    [{ scripts: { start: 'node c.js' } }, 'c.js', 'the start script'],
  ])('%j → %s (%s)', (pkg, file, from) => {
    expect(entryCandidate(pkg)).toEqual({ file, from });
  });
  it('tries FILE, FILE.js and FILE/index.js among the app files, and names a missing one', async () => {
    const have = (names: string[]) => async (rel: string) => names.includes(rel);
    expect(await resolveEntry({ main: './src' }, undefined, have(['src/index.js']))).toBe('src/index.js');
    expect(await resolveEntry({ main: 'server' }, undefined, have(['server.js']))).toBe('server.js');
    expect(await resolveEntry({ main: 'x.js' }, 'y.js', have(['y.js']))).toBe('y.js');
    await expect(resolveEntry({ main: 'gone.js' }, undefined, have([]))).rejects.toThrow('the entry gone.js (package.json main) is not among the app files');
    await expect(resolveEntry({}, undefined, have([]))).rejects.toThrow(/give --entry FILE/);
    await expect(resolveEntry({}, '../etc/passwd', have([]))).rejects.toThrow(/not a file inside the project/);
  });
});

describe('readProject', () => {
  it('finds npm\'s lock file first, and fails clearly without package.json or a lock file', async () => {
    const dir = join(tmp, 'p');
    mkdirSync(dir);
    await expect(readProject(dir)).rejects.toThrow(/has no package\.json/);
    writeFileSync(join(dir, 'package.json'), '{"name":"p"}');
    const err = await readProject(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect((err as Error).message).toMatch(/has no lock file \(package-lock\.json, .*whittle build installs only what a lock file pins/);
    writeFileSync(join(dir, 'yarn.lock'), '');
    expect((await readProject(dir)).manager).toBe('yarn');
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    expect(await readProject(dir)).toMatchObject({ manager: 'npm', lockFile: 'package-lock.json' });
    await expect(readProject(join(tmp, 'none'))).rejects.toThrow(/no such directory/);
  });
});

describe('package.json files', () => {
  it('takes the listed paths, everything below them, and package.json', () => {
    const keep = filesMatcher(['dist', 'bin/*.js']);
    expect(['package.json', 'dist/a.js', 'dist/x/y.js', 'bin/run.js', 'bin/run.sh', 'src/a.ts'].filter(keep)).toEqual([
      'package.json',
      'dist/a.js',
      'dist/x/y.js',
      'bin/run.js',
    ]);
  });
});

describe('engines.node', () => {
  it.each([
    ['>=18', 18, true],
    ['>=20', 18, false],
    ['^18.1.0', 18, true],
    ['18.x', 20, false],
    ['>=16 <19', 18, true],
    ['>=16 <18', 18, false],
    ['>18', 18, false],
    ['>18.1', 18, true],
    ['14 || 18', 18, true],
    ['latest-lts', 18, null],
  ])('%s with Node %d: %s', (range, major, allowed) => {
    expect(enginesAllows(range, major)).toBe(allowed);
  });
});

describe('native addons', () => {
  const base = { architecture: 'amd64', node: '/usr/bin/node', libc: 'glibc' as const, glibcVersion: '2.36' };
  it('reads machine, C library and the newest GLIBC version from the ELF', () => {
    expect(addonFacts(makeElf({ machine: 62, needed: ['libstdc++.so.6', 'libc.so.6'], tail: 'GLIBC_2.17\0GLIBC_2.34' }))).toEqual({ architecture: 'amd64', libc: 'glibc', glibc: '2.34' });
    expect(addonFacts(makeElf({ machine: 183, needed: ['libc.musl-aarch64.so.1'] }))).toEqual({ architecture: 'arm64', libc: 'musl' });
    expect(addonFacts(Buffer.from('not elf'))).toBeNull();
  });
  it.each([
    [{ architecture: 'amd64', libc: 'glibc' as const, glibc: '2.34' }, null],
    [{ architecture: 'amd64', libc: 'glibc' as const, glibc: '2.38' }, 'it needs glibc 2.38, the base has 2.36'],
    [{ architecture: 'arm64', libc: 'glibc' as const }, 'it is built for arm64, the base is amd64'],
    [{ architecture: 'amd64', libc: 'musl' as const }, 'it links musl, the base has glibc'],
  ])('%j on a glibc 2.36 amd64 base: %s', (facts, problem) => {
    expect(addonProblem(facts, base)).toBe(problem);
  });
  it('names the package a file belongs to', () => {
    expect(packageOf('app/node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node')).toBe('bcrypt');
    expect(packageOf('app/node_modules/a/node_modules/@scope/b/build/Release/x.node')).toBe('@scope/b');
  });
});
