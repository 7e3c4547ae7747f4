import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerTemporary, registeredTemporaries, removeTemporaries, removeTemporary, unregisterTemporary } from './cleanup.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-cleanup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the temporary-path registry', () => {
  it('removes registered files and directories (with their contents), and only those', () => {
    const file = join(tmp, 'layer.tmp');
    const dir = join(tmp, 'scratch');
    const kept = join(tmp, 'renamed-into-place');
    writeFileSync(file, 'x');
    mkdirSync(dir);
    writeFileSync(join(dir, 'spool'), 'y');
    writeFileSync(kept, 'z');
    registerTemporary(file);
    registerTemporary(dir);
    registerTemporary(kept);
    registerTemporary(join(tmp, 'never-created'));
    unregisterTemporary(kept);
    removeTemporaries();
    expect([existsSync(file), existsSync(dir), existsSync(kept)]).toEqual([false, false, true]);
    expect(registeredTemporaries()).toEqual([]);
  });

  it('removeTemporary removes one path now and forgets it', () => {
    const file = join(tmp, 'one');
    writeFileSync(file, 'x');
    registerTemporary(file);
    removeTemporary(file);
    expect(existsSync(file)).toBe(false);
    expect(registeredTemporaries()).not.toContain(file);
  });
});
