import { describe, expect, it } from 'vitest';
import type { LayerEntry } from './entry.js';
import { dir, file, opaque, symlink, whiteout } from '../analyze/testing.js';
import { LayerParents, NumberedParents, withImpliedParents } from './parents.js';
import { PathIds } from './path-ids.js';

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

describe('LayerParents against the rule applied to every entry afresh', () => {
  /** the rule without shortcuts: every ancestor of every entry looked up in what the layer has so far. */
  function reference(entries: Parameters<typeof withImpliedParents>[0]): string[] {
    const has = new Map<string, boolean>();
    const out: string[] = [];
    for (const e of entries) {
      const opaqueMarker = e.whiteout === 'opaque';
      const ancestors: string[] = [];
      for (let i = e.path.indexOf('/'); i >= 0; i = e.path.indexOf('/', i + 1)) ancestors.push(e.path.slice(0, i));
      if (opaqueMarker && e.path !== '') ancestors.push(e.path);
      let conflict: string | undefined;
      for (const p of ancestors) {
        const d = has.get(p);
        if (d === undefined) {
          has.set(p, true);
          out.push(`+${p}`);
        } else if (!d && conflict === undefined) conflict = p;
      }
      out.push(conflict === undefined ? e.path : `!${e.path}<${conflict}`);
      if (e.path !== '' && !opaqueMarker) has.set(e.path, !e.whiteout && e.type === 'dir');
    }
    return out;
  }

  /** withRecords runs LayerParents reading a caller's records, the caller recording and removing as analyze's merge does. */
  function withRecords(entries: readonly LayerEntry[]): string[] {
    const records = new Map<string, boolean>(); // the layer's paths in the caller's tree: true for directories
    const paths = new PathIds();
    const parents = new NumberedParents(paths, (id) => records.get(paths.pathOf(id)));
    const removeBelow = (path: string, self: boolean) => {
      for (const [p, dir] of [...records]) {
        if ((self && p === path) || p.startsWith(`${path}/`)) {
          records.delete(p);
          parents.forget(paths.idOf(p), dir);
        }
      }
    };
    const out: string[] = [];
    for (const e of entries) {
      const { implied: more, conflict } = parents.add(e, paths.idOf(e.path));
      for (const p of more.map((id) => paths.pathOf(id))) {
        records.set(p, true);
        out.push(`+${p}`);
      }
      out.push(conflict === undefined ? e.path : `!${e.path}<${paths.pathOf(conflict)}`);
      if (e.whiteout === 'opaque') {
        if (!records.has(e.path)) records.set(e.path, true);
      } else if (e.whiteout === 'file') removeBelow(e.path, true);
      else {
        const dir = e.type === 'dir';
        if (records.get(e.path) === true && !dir) removeBelow(e.path, false);
        records.set(e.path, dir);
      }
    }
    return out;
  }

  /** randomLayers makes `rounds` random layers of up to `most` entries in tar-like order: mostly siblings of the entry before (as tar lists a directory), sometimes elsewhere. */
  function* randomLayers(seed: number, rounds: number, most: number): Generator<LayerEntry[]> {
    const names = ['a', 'b', 'c'];
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < rounds; round++) {
      const entries: LayerEntry[] = [];
      let dirPath = '';
      for (let i = 0, n = 1 + rand(most); i < n; i++) {
        if (rand(3) === 0) dirPath = Array.from({ length: rand(3) }, () => names[rand(3)]).join('/');
        const path = dirPath ? `${dirPath}/${names[rand(3)]}` : names[rand(3)]!;
        const kind = rand(6);
        entries.push(kind === 0 ? dir(path) : kind === 1 ? symlink(path, 'x') : kind === 2 ? whiteout(path) : kind === 3 ? opaque(path) : file(path, 1));
      }
      yield entries;
    }
  }
  const described = (entries: readonly LayerEntry[]) => JSON.stringify(entries.map((e) => [e.path, e.type, e.whiteout]));

  it('implies and refuses the same reading the caller\'s records as keeping its own', () => {
    for (const entries of randomLayers(29, 5000, 14)) expect(withRecords(entries), described(entries)).toEqual(implied(entries));
  });

  it('follows layer after layer in one instance as a fresh one follows each (startLayer forgets the layer before)', () => {
    const paths = new PathIds();
    const parents = new NumberedParents(paths);
    for (const entries of randomLayers(41, 2000, 12)) {
      parents.startLayer();
      const out: string[] = [];
      for (const e of entries) {
        const { implied: more, conflict } = parents.add(e, paths.idOf(e.path));
        for (const id of more) out.push(`+${paths.pathOf(id)}`);
        out.push(conflict === undefined ? e.path : `!${e.path}<${paths.pathOf(conflict)}`);
      }
      expect(out, described(entries)).toEqual(implied(entries));
    }
  });

  it('implies and refuses the same on random layers in tar-like order', () => {
    for (const entries of randomLayers(11, 3000, 12)) expect(implied(entries), described(entries)).toEqual(reference(entries));
  });
});
