import { describe, expect, it } from 'vitest';
import { mergeLayers } from './merge.js';
import { dir, file, link, opaque, symlink, whiteout } from './testing.js';

const wasted = (r: ReturnType<typeof mergeLayers>) => r.dropped.reduce((s, d) => s + d.bytes, 0);
const finalPaths = (r: ReturnType<typeof mergeLayers>) => [...r.tree.records.keys()].sort();

describe('mergeLayers', () => {
  it('a whiteout deletes a file and its bytes are waste', () => {
    const r = mergeLayers([[file('a', 100), file('b', 5)], [whiteout('a')]]);
    expect(r.dropped).toEqual([{ path: 'a', bytes: 100, addedBy: 0, droppedBy: 1, how: 'deleted' }]);
    expect(r.changes[1]!.removed).toEqual({ count: 1, bytes: 100 });
    expect(finalPaths(r)).toEqual(['b']);
  });

  it('a whiteout of a directory removes everything beneath it', () => {
    const r = mergeLayers([[dir('d'), file('d/x', 10), dir('d/y'), file('d/y/z', 20), file('dx', 7)], [whiteout('d')]]);
    expect(wasted(r)).toBe(30);
    expect(r.dropped.map((d) => d.path).sort()).toEqual(['d/x', 'd/y/z']);
    expect(r.changes[1]!.removed).toEqual({ count: 2, bytes: 30 });
    expect(finalPaths(r)).toEqual(['dx']);
  });

  it.each([
    ['marker first', [opaque('d'), file('d/x', 5)]],
    ['marker last', [file('d/x', 5), opaque('d')]],
  ])('an opaque whiteout hides lower content before the layer’s own entries (%s)', (_name, layer1) => {
    const r = mergeLayers([[dir('d'), file('d/x', 10), file('d/old', 3)], layer1]);
    expect(r.tree.get('d/x')).toMatchObject({ size: 5, layer: 1 });
    expect(r.tree.has('d/old')).toBe(false);
    expect(r.dropped.map((d) => [d.path, d.how]).sort()).toEqual([['d/old', 'opaque'], ['d/x', 'opaque']]);
    expect(wasted(r)).toBe(13);
  });

  it('a directory replaced by a file drops the directory’s files', () => {
    const r = mergeLayers([[dir('d'), file('d/x', 10)], [file('d', 3)]]);
    expect(r.tree.get('d')).toMatchObject({ type: 'file', size: 3 });
    expect(r.tree.has('d/x')).toBe(false);
    expect(wasted(r)).toBe(10);
  });

  it('a file replaced by a directory drops the file', () => {
    const r = mergeLayers([[file('f', 7)], [dir('f'), file('f/g', 2)]]);
    expect(r.dropped).toEqual([{ path: 'f', bytes: 7, addedBy: 0, droppedBy: 1, how: 'overwritten' }]);
    expect(finalPaths(r)).toEqual(['f', 'f/g']);
  });

  it('a hard link keeps the content of a deleted path alive and is counted once', () => {
    const r = mergeLayers([[file('a', 50), link('b', 'a')], [whiteout('a')]]);
    expect(wasted(r)).toBe(0);
    expect(r.linkedBytes).toBe(50);
    const both = mergeLayers([[file('a', 50), link('b', 'a')], [whiteout('a'), whiteout('b')]]);
    expect(wasted(both)).toBe(50);
    expect(both.linkedBytes).toBe(0);
  });

  it('a file re-added after its deletion is waste once and added again', () => {
    const r = mergeLayers([[file('a', 10)], [whiteout('a')], [file('a', 20)]]);
    expect(wasted(r)).toBe(10);
    expect(r.changes[2]!.added).toEqual({ count: 1, bytes: 20 });
    expect(r.tree.get('a')).toMatchObject({ size: 20, layer: 2 });
  });

  it.each([
    ['same digest, new mode', { contentDigest: 'sha256:x', mode: 0o755 }, 'metadata-only', 1, { content: 'same', metadataChanged: true }],
    ['new digest', { contentDigest: 'sha256:y' }, 'overwritten', 0, { content: 'different', metadataChanged: false }],
    ['no digest, same size, new owner', { uid: 1000 }, 'overwritten', 0, { content: 'unknown', metadataChanged: true }],
    ['no digest, new size', { size: 11 }, 'overwritten', 0, { content: 'different', metadataChanged: false }],
  ] as const)('a rewrite with %s is %s', (_name, extra, how, metadataOnly, rewrite) => {
    const first = 'contentDigest' in extra ? { contentDigest: 'sha256:x' } : {};
    const r = mergeLayers([[file('a', 10, first)], [file('a', 10, extra)]]);
    expect(r.dropped).toEqual([{ path: 'a', bytes: 10, addedBy: 0, droppedBy: 1, how, rewrite }]);
    expect(r.changes[1]!.modified).toEqual({ count: 1, bytes: 'size' in extra ? extra.size : 10, metadataOnly });
  });

  it('a whiteout below a lower symlink makes the path a directory of its layer and deletes nothing through the link', () => {
    const r = mergeLayers([[dir('etc'), file('etc/passwd', 10), symlink('a', 'etc')], [whiteout('a/passwd')]]);
    expect(finalPaths(r)).toEqual(['a', 'etc', 'etc/passwd']);
    expect(r.tree.get('a')).toMatchObject({ type: 'dir', mode: 0o755, uid: 0, gid: 0, layer: 1 });
    expect(wasted(r)).toBe(0);
  });

  it('a file below a directory a later layer made a symlink lands in a new directory; what the symlink hid stays hidden', () => {
    const r = mergeLayers([[dir('etc'), file('etc/passwd', 10)], [symlink('etc', '/bin')], [file('etc/new', 3)]]);
    expect(finalPaths(r)).toEqual(['etc', 'etc/new']);
    expect(r.tree.get('etc')).toMatchObject({ type: 'dir', layer: 2 });
    expect(r.dropped).toEqual([{ path: 'etc/passwd', bytes: 10, addedBy: 0, droppedBy: 1, how: 'overwritten' }]);
  });

  it('an opaque marker below a lower symlink empties a new directory, not the link target', () => {
    const r = mergeLayers([[dir('etc'), file('etc/passwd', 10), symlink('a', 'etc')], [opaque('a')]]);
    expect(finalPaths(r)).toEqual(['a', 'etc', 'etc/passwd']);
    expect(r.tree.get('a')).toMatchObject({ type: 'dir', layer: 1 });
  });

  it('an empty layer changes nothing', () => {
    const r = mergeLayers([[file('a', 10)], []]);
    expect(r.changes[1]).toEqual({ added: { count: 0, bytes: 0 }, modified: { count: 0, bytes: 0, metadataOnly: 0 }, removed: { count: 0, bytes: 0 }, fileContent: 0, symlinkBytes: 0 });
    expect(wasted(r)).toBe(0);
  });

  it('handles 100k entries', () => {
    const layer0 = Array.from({ length: 60_000 }, (_, i) => file(`usr/lib/d${i % 300}/f${i}`, 100));
    const layer1 = [whiteout('usr/lib/d1'), ...Array.from({ length: 40_000 }, (_, i) => file(`usr/lib/d${i % 300}/f${i}`, 50))];
    const r = mergeLayers([layer0, layer1]);
    // dropped: the 200 files of usr/lib/d1 in layer 0 (f1, f301, …, f59701) to the whiteout, and the
    // 39,866 files layer 1 writes outside d1 over their layer-0 copies (40,000 less the 134 in d1).
    expect(r.dropped.length).toBe(200 + 39_866);
    expect(r.dropped.filter((d) => d.path.startsWith('usr/lib/d1/'))).toHaveLength(200);
  });
});

describe('merged records', () => {
  it('are the entries themselves when they carry their layer (no copy per path), copies otherwise', () => {
    const own = file('a', 5, { layer: 1 });
    const unmarked = file('b', 5);
    const elsewhere = file('c', 5, { layer: 0 });
    const r = mergeLayers([[], [own, unmarked, elsewhere]]);
    expect(r.tree.get('a')).toBe(own);
    expect(r.tree.get('b')).not.toBe(unmarked);
    expect(r.tree.get('b')).toMatchObject({ type: 'file', size: 5, layer: 1 });
    expect(r.tree.get('c')).toMatchObject({ layer: 1 });
  });
});
