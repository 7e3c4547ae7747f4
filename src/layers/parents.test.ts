import { describe, expect, it } from 'vitest';
import { dir, file, opaque, symlink, whiteout } from '../analyze/testing.js';
import { LayerParents, withImpliedParents } from './parents.js';

const implied = (entries: Parameters<typeof withImpliedParents>[0]) =>
  withImpliedParents(entries).map((i) => (i.implied ? `+${i.entry.path}` : i.conflict !== undefined ? `!${i.entry.path}<${i.conflict}` : i.entry.path));

describe('the parent directories a layer implies', () => {
  it('implies each parent once, top down, before the first entry below it, unless the layer has an entry for it first', () => {
    expect(implied([file('a/b/c', 1), file('a/b/d', 1), dir('x'), file('x/y', 1)])).toEqual(['+a', '+a/b', 'a/b/c', 'a/b/d', 'x', 'x/y']);
  });

  it('implies the parent of a whiteout and the directory of an opaque marker', () => {
    expect(implied([whiteout('a/passwd'), opaque('d/e')])).toEqual(['+a', 'a/passwd', '+d', '+d/e', 'd/e']);
  });

  it('gives an implied directory mode 0755, owner root and the time of the entry that implied it', () => {
    const [parent] = withImpliedParents([file('a/f', 1, { mtime: 1234, mode: 0o600, uid: 7 })]);
    expect(parent!.entry).toEqual({ path: 'a', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 1234 });
    expect(parent!.index).toBe(0);
  });

  it('reports an entry below a symlink, file or whiteout of its own layer as a conflict', () => {
    expect(implied([symlink('b', 'etc'), file('b/x', 1)])).toEqual(['b', '!b/x<b']);
    expect(implied([file('f', 1), file('f/x', 1)])).toEqual(['f', '!f/x<f']);
    expect(implied([whiteout('a'), file('a/x', 1)])).toEqual(['a', '!a/x<a']);
  });

  it('takes a later entry of the layer over an implied directory, and a directory entry over an earlier non-directory', () => {
    expect(implied([file('b/x', 1), symlink('b', 'etc')])).toEqual(['+b', 'b/x', 'b']);
    expect(implied([whiteout('a'), dir('a'), file('a/x', 1)])).toEqual(['a', 'a', 'a/x']);
    const parents = new LayerParents();
    expect(parents.add(file('a/x', 1))).toEqual({ implied: ['a'] });
    expect(parents.add(file('a/y', 1))).toEqual({ implied: [] });
  });
});
