// Layer stacks for judging squash against independent readers: a seeded generator of valid stacks
// (test/squash.test.ts's property test, test/engine/squash-symlink.test.ts), the symlinked-parent
// shapes of issue 18, the reference rewrite that makes a stack's implied parent directories
// explicit, and a walker that describes an unpacked file tree.
//
// Why explicitParents: an entry below a path its layer has no entry for is put in a directory the
// engine creates there (overlay2 unpacks each layer into a directory of its own, 0755, root), even
// when a lower layer holds a symlink at that path; umoci instead follows the lower symlink. Once a
// layer has an explicit directory entry there, every reader agrees (the entry replaces the symlink,
// as the OCI spec's "changeset over existing files" says). So umoci unpacking explicitParents(stack)
// gives what the engine gives for stack: the engine test checks that claim on docker itself.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { dir, file, hardlink, seeded, symlink, whiteout, type TarMember } from './image-writer.js';

export const opaqueMarker = (d: string): TarMember => file(`${d}/.wh..wh..opq`, Buffer.alloc(0));

const base = (): TarMember[] => [dir('etc/'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\n'), file('etc/group', 'root:x:0:\n'), dir('bin/'), file('bin/sh', 'sh\n', 0o755), symlink('a', 'etc')];

/** The shapes of issue 18: a layer writes or deletes below a path whose parent a lower layer made a symlink, without an entry of its own for the parent. */
export const SYMLINK_SHAPES: Record<string, TarMember[][]> = {
  'a whiteout below a symlink (a -> etc, then a/.wh.passwd)': [base(), [whiteout('a/passwd')]],
  'a file below a symlink (a -> etc, then a/passwd)': [base(), [file('a/passwd', 'new\n')]],
  'a file below a directory a later layer made a symlink (etc -> /bin, then etc/new)': [base(), [symlink('etc', '/bin')], [file('etc/new', 'new\n')]],
  'an opaque marker below a symlink (a -> etc, then a/.wh..wh..opq)': [base(), [opaqueMarker('a')]],
  'a file below an absolute symlink (abs -> /etc, then abs/passwd)': [[...base(), symlink('abs', '/etc')], [file('abs/passwd', 'new\n')]],
  'a file two levels below a symlink (a -> etc, then a/d/f)': [base(), [file('a/d/f', 'f\n')]],
};

/** What the engine shows for each shape (docker 20.10, overlay2, `docker export`), as fileTree describes paths (null: absent). */
export const ENGINE_FACTS: Record<string, Record<string, RegExp | null>> = {
  'a whiteout below a symlink (a -> etc, then a/.wh.passwd)': { a: /^dir 755 0:0$/, 'etc/passwd': /^file/ },
  'a file below a symlink (a -> etc, then a/passwd)': { a: /^dir 755 0:0$/, 'a/passwd': /^file/, 'etc/passwd': /^file/ },
  'a file below a directory a later layer made a symlink (etc -> /bin, then etc/new)': { etc: /^dir 755 0:0$/, 'etc/new': /^file/, 'etc/passwd': null, 'bin/new': null },
  'an opaque marker below a symlink (a -> etc, then a/.wh..wh..opq)': { a: /^dir 755 0:0$/, 'etc/passwd': /^file/, 'etc/group': /^file/ },
  'a file below an absolute symlink (abs -> /etc, then abs/passwd)': { abs: /^dir 755 0:0$/, 'abs/passwd': /^file/ },
  'a file two levels below a symlink (a -> etc, then a/d/f)': { a: /^dir 755 0:0$/, 'a/d/f': /^file/, 'etc/d': null },
};

/** A base whose private and sticky directories hold what strip removes (`/root/.cache/pip`, `/tmp/junk`). */
export const PRIVATE_PARENTS: TarMember[][] = [
  [
    { ...dir('root/'), mode: 0o700 }, { ...dir('root/.cache/'), mode: 0o700 }, dir('root/.cache/pip/'), file('root/.cache/pip/wheel', 'w\n'), file('root/keep', 'k\n'),
    { ...dir('tmp/'), mode: 0o1777 }, file('tmp/junk', 'j\n'),
  ],
  [{ ...dir('root/'), mode: 0o700 }, { ...dir('root/.cache/'), mode: 0o700 }, dir('root/.cache/pip/'), file('root/.cache/pip/other', 'o\n')],
];

/** The shapes squash refuses: a layer writes below a symlink it makes itself (docker fails the first, follows the link in the second). */
export const CONFLICT_SHAPES: Record<string, TarMember[][]> = {
  'below a symlink of its own layer': [base(), [symlink('b', 'etc'), file('b/x', 'x\n')]],
  'below a symlink of its own layer to a directory of that layer': [base(), [dir('etc/'), symlink('b', 'etc'), file('b/x', 'x\n')]],
};

const clean = (name: string): string => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** explicitParents gives every layer a directory entry (0755, root) for each parent its entries need and it has no entry for, just before the first entry that needs it. */
export function explicitParents(layers: TarMember[][]): TarMember[][] {
  return layers.map((members) => {
    const has = new Set<string>();
    const out: TarMember[] = [];
    for (const m of members) {
      const parts = clean(m.name).split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (has.has(d)) continue;
        has.add(d);
        out.push(dir(`${d}/`));
      }
      out.push(m);
      if (m.type === 'directory') has.add(clean(m.name));
    }
    return out;
  });
}

/** A generated stack, and whether it writes below a lower symlink (where umoci and the engine disagree). */
export interface RandomStack {
  layers: TarMember[][];
  symlinkedParents: boolean;
}

/** randomStack generates a valid layer stack from a seed: files, directories, symlinks, hard links
 *  (to files of lower layers and of their own), whiteouts, opaque directories, files put where a
 *  directory was, directories replaced by symlinks, and files, whiteouts and opaque markers below
 *  a lower layer's symlink without an entry for it. Each path appears once per layer; other
 *  parents are written as docker writes them. */
export function randomStack(seed: number): RandomStack {
  let x = seed * 2654435761 >>> 0 || 1;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) >>> 0), (x >>> 8) % n);
  const state = new Map<string, 'file' | 'dir' | 'symlink'>();
  const removeBelow = (p: string) => { for (const k of [...state.keys()]) if (k.startsWith(`${p}/`)) state.delete(k); };
  const layers: TarMember[][] = [];
  let symlinkedParents = false;
  const count = 2 + rnd(4);
  for (let l = 0; l < count; l++) {
    const members: TarMember[] = [];
    const touched = new Set<string>();
    const atStart = new Map(state);
    const pinned = new Set<string>(); // link targets of this layer: a whiteout or opaque marker of the same layer must not hide them
    const free = (p: string) => ![...touched].some((t) => t === p || t.startsWith(`${p}/`) || p.startsWith(`${t}/`));
    const unpinned = (p: string) => ![...pinned].some((t) => t === p || t.startsWith(`${p}/`));
    const ensureParents = (p: string): boolean => {
      const parts = p.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (state.get(d) === 'dir') continue;
        if (touched.has(d) || state.has(d)) return false;
        members.push(dir(`${d}/`));
        state.set(d, 'dir');
        touched.add(d);
      }
      return true;
    };
    const ops = 3 + rnd(8);
    for (let o = 0; o < ops; o++) {
      const dirs = ['a', 'b', 'a/x', 'b/y', 'c', 'd\udcc3']; // \udcXX: the byte 0xXX of a name that is not UTF-8 (nameBytes)
      const names = ['f1', 'f2', 'f3', 'x', 'y', 'n\udcff', 'n\udcfe'];
      const path = `${dirs[rnd(dirs.length)]}/${names[rnd(names.length)]}`;
      const op = rnd(9);
      if (op <= 1) {
        if (touched.has(path) || !free(path) || !ensureParents(path)) continue;
        if (state.get(path) === 'dir') removeBelow(path);
        members.push(file(path, seeded(100 + rnd(3000), seed * 100 + l * 10 + o), [0o644, 0o755, 0o600][rnd(3)]));
        state.set(path, 'file');
        touched.add(path);
      } else if (op === 2) {
        const lower = [...atStart.keys()].filter((p) => state.has(p) && free(p) && unpinned(p));
        if (lower.length === 0) continue;
        const p = lower[rnd(lower.length)]!;
        members.push(whiteout(p));
        state.delete(p);
        removeBelow(p);
        touched.add(p);
      } else if (op === 3) {
        const lowerDirs = [...atStart.keys()].filter((p) => atStart.get(p) === 'dir' && state.get(p) === 'dir' && free(p) && unpinned(p));
        if (lowerDirs.length === 0) continue;
        const d = lowerDirs[rnd(lowerDirs.length)]!;
        members.push(dir(`${d}/`), opaqueMarker(d));
        removeBelow(d);
        touched.add(d);
      } else if (op === 4) {
        const files = [...state.keys()].filter((p) => state.get(p) === 'file');
        if (files.length === 0 || state.has(path) || touched.has(path) || !free(path) || !ensureParents(path)) continue;
        const target = files[rnd(files.length)]!;
        members.push(hardlink(path, target));
        pinned.add(target);
        state.set(path, 'file');
        touched.add(path);
      } else if (op === 5) {
        if (state.has(path) || touched.has(path) || !free(path) || !ensureParents(path)) continue;
        // to a file, or to a directory (which umoci would follow when a later layer writes below the link)
        members.push(symlink(path, ['../f1', '../x', '/a', '/b/y', '../n\udcff'][rnd(5)]!));
        state.set(path, 'symlink');
        touched.add(path);
      } else if (op === 6) {
        // a file where a lower directory was
        const lowerDirs = [...atStart.keys()].filter((p) => atStart.get(p) === 'dir' && state.get(p) === 'dir' && free(p) && unpinned(p) && p.includes('/'));
        if (lowerDirs.length === 0) continue;
        const d = lowerDirs[rnd(lowerDirs.length)]!;
        members.push(file(d, `was a dir ${seed}\n`));
        removeBelow(d);
        state.set(d, 'file');
        touched.add(d);
      } else if (op === 7) {
        // a symlink where a lower directory was (a later layer may write below it)
        const lowerDirs = [...atStart.keys()].filter((p) => atStart.get(p) === 'dir' && state.get(p) === 'dir' && free(p) && unpinned(p));
        if (lowerDirs.length === 0) continue;
        const d = lowerDirs[rnd(lowerDirs.length)]!;
        members.push(symlink(d, ['/a', 'b', '../c', '/'][rnd(4)]!));
        removeBelow(d);
        state.set(d, 'symlink');
        touched.add(d);
      } else {
        // below a lower layer's symlink, with no entry for it: the layer makes it a directory
        const links = [...atStart.keys()].filter((p) => atStart.get(p) === 'symlink' && state.get(p) === 'symlink' && free(p) && unpinned(p));
        if (links.length === 0) continue;
        const s = links[rnd(links.length)]!;
        const kind = rnd(3);
        if (kind === 0) {
          members.push(file(`${s}/f1`, seeded(50 + rnd(500), seed * 100 + l * 10 + o)));
          state.set(`${s}/f1`, 'file');
        } else if (kind === 1) members.push(whiteout(`${s}/f2`));
        else members.push(opaqueMarker(s));
        state.set(s, 'dir');
        touched.add(s);
        symlinkedParents = true;
      }
    }
    layers.push(members);
  }
  return { layers, symlinkedParents };
}

