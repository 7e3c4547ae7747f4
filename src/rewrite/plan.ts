// planSquash decides, from the entry lists of every layer (headers only, no content), what one
// merged layer must hold so that applying it on top of the kept base layers gives exactly the file
// system the original layers give:
// - every path of the final file system that the squashed layers produced, as its last version
//   (a directory's last entry carries its metadata; contents of replaced and deleted files go);
// - whiteouts for base paths that the squashed layers deleted, opaque markers for base directories
//   they emptied (`.wh..wh..opq`) or deleted and re-created;
// - hard links kept valid: a surviving link whose target was deleted or overwritten later carries
//   the target's content itself (the first such link; the others link to it), and a link into a
//   kept base layer copies the base file up into the merged layer first, as overlayfs would.
// Opaque markers apply before the rest of their layer, whatever their place in the tar. A layer's
// entry below a path it has no entry for implies a directory there (src/layers/parents.ts): it
// replaces a lower symlink or file, and goes into the merged layer as a directory entry of its own.
import { badLink, linkTargetProblem } from '../layers/hardlinks.js';
import { WhittleError } from '../errors.js';
import type { LayerEntry } from '../layers/entry.js';
import { conflictMessage, withImpliedParents } from '../layers/parents.js';
import { PathTree, parentOf } from '../analyze/path-tree.js';

/** Ref names one entry: layer index and the entry's ordinal in that layer's entry list. */
export interface Ref {
  layer: number;
  index: number;
}

interface Node {
  path: string;
  type: LayerEntry['type'];
  layer: number;
  index: number; // -1 for a directory that exists only because an opaque marker named it, or that an entry implies
  /** a directory the layer implies: its entry, and the ordinal of the entry that implies it. */
  implied?: { entry: LayerEntry; at: number };
  /** directories: changes when the directory is created anew or made opaque (its old contents are gone). */
  gen: number;
  /** hard links: the entry holding the content (the file the link chain ends at). */
  root?: Ref;
}

export interface SquashPlan {
  /** first layer merged; layers below it are kept as they are. */
  from: number;
  /** per layer (index into the image's layers), the entry ordinals to copy into the merged layer as they are. */
  emit: Map<number, Set<number>>;
  /** file entries whose content goes into the merged layer under `path` (hard-link targets that did not survive or live in a kept layer). */
  materialize: Map<number, Map<number, string>>;
  /** surviving hard links to write with this target instead of the one they had. */
  relink: Map<number, Map<number, string>>;
  /** per layer, directories it implies that go into the merged layer, written before the entry of that ordinal. */
  implied: Map<number, Map<number, LayerEntry[]>>;
  /** whiteouts the merged layer starts with: `path` deleted, or (opaque) the base contents below `path` hidden. */
  whiteouts: { path: string; opaque: boolean }[];
  /** layers whose tar has to be read to write the merged layer, ascending. */
  read: number[];
  /** regular-file content bytes the merged layers held, and how many of them the merged layer keeps. */
  bytesIn: number;
  bytesOut: number;
}

function addTo<V>(map: Map<number, Map<number, V>>, ref: Ref, value: V): void {
  let inner = map.get(ref.layer);
  if (!inner) map.set(ref.layer, (inner = new Map()));
  inner.set(ref.index, value);
}

function before(a: Ref, b: Ref): boolean {
  return a.layer < b.layer || (a.layer === b.layer && a.index < b.index);
}

