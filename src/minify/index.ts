// minify cuts an image down to the static closure of what its config runs (closure.ts) and writes
// that closure as the image's one layer, config kept (history reset to one entry, diff_ids
// updated). One scan lists every layer's entries and, on the way, reads every shared library and
// the loader's and NSS's configuration; the other contents the closure needs (programs, scripts,
// modules) are read in rounds until nothing more is wanted; then one pass over the contributing
// layers copies the kept contents. With --probe, the paths the original touched under strace
// (probe.ts) join the closure, and the plan says which of them the static closure alone lacks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { registerTemporary, unregisterTemporary } from '../internal/cleanup.js';
import { join } from 'node:path';
import { mergeLayers } from '../analyze/merge.js';
import { mapLimit } from '../internal/concurrency.js';
import { scanLayer } from '../layers/scan.js';
import { resolve, type FinalTree } from '../analyze/resolve.js';
import { WhittleError, wrap } from '../errors.js';
import type { Image } from '../image/image.js';
import { siblingTemp } from '../internal/atomic.js';
import type { LayerCompression, WrittenLayer } from '../rewrite/layer-writer.js';
import { replaceTop } from '../rewrite/mutate.js';
import { analyzeShell } from '../shell/commands.js';
import { initShellParser, shellParserReady } from '../shell/parser.js';
import { computeClosure, entrypointArgv, type ClosureOptions, type ClosureResult, type Tracer } from './closure.js';
import { factsCollector, readFacts, repeatedPaths, sourceOf, spooledFacts, type FileFacts } from './facts.js';
import { nodeTracer, npmTracer } from './node.js';
import { LayerModuleSpool } from './module-spool.js';
import { pythonTracer } from './python.js';
import { appRoots, splitKept } from './split.js';
import { writeClosureLayers } from './write.js';

export type { ClosureResult, Tracer } from './closure.js';

const DEFAULT_TRACERS: Tracer[] = [npmTracer, nodeTracer, pythonTracer];

/** MAX_ROUNDS bounds the read-and-trace rounds (each is one pass over the layers holding what is wanted). */
const MAX_ROUNDS = 32;

export interface MinifyOptions {
  keep?: string[];
  /** language tracers (default: npm, Node and Python). */
  tracers?: Tracer[];
  /** plan only: trace and explain, write nothing. */
  dryRun?: boolean;
  compression?: LayerCompression;
  tmpDir?: string;
  /** where the layer's file goes (next to a local output, so the sink can move it into place), and the room left before it. */
  layerDir?: string;
  reserve?: number;
  onProgress?: (p: { phase: 'scan' | 'trace' | 'write'; bytes: number }) => void;
  /** two layers: the system files, then the app (split.ts says which is which). */
  split?: boolean;
  /** what --probe saw the original touch (probe.ts): added to the static closure. */
  probe?: ClosureOptions['probe'];
}

export interface MinifyPlan extends ClosureResult {
  /** paths of the original final tree, and their file content bytes. */
  before: { paths: number; bytes: number };
  /** kept paths and their file content bytes. */
  after: { paths: number; bytes: number };
  /** the final tree, for --why on a path not kept. */
  tree: FinalTree;
  /** with split: the directories (and files) whose kept paths form the app layer, and how many paths each layer holds. */
  split?: { appRoots: string[]; systemPaths: number; appPaths: number };
  /** with a probe: how many paths of the image it saw touched, and the kept paths the static closure alone lacks (directories kept only on the way to them left out). */
  probe?: { touched: number; added: string[] };
}

export interface MinifyResult {
  plan: MinifyPlan;
  image?: Image;
  dispose(): Promise<void>;
}

/**
 * PREFETCH matches the files the closure will almost surely ask about: shared libraries, the
 * loader, its and NSS's configuration, the user database, and a Python standard library's
 * extension modules. (Sources of Node and Python modules are not held: the scan spools them,
 * module-spool.ts, and the closure reads each one back when it reaches it.) PREFETCH_ELF matches
 * the files whose facts are read only when they are ELF files of up to 1 MiB: Python packages'
 * extension modules, whose imports would otherwise cost a pass over their layer. (Not the programs
 * of PATH: a full image's /usr/bin holds hundreds, and reading them all cost more than the one pass
 * for the entrypoint's.)
 */
const PREFETCH =
  /^(?:(usr\/)?(local\/)?lib(32|64|x32)?\/([^/]+-linux-gnu[^/]*\/)?[^/]+\.so(\.[\d.]+)?|(usr\/)?lib(64)?\/ld-[^/]+|etc\/ld\.so\.cache|etc\/nsswitch\.conf|etc\/ld\.so\.conf|etc\/ld\.so\.conf\.d\/[^/]+|etc\/passwd|etc\/group|(usr\/)?(local\/)?lib\/python3\.\d+\/lib-dynload\/[^/]+\.so)$/;
const PREFETCH_ELF = /^(usr\/)?(local\/)?lib\/python3(\.\d+)?\/(site|dist)-packages\/.+\.so$/;

