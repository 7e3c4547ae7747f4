// analyze: the pure analysis of `whittle analyze` — turns per-layer entry lists into sizes, per-layer
// changes, whittle's wasted bytes, dive's figures, findings and estimated savings (schema: docs/analyze-json.md).
import type { Digest } from '../image/digest.js';
import type { LayerStats } from '../image/image.js';
import type { ImageConfig } from '../image/spec.js';
import type { LayerEntry } from '../layers/entry.js';
import { entryIds, type EntryIds } from '../layers/path-ids.js';
import { diveFigures, type DiveFigures } from './dive.js';
import { runFindings, type Finding } from './findings/index.js';
import { mapHistory } from './history.js';
import { instructionOf } from './instruction.js';
import { filesDocument, type FilesDocument } from './files.js';
import { mergeLayers, type DropKind, type LayerChanges, type MergedRecord } from './merge.js';
import type { FileTree } from './path-tree.js';
import { configWarnings } from '../image/config-schema.js';

export type { Finding } from './findings/index.js';
export type { DiveFigures, DiveInefficiency } from './dive.js';
export type { DropKind } from './merge.js';

export interface AnalysisInput {
  reference: string;
  manifestDigest?: Digest;
  configDigest: Digest;
  config: ImageConfig;
  layers: { entries: LayerEntry[]; stats: LayerStats; mediaType: string }[];
  /** the numbering of the entries' paths made while they were read (scanImage); made by the analysis when absent. */
  ids?: EntryIds;
}

export interface AnalyzeOptions {
  /** how many paths to list per finding and in the wasted top list; default 10. */
  topPaths?: number;
  /** add `files`: the whole final filesystem and every dropped copy (for whittle report). */
  files?: boolean;
  /** called with the merged final filesystem before it is dropped (whittle report --compare reads its content digests). */
  inspectTree?: (tree: FileTree<MergedRecord>) => void;
}

export interface LayerAnalysis {
  index: number;
  digest: Digest;
  diffId: Digest;
  mediaType: string;
  /** the instruction that created the layer, from config history (null when history does not say). */
  instruction: string | null;
  createdBy: string | null;
  created: string | null;
  historyIndex: number | null;
  sizes: { compressedBlob: number; uncompressedTar: number; fileContent: number; docker: number };
  added: LayerChanges['added'];
  modified: LayerChanges['modified'];
  removed: LayerChanges['removed'];
  /** bytes of this layer's file content that do not reach the final filesystem. */
  wastedBytes: number;
}

export interface WastedPath {
  path: string;
  bytes: number;
  addedBy: number;
  droppedBy: number;
  how: DropKind;
}

export interface Analysis {
  schemaVersion: 1;
  image: {
    reference: string;
    manifestDigest: Digest | null;
    id: Digest;
    platform: string;
    user: string | null;
    created: string | null;
  };
  sizes: {
    /** Σ bytes of the stored (usually gzip) layer blobs: what a pull downloads. */
    compressedBlob: number;
    /** Σ bytes of the uncompressed layer tars (headers and padding included). */
    uncompressedTar: number;
    /** Σ regular-file content bytes over all layers. */
    fileContent: number;
    /** what `docker images` reports as SIZE: file content plus symlink target lengths, as the graph driver counts them. */
    docker: number;
    /** regular-file content bytes of the merged, final filesystem (what a squashed image would hold). */
    finalFilesystem: number;
    fileCount: number;
  };
  layers: LayerAnalysis[];
  wasted: {
    /** file-content bytes in layers that do not reach the final filesystem: what squashing would drop. */
    bytes: number;
    /** bytes / sizes.fileContent (0 when there is no content). */
    ratio: number;
    /** number of dropped copies. */
    count: number;
    top: WastedPath[];
  };
  /** dive's figures; inefficiencies holds the top paths, inefficiencyCount how many there are. */
  dive: DiveFigures & { inefficiencyCount: number };
  findings: Finding[];
  savings: {
    /** what squashing would save: wasted.bytes. */
    squash: number;
    /** bytes of final-filesystem paths that removable findings name (caches, build tools, secrets, .git), each path counted once. */
    cleanups: number;
    total: number;
  };
  warnings: string[];
  /** present only when AnalyzeOptions.files was set: the final filesystem and the dropped copies. */
  files?: FilesDocument;
}