/** fileTree walks a directory into a sorted map path → description (type, mode, owner, link target, content hash, link group). */
export function fileTree(root: string): Map<string, string> {
  // names are read as bytes and kept one character per byte (latin1), so names that are not UTF-8 stay apart
  const out = new Map<string, string>();
  const inodes = new Map<string, string[]>();
  const at = (p: string) => Buffer.from(join(root, p), 'latin1');
  const walk = (rel: string) => {
    for (const name of readdirSync(at(rel), { encoding: 'buffer' }).map((n) => n.toString('latin1')).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(at(p));
      const mode = (st.mode & 0o7777).toString(8);
      let desc: string;
      if (st.isDirectory()) desc = `dir ${mode} ${st.uid}:${st.gid}`;
      else if (st.isSymbolicLink()) desc = `symlink -> ${readlinkSync(at(p), { encoding: 'buffer' }).toString('latin1')}`;
      else if (st.isFile()) {
        desc = `file ${mode} ${st.uid}:${st.gid} ${createHash('sha256').update(readFileSync(at(p))).digest('hex').slice(0, 16)}`;
        if (st.nlink > 1) inodes.set(String(st.ino), [...(inodes.get(String(st.ino)) ?? []), p]);
      } else desc = `other ${mode}`;
      out.set(p, desc);
      if (st.isDirectory()) walk(p);
    }
  };
  walk('');
  for (const group of inodes.values()) for (const p of group) out.set(p, `${out.get(p)} linked(${group.sort().join(',')})`);
  return out;
}