/** prefetchKind says whether the scan reads a path's facts: true, 'elf' (only an ELF file's), or false. */
const prefetchKind = (p: string): boolean | 'elf' => (PREFETCH.test(p) ? true : PREFETCH_ELF.test(p) ? 'elf' : false);

/**
 * lazyShell parses shell text with src/shell once its parser (tree-sitter, WebAssembly: about 10 MB
 * of memory and a compile) is loaded, and notes a script it could not parse yet: the parser is
 * loaded only for a closure that meets a shell script, and that closure is then computed again.
 */
function lazyShell() {
  const shell = {
    needed: false,
    parse: (text: string) => {
      if (shellParserReady()) return analyzeShell(text);
      shell.needed = true;
      return null;
    },
    /** whether the closure just computed parsed no shell for want of the parser: it is loaded now, compute it again. */
    async loaded(): Promise<boolean> {
      if (!shell.needed || shellParserReady()) return false;
      await initShellParser();
      return true;
    },
  };
  return shell;
}

/**
 * traceImage computes the closure, reading contents in rounds until nothing more is wanted: a
 * module the scan spooled is read the moment the closure reaches it, so a round is a pass over the
 * layers for the other files (programs, scripts, configuration) only.
 */
async function traceImage(image: Image, tree: FinalTree, config: Awaited<ReturnType<Image['config']>>, facts: Map<string, FileFacts>, repeated: readonly ReadonlySet<string>[], modules: readonly LayerModuleSpool[], opts: MinifyOptions): Promise<ClosureResult> {
  const shell = lazyShell();
  let bytes = 0;
  const onBytes = (n: number) => opts.onProgress?.({ phase: 'trace', bytes: (bytes += n) });
  const read = (p: string) => {
    const f = spooledFacts(tree, p, modules);
    if (f) facts.set(p, f);
    return f;
  };
  for (let round = 0; ; round++) {
    const result = computeClosure(tree, config, facts, { keep: opts.keep ?? [], shell: shell.parse, tracers: opts.tracers ?? DEFAULT_TRACERS, read, ...(opts.probe ? { probe: opts.probe } : {}) });
    if (await shell.loaded()) continue;
    const wanted = [...result.wanted].filter((p) => !facts.has(p));
    if (wanted.length === 0) return result;
    if (round >= MAX_ROUNDS) throw new WhittleError('unsupported', `the closure still wanted ${wanted.length} file(s) after ${MAX_ROUNDS} rounds of reading (first: /${wanted[0]})`);
    const got = await readFacts(image, tree, wanted, onBytes, repeated, opts.tmpDir, modules);
    for (const p of wanted) facts.set(p, got.get(p) ?? {});
  }
}

/** probeAdded compares the closure with the probe's paths to the static one (every file it needs was read for the larger closure): what only the probe brought. */
async function probeAdded(tree: FinalTree, config: Awaited<ReturnType<Image['config']>>, facts: Map<string, FileFacts>, closure: ClosureResult, opts: MinifyOptions): Promise<{ touched: number; added: string[] }> {
  const shell = lazyShell();
  const without = () => computeClosure(tree, config, facts, { keep: opts.keep ?? [], shell: shell.parse, tracers: opts.tracers ?? DEFAULT_TRACERS });
  let staticOnly = without();
  if (await shell.loaded()) staticOnly = without();
  const added = [...closure.kept]
    .filter(([p, reasons]) => !staticOnly.kept.has(p) && !(reasons.length === 1 && reasons[0] === 'directory on the way to a kept path'))
    .map(([p]) => `/${p}`);
  let touched = 0;
  for (const abs of opts.probe?.keys() ?? []) {
    const p = abs.replace(/^\/+/, '');
    const r = resolve(tree, p);
    if (tree.has(p) || (r !== null && r !== '' && tree.has(r))) touched++;
  }
  return { touched, added };
}

/** scan lists every layer's entries, two layers at a time, and on the way reads the facts of the files PREFETCH names. */
async function scan(image: Image, opts: MinifyOptions) {
  const layers = await image.layers();
  let bytes = 0;
  const prefetched: Map<string, FileFacts>[] = [];
  const modules: LayerModuleSpool[] = [];
  const closeModules = () => {
    for (const m of modules) m?.close();
  };
  try {
    const entries = await mapLimit(layers, 2, async (layer, i) => {
      const collector = factsCollector(prefetchKind, opts.tmpDir);
      const spool = (modules[i] = new LayerModuleSpool(opts.tmpDir ?? tmpdir()));
      let s;
      try {
        s = await scanLayer(layer, {
          what: `layer ${i + 1} of ${layers.length}`,
          // the merged tree keeps each entry as its record (analyze/merge.ts): no copy per path
          layer: i,
          onBytes: (n) => opts.onProgress?.({ phase: 'scan', bytes: (bytes += n) }),
          tee: (chunk) => {
            collector.write(chunk);
            spool.write(chunk);
          },
        });
        collector.end();
      } finally {
        collector.close();
      }
      prefetched[i] = collector.facts;
      return s.entries;
    });
    return { entries, prefetched, modules, closeModules };
  } catch (err) {
    closeModules();
    throw err;
  }
}