/** planSquash plans merging layers[from..] into one layer on top of layers[0..from). */
export function planSquash(layers: readonly (readonly LayerEntry[])[], from = 0): SquashPlan {
  if (!Number.isInteger(from) || from < 0 || from >= layers.length) {
    throw new WhittleError('usage', `cannot squash from layer ${from + 1}: the image has ${layers.length} layer(s)`);
  }
  const tree = new PathTree<Node>();
  let gen = 0;
  let rootGen = 0; // the root directory has no node; an opaque marker on it hides every lower path
  let base = new Map<string, { gen: number; dir: boolean }>();
  let baseRootGen = 0;

  for (let layer = 0; layer < layers.length; layer++) {
    const entries = layers[layer]!;
    if (layer === from) {
      base = new Map();
      for (const [path, n] of tree.records) base.set(path, { gen: n.gen, dir: n.type === 'dir' });
      baseRootGen = rootGen;
    }
    const items = withImpliedParents(entries);
    for (const { entry: e, conflict } of items) {
      if (conflict !== undefined) throw new WhittleError('unsupported', conflictMessage(layer, e, conflict));
      if (e.whiteout !== 'opaque') continue;
      tree.removeBelow(e.path);
      if (e.path === '') {
        rootGen = ++gen;
        continue;
      }
      const existing = tree.get(e.path);
      if (existing?.type === 'dir') existing.gen = ++gen;
      else tree.set(e.path, { path: e.path, type: 'dir', layer, index: -1, gen: ++gen });
    }
    for (const { entry: e, index: at, implied } of items) {
      if (e.whiteout === 'opaque') continue;
      if (e.whiteout === 'file') {
        tree.remove(e.path);
        continue;
      }
      const index = implied ? -1 : at;
      const existing = tree.get(e.path);
      const node: Node = { path: e.path, type: e.type, layer, index, gen: 0 };
      if (implied) node.implied = { entry: e, at };
      if (e.type === 'dir') {
        node.gen = existing?.type === 'dir' ? existing.gen : ++gen;
      } else if (existing?.type === 'dir') {
        tree.removeBelow(e.path);
      }
      if (e.type === 'hardlink') {
        const target = tree.get(e.linkTarget!);
        const problem = e.linkTarget === e.path ? 'itself' : linkTargetProblem(target?.type);
        if (!target || problem || target.index < 0) throw badLink(`layer ${layer + 1}`, e.path, e.linkTarget!, problem ?? 'which is a directory');
        node.root = target.root ?? { layer: target.layer, index: target.index };
      }
      tree.set(e.path, node);
    }
  }

  const plan: SquashPlan = { from, emit: new Map(), materialize: new Map(), relink: new Map(), implied: new Map(), whiteouts: [], read: [], bytesIn: 0, bytesOut: 0 };
  for (let l = from; l < layers.length; l++) {
    plan.emit.set(l, new Set());
    for (const e of layers[l]!) if (e.type === 'file' && !e.whiteout) plan.bytesIn += e.size;
  }
  const entryOf = (r: Ref): LayerEntry => layers[r.layer]![r.index]!;

  // Surviving nodes of the merged layers, and the hard links grouped by the content they share.
  const links = new Map<string, { root: Ref; links: Node[] }>();
  for (const node of tree.records.values()) {
    if (node.layer < from) continue;
    if (node.implied) {
      const { entry, at } = node.implied;
      let inner = plan.implied.get(node.layer);
      if (!inner) plan.implied.set(node.layer, (inner = new Map()));
      inner.set(at, [...(inner.get(at) ?? []), entry]);
      continue;
    }
    if (node.index < 0) continue;
    if (node.type === 'hardlink') {
      const key = `${node.root!.layer}:${node.root!.index}`;
      let group = links.get(key);
      if (!group) links.set(key, (group = { root: node.root!, links: [] }));
      group.links.push(node);
      continue;
    }
    plan.emit.get(node.layer)!.add(node.index);
    if (node.type === 'file') plan.bytesOut += entryOf(node).size;
  }
  // parents before children, whatever order the tree met them in
  for (const inner of plan.implied.values()) for (const list of inner.values()) list.sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  const read = new Set<number>();
  for (const { root, links: group } of links.values()) {
    const rootEntry = entryOf(root);
    const survivor = tree.get(rootEntry.path);
    const rootSurvives = survivor !== undefined && survivor.layer === root.layer && survivor.index === root.index;
    let target: string;
    if (rootSurvives && root.layer >= from) {
      target = rootEntry.path; // emitted as itself above
    } else if (rootSurvives) {
      target = rootEntry.path; // in a kept layer: copy it up into the merged layer
      addTo(plan.materialize, root, target);
      plan.bytesOut += rootEntry.size;
      read.add(root.layer);
    } else {
      group.sort((a, b) => (before(a, b) ? -1 : 1));
      const first = group.shift()!;
      target = first.path;
      addTo(plan.materialize, root, target);
      plan.bytesOut += rootEntry.size;
      read.add(root.layer);
    }
    for (const link of group) {
      plan.emit.get(link.layer)!.add(link.index);
      addTo(plan.relink, link, target);
    }
  }

  // Whiteouts: what the kept layers have that the merged result must hide. Parents sort before
  // their children; once a path is whited out, made opaque or replaced, nothing below it needs more.
  const handled = new Set<string>();
  const isHandled = (path: string): boolean => {
    for (let p = parentOf(path); ; p = parentOf(p)) {
      if (handled.has(p)) return true;
      if (p === '') return false;
    }
  };
  if (rootGen !== baseRootGen) {
    if (base.size > 0) plan.whiteouts.push({ path: '', opaque: true });
  } else {
    for (const path of [...base.keys()].sort()) {
      if (isHandled(path)) continue;
      const was = base.get(path)!;
      const now = tree.get(path);
      if (!now) {
        plan.whiteouts.push({ path, opaque: false });
        handled.add(path);
      } else if (was.dir && now.type === 'dir') {
        if (now.gen !== was.gen) {
          plan.whiteouts.push({ path, opaque: true });
          handled.add(path);
        }
      } else if (was.dir) {
        handled.add(path); // replaced by a non-directory, which hides everything below
      }
    }
  }

  for (let l = from; l < layers.length; l++) read.add(l);
  plan.read = [...read].sort((a, b) => a - b);
  return plan;
}