export function analyze(input: AnalysisInput, options: AnalyzeOptions = {}): Analysis {
  const topPaths = options.topPaths ?? 10;
  const warnings: string[] = [];
  const entryLists = input.layers.map((l) => l.entries);
  // dive's figures first: its per-path arrays are garbage before the merged filesystem is built, so
  // the two never need memory at the same time (their peaks added up on images of 100,000s of entries)
  const ids = input.ids ?? entryIds(entryLists);
  const dive = diveFiguresLimited(entryLists, entryLists.map(contentBytes), ids, topPaths);
  const { tree, changes, dropped, linkedBytes } = mergeLayers(entryLists, ids);
  const history = mapHistory(input.config.history, input.layers.length);
  if (history.warning) warnings.push(history.warning);
  warnings.push(...configWarnings(input.config));
  const instructions = history.layers.map((h) => instructionOf(h.createdBy ?? undefined));

  const wastedPerLayer = new Array<number>(input.layers.length).fill(0);
  let wastedBytes = 0;
  for (const d of dropped) {
    wastedBytes += d.bytes;
    wastedPerLayer[d.addedBy] = (wastedPerLayer[d.addedBy] ?? 0) + d.bytes;
  }

  const layers: LayerAnalysis[] = input.layers.map((l, index) => {
    const ch = changes[index]!;
    const h = history.layers[index]!;
    return {
      index,
      digest: l.stats.digest,
      diffId: l.stats.diffId,
      mediaType: l.mediaType,
      instruction: instructions[index] ?? null,
      createdBy: h.createdBy,
      created: h.created,
      historyIndex: h.historyIndex,
      sizes: { compressedBlob: l.stats.size, uncompressedTar: l.stats.uncompressedSize, fileContent: ch.fileContent, docker: ch.fileContent + ch.symlinkBytes },
      added: ch.added,
      modified: ch.modified,
      removed: ch.removed,
      wastedBytes: wastedPerLayer[index] ?? 0,
    };
  });

  let finalFilesystem = linkedBytes;
  let fileCount = 0;
  tree.records.forEach((r) => {
    if (r.type === 'dir') return;
    fileCount++;
    finalFilesystem += r.size;
  });
  const fileContent = layers.reduce((s, l) => s + l.sizes.fileContent, 0);

  options.inspectTree?.(tree);
  const { findings, removablePaths } = runFindings({ tree, dropped, config: input.config, layerCount: input.layers.length, instructions }, instructions, topPaths);
  let cleanups = 0;
  for (const p of removablePaths) cleanups += tree.get(p)?.size ?? 0;

  const c = input.config;
  return {
    schemaVersion: 1,
    image: {
      reference: input.reference,
      manifestDigest: input.manifestDigest ?? null,
      id: input.configDigest,
      platform: [c.os, c.architecture, c.variant].filter((p) => p).join('/'),
      user: c.config?.User ?? null,
      created: c.created ?? null,
    },
    sizes: {
      compressedBlob: input.layers.reduce((s, l) => s + l.stats.size, 0),
      uncompressedTar: input.layers.reduce((s, l) => s + l.stats.uncompressedSize, 0),
      fileContent,
      docker: layers.reduce((s, l) => s + l.sizes.docker, 0),
      finalFilesystem,
      fileCount,
    },
    layers,
    wasted: {
      bytes: wastedBytes,
      ratio: fileContent > 0 ? wastedBytes / fileContent : 0,
      count: dropped.length,
      top: [...dropped].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1)).slice(0, topPaths),
    },
    dive,
    findings,
    savings: { squash: wastedBytes, cleanups, total: wastedBytes + cleanups },
    warnings,
    ...(options.files ? { files: filesDocument(tree, dropped) } : {}),
  };
}

/** contentBytes is the regular-file content a layer's tar carries (what merge counts as its fileContent). */
function contentBytes(entries: readonly LayerEntry[]): number {
  let sum = 0;
  for (const e of entries) if (e.type === 'file' && !e.whiteout) sum += e.size;
  return sum;
}

function diveFiguresLimited(entries: LayerEntry[][], content: number[], ids: EntryIds, top: number): Analysis['dive'] {
  const d = diveFigures(entries, content, ids);
  return { ...d, inefficiencies: d.inefficiencies.slice(0, top), inefficiencyCount: d.inefficiencies.length };
}
