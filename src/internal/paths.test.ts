// normalizeLayerPath against the general algorithm it short-cuts (posix.normalize, then a climb
// check), on every name of a few components drawn from the pieces that matter.
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeLayerPath } from './paths.js';

/** reference is the general algorithm: normalize under a root, refuse climbing above it. */
function reference(name: string): string {
  let depth = 0;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return 'REFUSED';
  }
  return posix.normalize('/' + name).replace(/^\/+/, '').replace(/\/+$/, '');
}

function outcome(name: string): string {
  try {
    return normalizeLayerPath(name);
  } catch (err) {
    expect((err as Error).message).toMatch(/escapes the image root/);
    return 'REFUSED';
  }
}

describe('normalizeLayerPath', () => {
  it('answers as the general algorithm for every name of up to four pieces', () => {
    const pieces = ['a', 'bc', '.', '..', '...', '.a', 'a.', '/', '//', 'é'];
    let names = [''];
    const all: string[] = [];
    for (let n = 0; n < 4; n++) {
      names = names.flatMap((p) => pieces.map((x) => p + x));
      all.push(...names);
    }
    expect(all.length).toBeGreaterThan(10_000);
    for (const name of all) expect([name, outcome(name)]).toEqual([name, reference(name)]);
  });

  it.each([
    ['usr/bin/', 'usr/bin'],
    ['./usr/bin/bash', 'usr/bin/bash'],
    ['/etc//passwd', 'etc/passwd'],
    ['a/./b/../c', 'a/c'],
    ['./', ''],
    ['.wh..wh..opq', '.wh..wh..opq'],
  ])('cleans %j to %j', (name, want) => {
    expect(normalizeLayerPath(name)).toBe(want);
  });
});
