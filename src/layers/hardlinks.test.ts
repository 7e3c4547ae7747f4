import { describe, expect, it } from 'vitest';
import type { LayerEntry } from './entry.js';
import { HardLinkCheck, linkPaths } from './hardlinks.js';

const base = { size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0 };
const file = (path: string): LayerEntry => ({ path, type: 'file', ...base });
const dir = (path: string): LayerEntry => ({ path, type: 'dir', ...base });
const sym = (path: string, to: string): LayerEntry => ({ path, type: 'symlink', linkTarget: to, ...base });
const link = (path: string, to: string): LayerEntry => ({ path, type: 'hardlink', linkTarget: to, ...base });
const gone = (path: string): LayerEntry => ({ path, type: 'file', ...base, whiteout: 'file' });
const opaque = (path: string): LayerEntry => ({ path, type: 'dir', ...base, whiteout: 'opaque' });

/** check runs layers through a check that records every path, and one that records only linkPaths'; both must agree. */
function check(layers: LayerEntry[][]): string | null {
  const run = (c: HardLinkCheck) => {
    try {
      layers.forEach((l, i) => c.layer(l, `layer ${i + 1}`));
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const all = run(new HardLinkCheck());
  expect(run(new HardLinkCheck(linkPaths(layers) ?? new Set()))).toBe(all);
  return all;
}

describe('HardLinkCheck', () => {
  it.each<[string, LayerEntry[][], RegExp | null]>([
    ['a file before it', [[file('f'), link('x', 'f')]], null],
    ['a file below', [[dir('a'), file('a/f')], [link('x', 'a/f')]], null],
    ['a chain', [[file('f'), link('x', 'f'), link('y', 'x')]], null],
    ['a file re-created after its directory was replaced', [[dir('a'), file('a/f')], [sym('a', '/'), gone('a'), dir('a'), file('a/f'), link('x', 'a/f')]], null],
    ['a directory', [[dir('a'), link('x', 'a')]], /which is a directory/],
    ['itself', [[link('x', 'x')]], /"x", itself/],
    ['a symlink', [[file('f'), sym('s', 'f'), link('x', 's')]], /symbolic link$/],
    ['below a symlink', [[dir('d'), file('d/f'), sym('s', 'd'), link('x', 's/f')]], /below the symbolic link "s"/],
    ['a deleted file', [[file('f')], [gone('f')], [link('x', 'f')]], /neither/],
    ['a file under a directory deleted later', [[dir('d'), file('d/f')], [gone('d')], [link('x', 'd/f')]], /neither/],
    ['a file under a directory made opaque later', [[dir('d'), file('d/f')], [opaque('d')], [link('x', 'd/f')]], /neither/],
    ['a file under a root made opaque later', [[dir('d'), file('d/f')], [opaque('')], [link('x', 'd/f')]], /neither/],
    ['a file archived after it', [[link('x', 'f'), file('f')]], /neither/],
  ])('a hard link to %s', (_, layers, refused) => {
    const message = check(layers);
    if (refused === null) expect(message).toBeNull();
    else expect(message).toMatch(refused);
  });
});
