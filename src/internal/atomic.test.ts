import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhittleError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'whittle-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates a file with the given mode (less the umask) and leaves no temporary file', async () => {
    const f = path.join(dir, 'new');
    await writeFileAtomic(f, 'x', { mode: 0o600 });
    expect(await readFile(f, 'utf8')).toBe('x');
    expect((await stat(f)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['new']);
  });

  it.each([0o755, 0o640, 0o600])('replaces an existing file and keeps its mode %s', async (mode) => {
    const f = path.join(dir, 'Dockerfile');
    await writeFile(f, 'old');
    await chmod(f, mode);
    await writeFileAtomic(f, 'new', { mode: 0o644 });
    expect(await readFile(f, 'utf8')).toBe('new');
    expect((await stat(f)).mode & 0o777).toBe(mode);
    expect(await readdir(dir)).toEqual(['Dockerfile']);
  });

  it('fails with a WhittleError naming the file and leaves nothing behind', async () => {
    const f = path.join(dir, 'missing-dir', 'x');
    await expect(writeFileAtomic(f, 'x')).rejects.toBeInstanceOf(WhittleError);
    await expect(writeFileAtomic(f, 'x')).rejects.toThrow(f);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes through a symlink: the target is replaced with its mode kept, the link stays', async () => {
    await mkdir(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'Dockerfile');
    await writeFile(target, 'old');
    await chmod(target, 0o600);
    const link = path.join(dir, 'Dockerfile');
    await symlink('real/Dockerfile', link);
    await writeFileAtomic(link, 'new');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('real/Dockerfile');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['Dockerfile', 'real']);
    expect(await readdir(path.join(dir, 'real'))).toEqual(['Dockerfile']);
  });

  it('a link to a file that does not exist yet creates that file', async () => {
    const link = path.join(dir, '.dockerignore');
    await symlink('ignore.txt', link);
    await writeFileAtomic(link, 'x\n');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(dir, 'ignore.txt'), 'utf8')).toBe('x\n');
  });

  it('a loop of links is a WhittleError', async () => {
    await symlink('b', path.join(dir, 'a'));
    await symlink('a', path.join(dir, 'b'));
    await expect(writeFileAtomic(path.join(dir, 'a'), 'x')).rejects.toBeInstanceOf(WhittleError);
    expect((await readdir(dir)).sort()).toEqual(['a', 'b']);
  });
});