/** minify traces the closure and (unless dryRun) writes it as a one-layer image. */
export async function minify(image: Image, opts: MinifyOptions = {}): Promise<MinifyResult> {
  const config = await image.config();
  const { entries, prefetched, modules, closeModules } = await scan(image, opts);
  try {
    return await minifyScanned(image, config, entries, prefetched, modules, opts);
  } finally {
    closeModules();
  }
}

/** finalTree is the merged tree of the layers' entries, without the root. */
function finalTree(entries: Awaited<ReturnType<typeof scan>>['entries']): FinalTree {
  const tree = new Map(mergeLayers(entries).tree.records);
  tree.delete('');
  return tree;
}

async function minifyScanned(
  image: Image,
  config: Awaited<ReturnType<Image['config']>>,
  entries: Awaited<ReturnType<typeof scan>>['entries'],
  prefetched: Map<string, FileFacts>[],
  modules: readonly LayerModuleSpool[],
  opts: MinifyOptions,
): Promise<MinifyResult> {
  const tree = finalTree(entries);
  // the final versions' facts, from the layers that made them
  const facts = new Map<string, FileFacts>();
  for (const p of tree.keys()) {
    const src = prefetchKind(p) !== false ? sourceOf(tree, p) : null;
    const f = src ? prefetched[src.layer]?.get(src.path) : undefined;
    if (f) facts.set(p, f);
  }
  prefetched.length = 0;
  const repeated = repeatedPaths(entries);
  const closure = await traceImage(image, tree, config, facts, repeated, modules, opts);
  let beforeBytes = 0;
  for (const r of tree.values()) if (r.type === 'file') beforeBytes += r.size;
  let afterBytes = 0;
  for (const p of closure.kept.keys()) {
    const r = tree.get(p);
    if (r?.type === 'file') afterBytes += r.size;
    else if (r?.type === 'hardlink' && r.linkTarget !== undefined && !closure.kept.has(r.linkTarget)) afterBytes += tree.get(r.linkTarget)?.size ?? 0;
  }
  const plan: MinifyPlan = { ...closure, before: { paths: tree.size, bytes: beforeBytes }, after: { paths: closure.kept.size, bytes: afterBytes }, tree };
  if (opts.probe) plan.probe = await probeAdded(tree, config, facts, closure, opts);
  // the contents read for the trace are not needed to write: let them go before the write's reads
  facts.clear();
  for (const m of modules) m.close();
  let parts: string[][] = [[...closure.kept.keys()]];
  if (opts.split) {
    const roots = appRoots(closure.kept, tree, config);
    const { system, app } = splitKept(closure.kept, roots);
    if (app.length === 0) plan.warnings = [...plan.warnings, '--split: nothing kept is under WorkingDir or the entry\'s own package; one layer written'];
    else {
      parts = [system, app];
      plan.split = { appRoots: roots.map((r) => `/${r}`), systemPaths: system.length, appPaths: app.length };
    }
  }
  const nothing = async () => undefined;
  if (opts.dryRun) return { plan, dispose: nothing };

  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-minify-')).catch((err) => {
    throw wrap('creating a temporary directory', err);
  });
  const layerFiles = parts.map((_, i) => (opts.layerDir ? siblingTemp(join(opts.layerDir, `whittle-layer${i ? `-${i}` : ''}`)) : join(dir, `layer${i}`)));
  // an interrupted run removes them all (src/internal/cleanup.ts)
  registerTemporary(dir);
  for (const f of layerFiles) registerTemporary(f);
  const dispose = () =>
    Promise.all([rm(dir, { recursive: true, force: true }), ...layerFiles.map((f) => rm(f, { force: true }))]).then(() => {
      unregisterTemporary(dir);
      for (const f of layerFiles) unregisterTemporary(f);
    });
  try {
    let written = 0;
    const layers: WrittenLayer[] = await writeClosureLayers(image, entries, tree, parts, closure.created, {
      compression: opts.compression ?? 'gzip',
      files: layerFiles,
      ...(opts.reserve !== undefined ? { reserve: opts.reserve } : {}),
      spoolDir: dir,
      repeated,
      onBytes: (n) => opts.onProgress?.({ phase: 'write', bytes: (written += n) }),
    });
    const what = `the closure of ${JSON.stringify(entrypointArgv(config))}, ${closure.kept.size} paths of ${tree.size}`;
    let out: Image;
    if (layers.length === 1) out = await replaceTop(image, 0, layers[0]!, { created_by: `whittle minify: ${what}`, comment: 'whittle' }, `minified ${image.reference}`, true);
    else {
      const system = await replaceTop(image, 0, layers[0]!, { created_by: `whittle minify --split: system files of ${what}`, comment: 'whittle' }, `minified ${image.reference}`, true);
      out = await replaceTop(system, 1, layers[1]!, { created_by: `whittle minify --split: the app (${plan.split!.appRoots.join(', ')})`, comment: 'whittle' }, `minified ${image.reference}`);
    }
    return { plan, image: out, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
