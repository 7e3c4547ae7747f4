// The one-pass squash: layers are read top down, each one once, and every entry that survives into
// the merged file system is written the moment it passes, so nothing is spooled and no layer is
// decompressed twice. Reading top down makes survival decidable on the spot: an entry of layer k is
// in the result unless a higher layer has an entry at its path (whiteouts included) or hid a parent
// (a whiteout, an opaque marker, a non-directory put in a directory's place). Within a layer, entries
// hide only lower layers (the OCI rule for whiteouts; docker-built layers never repeat a path).
// Hard links cannot be written before their target, so they wait until the end of the tar; a link
// whose target version does not survive carries that content itself (the first link met gets it,
// the others link to it), as planSquash (plan.ts) decides for the two-pass squash. When the content
// had already streamed past (a link to an earlier entry of its own layer), that layer is read once
// more at the end: rare, and still correct. Whiteouts for kept base layers (--keep-base) come last,
// from planSquash over the entry lists collected on the way, like the byte counts. A directory a
// layer implies (an entry below a path it has no entry for, src/layers/parents.ts) counts as that
// layer's own: it hides a lower entry at its path and is written as a directory entry.
// from planSquash over the entry lists collected on the way, like the byte counts.
import type { LayerWatch } from './expansion.js';
import { WhittleError, wrap } from '../errors.js';
import type { Layer } from '../image/image.js';
import type { TarHeader } from '../internal/tar-header.js';
import { TarParser } from '../internal/tar-parser.js';
import type { LayerEntry } from '../layers/entry.js';
import { badLink, linkTargetProblem } from '../layers/hardlinks.js';
import { toEntry } from '../layers/scan.js';
import { conflictMessage, impliedDir, LayerParents } from '../layers/parents.js';
import { parentOf } from '../analyze/path-tree.js';
import type { LayerWriter } from './layer-writer.js';
import { dirHeader, outHeader, OUT_TYPES } from './out-header.js';

function* ancestors(path: string): Generator<string> {
  for (let p = parentOf(path); p !== ''; p = parentOf(p)) yield p;
}

/** refusedLink is the error for a group of links whose target path is refused (src/layers/hardlinks.ts decides). */
function refusedLink(group: Group, target: string, problem: string): WhittleError {
  const link = group.find().links[0];
  return link ? badLink(`layer ${link.layer + 1}`, link.path, target, problem) : new WhittleError('bad-archive', `a hard link points at ${JSON.stringify(target)}, ${problem}`);
}

/** A surviving hard link, written at the end. */
interface Link {
  layer: number;
  index: number;
  path: string;
  header: TarHeader;
  /** the group it joined (follow find(): groups merge). */
  group: Group;
}

/** Links that share one content (one inode in the original file system). */
class Group {
  links: Link[] = [];
  /** the path the links point at once their content has a place in the merged layer. */
  target: string | null = null;
  /** a group merged into another forwards to it. */
  into: Group | null = null;
  /** the lowest layer whose links are in the group: layers below it must not hide the target. */
  since = Infinity;
  find(): Group {
    let g: Group = this;
    while (g.into) g = g.into;
    return g;
  }
}

function merge(a: Group | undefined, b: Group | undefined): Group | undefined {
  const ra = a?.find();
  const rb = b?.find();
  if (!ra) return rb;
  if (!rb || ra === rb) return ra;
  if (ra.target !== null && rb.target !== null) throw new Error('two resolved link groups cannot merge');
  const [keep, drop] = ra.target !== null ? [ra, rb] : [rb, ra];
  keep.links.push(...drop.links);
  keep.since = Math.min(keep.since, drop.since);
  drop.links = [];
  drop.into = keep;
  return keep;
}

/** An entry met earlier in the layer being read, for links of the same layer that point at it. */
interface Seen {
  index: number;
  /** written into the merged layer as itself. */
  survives: boolean;
  /** part of the final file system (a kept layer's entry can be, without being written). */
  inTree: boolean;
  kind: TarHeader['kind'];
  linkTarget?: string;
  /** the links that share this entry's content. */
  group?: Group;
}

interface Fixup {
  index: number;
  group: Group;
  /** where the content goes: the entry's own path (a kept layer's file copied up) or the group's first link. */
  own: boolean;
}

export interface StreamSquashResult {
  /** every layer's entries, for planSquash, when a base is kept (empty lists otherwise). */
  entries: LayerEntry[][];
  /** the paths written into the merged layer, when a base is kept. */
  emitted: Set<string>;
  /** regular-file content bytes the merged layers held, and how many the merged layer has. */
  bytesIn: number;
  bytesOut: number;
}

/**
 * streamSquash writes the merged layer of layers[from..] into writer in one top-down pass (reading
 * the kept layers below `from` too, for their entries and for hard-link targets). The caller adds
 * the base whiteouts (planSquash) and finishes the writer.
 */
