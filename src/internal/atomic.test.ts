import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
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
});