export async function streamSquash(layers: readonly Layer[], from: number, writer: LayerWriter, onBytes: (n: number) => void, watch?: LayerWatch): Promise<StreamSquashResult> {
  const claimed = new Set<string>();
  const cuts = new Set<string>();
  let rootCut = false;
  const wanted = new Map<string, Group>();
  const links: Link[] = [];
  const fixups = new Map<number, Fixup[]>();
  // entry lists are kept only when a base is kept: its whiteouts are planned from them (plan.ts)
  const keepEntries = from > 0;
  const entries: LayerEntry[][] = layers.map(() => []);
  const emitted = new Set<string>();
  let bytesIn = 0;
  let bytesOut = 0;
  /** emit writes header's entry at path (a hard link to `link`); it tells whether content follows. */
  const emit = (header: TarHeader, path: string, link?: string): boolean => {
    const type = link !== undefined ? 'hardlink' : OUT_TYPES[header.kind];
    if (!type) return false;
    writer.header(outHeader(header, path, type, type === 'hardlink' ? link : type === 'symlink' ? header.linkname : undefined));
    if (keepEntries) emitted.add(path);
    if (type !== 'file') return false;
    bytesOut += header.size;
    return true;
  };

  const hiddenAbove = (path: string): boolean => {
    if (rootCut || claimed.has(path)) return true;
    for (let p = parentOf(path); p !== ''; p = parentOf(p)) if (cuts.has(p)) return true;
    return false;
  };

  for (let k = layers.length - 1; k >= 0; k--) {
    const merged = k >= from;
    const what = `layer ${k + 1} of ${layers.length}`;
    // entries of this layer met so far that a later link of the same layer may point at
    const seen = new Map<string, Seen>();
    // links of this layer that point below it: they join `wanted` once the layer is read, so that
    // an entry later in this layer (a newer version of the target) does not answer them
    const wantedBelow = new Map<string, Group>();
    let index = -1;

    /** resolveLink gives a group of links the version of target this layer holds (or leaves it wanted below). */
    const resolveLink = (group: Group, target: string, from: string): void => {
      for (let hops = 0; hops <= seen.size; hops++) {
        const earlier = seen.get(target);
        if (earlier === undefined) {
          const joined = merge(wantedBelow.get(target), group)!;
          joined.since = Math.min(joined.since, k);
          wantedBelow.set(target, joined);
          return;
        }
        const problem = target === from ? 'itself' : linkTargetProblem(OUT_TYPES[earlier.kind]);
        if (problem) throw badLink(what, from, target, problem);
        if (earlier.group) {
          // the earlier entry's content already has (or waits for) a place: share it
          earlier.group = merge(earlier.group, group)!;
          return;
        }
        earlier.group = group;
        if (earlier.kind === 'hardlink') {
          target = earlier.linkTarget!; // a chain inside the layer
          continue;
        }
        if (earlier.survives) group.find().target = target;
        else {
          // the content streamed past already: read this layer again at the end
          let due = fixups.get(k);
          if (!due) fixups.set(k, (due = []));
          due.push({ index: earlier.index, group, own: earlier.inTree });
        }
        return;
      }
      throw new WhittleError('bad-archive', `${what}: hard link ${JSON.stringify(from)} is part of a cycle`);
    };

    // what this layer has, for what it hides from the layers below it
    const own: LayerEntry[] = [];
    const parents = new LayerParents();
    const impliedDirs: string[] = [];

    /** onEntry decides one entry as it passes; true when its content is to be copied. */
    const onEntry = (header: TarHeader): boolean => {
      const entry = toEntry(header);
      if (!entry || (entry.path === '' && entry.whiteout !== 'opaque')) return false;
      index++;
      own.push(entry);
      const { implied, conflict } = parents.add(entry);
      if (conflict !== undefined) throw new WhittleError('unsupported', conflictMessage(k, entry, conflict));
      for (const dir of implied) {
        if (wanted.has(dir)) throw new WhittleError('bad-archive', `${what}: a hard link points at ${JSON.stringify(dir)}, which is a directory`);
        impliedDirs.push(dir);
        const inTree = !hiddenAbove(dir);
        seen.set(dir, { index: -1, survives: merged && inTree, inTree, kind: 'dir' });
        if (merged && inTree) {
          writer.header(dirHeader(impliedDir(dir, entry)));
          if (keepEntries) emitted.add(dir);
        }
      }
      if (entry.whiteout) return false;
      if (merged && entry.type === 'file') bytesIn += entry.size;
      const path = entry.path;
      const inTree = !hiddenAbove(path);
      const survives = merged && inTree;
      // links from above that see this entry as their target's version
      const waiting = wanted.get(path);
      if (waiting) wanted.delete(path);

      if (entry.type === 'hardlink') {
        const mine = survives ? new Group() : undefined;
        if (mine) {
          const link = { layer: k, index, path, header, group: mine };
          mine.links.push(link);
          links.push(link);
        }
        const group = merge(waiting, mine);
        seen.set(path, { index, survives, inTree, kind: header.kind, linkTarget: entry.linkTarget! });
        if (group) resolveLink(group, entry.linkTarget!, path);
        return false;
      }

      const record: Seen = { index, survives, inTree, kind: header.kind };
      seen.set(path, record);
      const problem = waiting ? linkTargetProblem(entry.type) : null;
      if (waiting && problem) throw badLink(what, waiting.find().links[0]?.path ?? '?', path, problem);
      const group = waiting?.find();
      if (group && group.links.length > 0) {
        record.group = group;
        // the target is in the result as itself (or, in a kept layer, copied up into the merged one);
        // otherwise its content goes to the first link
        const at = inTree ? path : group.links[0]!.path;
        group.target = at;
        return emit(header, at);
      }
      return survives && emit(header, path);
    };

    // kept layers below `from` are read only for their entries (base whiteouts) and link targets
    await readLayer(layers[k]!, what, onBytes, writer, onEntry, watch);

    // what this layer hides from the layers below it; a link made above must still find its target below
    const hides = new Set<string>();
    let hidesAll = false;
    if (keepEntries) entries[k] = own;
    for (const dir of impliedDirs) claimed.add(dir);
    for (const e of own) {
      if (e.whiteout === 'opaque') {
        if (e.path === '') hidesAll = true;
        else hides.add(e.path);
        continue;
      }
      claimed.add(e.path);
      if (e.whiteout === 'file' || e.type !== 'dir') hides.add(e.path);
    }
    for (const [path, group] of wanted) {
      if (group.find().since <= k) continue;
      let hidden = hidesAll || hides.has(path);
      for (let p = parentOf(path); !hidden && p !== ''; p = parentOf(p)) hidden = hides.has(p);
      if (hidden) {
        // the target is gone (deleted or replaced), or lies below what this layer made a symlink
        const symlinked = [...ancestors(path)].find((p) => hides.has(p) && own.some((e) => e.path === p && e.type === 'symlink'));
        throw refusedLink(group, path, symlinked !== undefined ? `which is below the symbolic link ${JSON.stringify(symlinked)}` : linkTargetProblem(undefined)!);
      }
    }
    for (const p of hides) cuts.add(p);
    if (hidesAll) rootCut = true;
    for (const [path, group] of wantedBelow) wanted.set(path, merge(wanted.get(path), group)!);
  }
  if (wanted.size > 0) {
    const [path, group] = [...wanted][0]!;
    throw refusedLink(group, path, linkTargetProblem(undefined)!);
  }

  // contents that streamed past before a link of the same layer asked for them
  for (const [k, due] of [...fixups].sort((a, b) => b[0] - a[0])) {
    const byIndex = new Map(due.map((f) => [f.index, f]));
    let index = -1;
    await readLayer(layers[k]!, `layer ${k + 1} of ${layers.length}`, () => undefined, writer, (header) => {
      const entry = toEntry(header);
      if (!entry || (entry.path === '' && entry.whiteout !== 'opaque')) return false;
      index++;
      const fixup = byIndex.get(index);
      const group = fixup?.group.find();
      if (!fixup || !group || group.target !== null || group.links.length === 0) return false;
      const at = fixup.own ? entry.path : group.links[0]!.path;
      group.target = at;
      return emit(header, at);
    });
  }

  // hard links last, each after the content it points at
  links.sort((a, b) => a.layer - b.layer || a.index - b.index);
  for (const link of links) {
    const target = link.group.find().target;
    if (target === null) throw new WhittleError('bad-archive', `hard link ${JSON.stringify(link.path)}: its target was never found`);
    if (target === link.path) continue;
    emit(link.header, link.path, target);
    const ready = writer.ready();
    if (ready) await ready;
  }
  return { entries, emitted, bytesIn, bytesOut };
}

/**
 * readLayer streams one layer's verified tar, asking decide about each entry (true: copy its content
 * into the writer) and waiting for the writer between chunks.
 */
export async function readLayer(layer: Layer, what: string, onBytes: (n: number) => void, writer: LayerWriter, decide: (header: TarHeader) => boolean, watch?: LayerWatch): Promise<void> {
  const counted = watch ? await watch(layer, what) : null;
  const read = await layer.read();
  let copying = false;
  const parser = new TarParser({
    entry: (header) => {
      copying = decide(header);
    },
    data: (chunk) => {
      if (copying) writer.data(chunk);
    },
    entryEnd: () => {
      copying = false;
    },
  });
  try {
    for await (const chunk of read.tar) {
      onBytes((chunk as Buffer).length);
      counted?.((chunk as Buffer).length);
      if (parser.done) continue;
      parser.write(chunk as Buffer);
      const ready = writer.ready();
      if (ready) await ready;
    }
    parser.end();
  } catch (err) {
    read.tar.destroy();
    await read.stats.catch(() => undefined);
    throw err instanceof WhittleError ? err : wrap(what, err);
  }
  await read.stats;
}
