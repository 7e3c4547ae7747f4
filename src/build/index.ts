// build: a Node project and a base image in, an Image out (two layers on the base: production
// dependencies, then the app), with nothing written outside a staging directory the caller disposes.
// Every check that can fail (project, lock file, entry, base's node, native addons) runs before a
// sink is given the image, so a failed build leaves no output. What only a cold build or --sbom
// needs (the install, the tree walk, the layer's package list) is loaded when it runs: a warm build's
// time is mostly node's start and the modules it loads (docs/build.md, Figures). A Builder keeps what
// does not change between builds for `whittle build --watch` (src/build/watch.ts); a one-shot build
// is a Builder used once, so both run the same steps.
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { registerTemporary, unregisterTemporary } from '../internal/cleanup.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { WrittenLayer } from '../rewrite/layer-writer.js';
import { enginesAllows, nodeMajor, readBaseFacts, type BaseFacts } from './base-facts.js';
import { epochFor, type Epoch } from './epoch.js';
import { isUnder, relativeInside, selectAppFiles } from './files.js';
import { appendLayers } from './image.js';
import { installProduction, runBuildScript } from './install.js';
import { writeTreeLayer, readLink, type TreeItem } from './layer.js';
import { checkAddons, readAddons, type Addon } from './native.js';
import { cacheDir, hashTree, readEntry, storeLayer, writeEntry } from './cache.js';
import { localSpecs } from './install.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LOCK_FILES, readProject, resolveEntry, type Project } from './project.js';
import type { InstalledPackage } from './sbom-packages.js';

/** GZIP_LEVEL is the deflate level of both layers (docs/build.md says why 6). */
export const GZIP_LEVEL = 6;
/** APP_DIR is where the app and its node_modules go in the image. */
export const APP_DIR = 'app';

export interface BuildOptions {
  dir: string;
  base: Image;
  /** the base as the user named it, for the annotation. */
  baseName: string;
  entry?: string;
  prebuilt?: boolean;
  buildScript?: string;
  /** uid:gid the files belong to and the image runs as (default 65532:65532). */
  user?: string;
  ports?: string[];
  /** labels added to the base's (KEY=VALUE). */
  labels?: string[];
  env?: NodeJS.ProcessEnv;
  onWarning?: (message: string) => void;
  /** where the staging directory is made (default the OS temp dir). */
  tmp?: string;
  /** false: neither read nor write the build cache (src/build/cache.ts). */
  cache?: boolean;
  /** read the packages of the dependency layer for an SBOM (result.packages; src/build/sbom.ts). */
  sbom?: boolean;
  /** paths never taken as app files, nor anything below them: the build's own output when it is inside the project. */
  leaveOut?: string[];
}

export interface BuildResult {
  image: Image;
  entry: string;
  node: string;
  appFiles: number;
  depFiles: number;
  fileRule: string;
  epoch: Epoch;
  base: BaseFacts;
  dependencyLayer: WrittenLayer;
  appLayer: WrittenLayer;
  /** what came from the build cache (dependencies: not installed for this build, from the cache or kept by a Builder). */
  cached: { base: boolean; dependencies: boolean };
  /** where the dependency layer came from: installed (or taken with --prebuilt), the build cache, or kept by the Builder from its last build. */
  dependencySource: DependencySource;
  /** the packages of the dependency layer, with the lock file's integrity (only with opts.sbom). */
  packages?: InstalledPackage[];
  /** the app's package.json name and version. */
  app: { name: string; version: string };
  /** removes the staging directory (the layer files): call after the image was written. */
  dispose(): Promise<void>;
}

/** parseUser reads --user as uid[:gid] numbers. */
export function parseUser(user: string): { uid: number; gid: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) throw new WhittleError('usage', `--user must be a numeric uid[:gid], got ${JSON.stringify(user)}`);
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}

function parsePort(p: string): string {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(p);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new WhittleError('usage', `--port must be PORT or PORT/PROTOCOL, got ${JSON.stringify(p)}`);
  return `${m[1]}/${m[2] ?? 'tcp'}`;
}

function parseLabel(l: string): [string, string] {
  const at = l.indexOf('=');
  if (at <= 0) throw new WhittleError('usage', `--label must be KEY=VALUE, got ${JSON.stringify(l)}`);
  return [l.slice(0, at), l.slice(at + 1)];
}

/**
 * build builds the image once; the caller writes result.image and then calls result.dispose().
 * It is a Builder (below) used for one build.
 */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const builder = createBuilder(opts);
  try {
    const result = await builder.build();
    return { ...result, dispose: () => result.dispose().finally(() => builder.close()) };
  } catch (err) {
    await builder.close();
    throw err;
  }
}

/** DependencySource says where a build's dependency layer came from. */
export type DependencySource = 'installed' | 'cache' | 'session';

/**
 * Builder builds the image again and again from one project on one base (`whittle build --watch`):
 * what does not change between builds is kept in memory (the base's facts, the dependency layer
 * and its key, the warnings already given), and each build() reads the project again. Builds run
 * one at a time: call build() again only once the previous result was written and disposed.
 */
export interface Builder {
  /**
   * build builds the image. `changed` lists the project-relative paths (slash-separated) that
   * changed since the last build, as a watcher saw them: when none of them is an input of the
   * dependency layer (package.json, a lock file, .npmrc, a local `file:` dependency; node_modules
   * with --prebuilt), the kept layer is taken without hashing its inputs again. Without it, the
   * dependency layer is keyed again (and taken from memory when the key is the same).
   */
  build(changed?: readonly string[]): Promise<BuildResult>;
  /** close removes what the builder kept on disk (a dependency layer not in the cache). */
  close(): Promise<void>;
}

/** KeptDependencies is the dependency layer a Builder keeps between builds. */
interface KeptDependencies {
  /** dependencyKey's name; null with --prebuilt (a node_modules has no key). */
  key: string | null;
  /** the layer's date (the lock file's commit or SOURCE_DATE_EPOCH): a new one writes the layer again. */
  mtime: number;
  layer: WrittenLayer;
  files: number;
  addons: Addon[];
  /** the layer's file is in the builder's own directory (removed when it is replaced or closed). */
  owned: boolean;
}

/** layerFileIntact says whether a layer's file still holds it: there, and as long as its blob's end. */
function layerFileIntact(layer: Pick<WrittenLayer, 'file' | 'offset' | 'size'>): Promise<boolean> {
  return stat(layer.file).then((st) => st.size === layer.offset + layer.size, () => false);
}

/** dependencyInput tells whether a project-relative path is an input of the dependency layer. */
function dependencyInput(rel: string, project: Project, prebuilt: boolean): boolean {
  if (rel === '.') return true; // something changed, the system did not say what
  if (prebuilt) return isUnder(rel, 'node_modules');
  if (rel === 'package.json' || rel === '.npmrc' || LOCK_FILES.some((l) => l.file === rel)) return true;
  return localSpecs(project, false).some((spec) => isUnder(rel, spec.split(path.sep).join('/')));
}

/** createBuilder checks the options and returns a Builder; nothing is read until its first build(). */
export function createBuilder(opts: BuildOptions): Builder {
  const env = opts.env ?? process.env;
  const said = new Set<string>();
  // a warning is given once per builder: a watch does not repeat it on every build
  const warn = (m: string) => {
    if (said.has(m)) return;
    said.add(m);
    opts.onWarning?.(m);
  };
  const { uid, gid } = parseUser(opts.user ?? '65532:65532');
  const ports = (opts.ports ?? []).map(parsePort);
  const labels = Object.fromEntries((opts.labels ?? []).map(parseLabel));
  const cache = opts.cache === false ? null : cacheDir(env);
  let base: { facts: BaseFacts; fromCache: boolean } | null = null;
  let kept: KeptDependencies | null = null;
  let own: string | null = null;
  let moved = 0;

  const baseFacts = async () => {
    if (base) return base;
    const baseKey = `base-v2-${(await opts.base.configDigest()).replace(':', '-')}.json`;
    const cachedFacts = cache ? await readEntry<BaseFacts>(cache, baseKey) : null;
    const facts = cachedFacts ?? (await readBaseFacts(opts.base));
    if (cache && !cachedFacts) await writeEntry(cache, baseKey, facts);
    base = { facts, fromCache: cachedFacts !== null };
    return base;
  };

  /** keep makes layer the kept one, moving it out of a build's staging directory when it is there. */
  const keep = async (next: Omit<KeptDependencies, 'owned'>, staging: string): Promise<WrittenLayer> => {
    let layer = next.layer;
    let owned = false;
    if (layer.file.startsWith(staging + path.sep)) {
      if (!own) {
        own = await mkdtemp(path.join(opts.tmp ?? tmpdir(), 'whittle-build-'));
        registerTemporary(own);
      }
      const file = path.join(own, `dependencies-${++moved}.layer`);
      await rename(layer.file, file);
      layer = { ...layer, file };
      owned = true;
    }
    if (kept?.owned && kept.layer.file !== layer.file) await rm(kept.layer.file, { force: true });
    kept = { ...next, layer, owned };
    return layer;
  };
  const forget = async () => {
    if (kept?.owned) await rm(kept.layer.file, { force: true });
    kept = null;
  };

  const buildOnce = async (changed: readonly string[] | undefined): Promise<BuildResult> => {
    const project = await readProject(opts.dir);
    const { facts, fromCache: factsFromCache } = await baseFacts();
    if (!facts.node) throw new WhittleError('unsupported', `the base ${opts.baseName} has no node on its PATH: choose a Node runtime base`);
    const engines = project.pkg.engines?.node;
    const major = facts.nodeVersion ? nodeMajor(facts.nodeVersion.version) : null;
    if (major === null) warn(`cannot tell the Node version of the base ${opts.baseName}${engines ? ` to check engines.node ${engines}` : ''}`);
    else if (typeof engines === 'string') {
      const allowed = enginesAllows(engines, major);
      if (allowed === false) warn(`the base has Node ${facts.nodeVersion!.version} (${facts.nodeVersion!.from}); package.json engines.node asks for ${engines}`);
      else if (allowed === null) warn(`cannot read engines.node ${JSON.stringify(engines)}; the base has Node ${facts.nodeVersion!.version}`);
    }
    // asked on every build: a commit made while watching dates the next build, as a new run would
    const [appEpoch, depsEpoch] = await Promise.all([epochFor(project.dir, env), epochFor(project.dir, env, [project.lockFile])]);
    if (appEpoch.from === 'fallback') {
      warn(`neither SOURCE_DATE_EPOCH nor a git commit dates ${opts.dir}: files are dated 2000-01-01T00:00:00Z; set SOURCE_DATE_EPOCH`);
    }
    const staging = await mkdtemp(path.join(opts.tmp ?? tmpdir(), 'whittle-build-'));
    registerTemporary(staging); // an interrupted build removes it (src/internal/cleanup.ts)
    const dispose = () => rm(staging, { recursive: true, force: true }).then(() => unregisterTemporary(staging));
    try {
      const sourceDir = opts.buildScript !== undefined ? await runBuildScript(project, path.join(staging, 'build'), opts.buildScript, env) : project.dir;
      const selection = await selectAppFiles(sourceDir, project.pkg.files, relativeInside(project.dir, opts.leaveOut ?? []));
      const names = new Set(selection.files.map((f) => f.rel));
      const entry = await resolveEntry(project.pkg, opts.entry, async (rel) => names.has(rel));
      const prebuilt = opts.prebuilt === true;
      let dependencyLayer: WrittenLayer;
      let depFiles: number;
      let dependencySource: DependencySource;
      // the kept layer's file is still there (a cache directory removed while watching is not)
      if (kept !== null && !(await layerFileIntact(kept.layer))) await forget();
      const unchanged =
        kept !== null && changed !== undefined && kept.mtime === depsEpoch.seconds && !changed.some((rel) => dependencyInput(rel, project, prebuilt));
      const depsKey = unchanged ? kept!.key : prebuilt ? null : await dependencyKey(project, facts, { uid, gid, mtime: depsEpoch.seconds });
      if (kept !== null && (unchanged || (depsKey !== null && kept.key === depsKey))) {
        checkAddons(kept.addons, facts);
        dependencyLayer = kept.layer;
        depFiles = kept.files;
        dependencySource = 'session';
      } else {
        const hit = cache && depsKey ? await readEntry<{ layer: Omit<WrittenLayer, 'file'>; addons: Addon[]; files: number }>(cache, `${depsKey}.json`) : null;
        if (cache && depsKey && hit && (await layerFileIntact({ ...hit.layer, file: path.join(cache, `${depsKey}.blob`) }))) {
          checkAddons(hit.addons, facts);
          dependencyLayer = await keep({ key: depsKey, mtime: depsEpoch.seconds, layer: { ...hit.layer, file: path.join(cache, `${depsKey}.blob`) }, files: hit.files, addons: hit.addons }, staging);
          depFiles = hit.files;
          dependencySource = 'cache';
        } else {
          let modules: string;
          if (prebuilt) {
            modules = path.join(project.dir, 'node_modules');
            if (!(await stat(modules).then((s) => s.isDirectory(), () => false))) throw new WhittleError('not-found', `--prebuilt: ${opts.dir} has no node_modules directory`);
          } else {
            const npmrc = await stat(path.join(project.dir, '.npmrc')).then((s) => s.isFile(), () => false);
            modules = path.join(await installProduction(project, path.join(staging, 'deps'), npmrc ? ['.npmrc'] : [], env), 'node_modules');
          }
          const { collectTree } = await import('./deps.js');
          const deps = await collectTree(modules, `${APP_DIR}/node_modules`);
          const addons = await readAddons(deps.addons);
          checkAddons(addons, facts);
          dependencyLayer = await writeTreeLayer(path.join(staging, 'dependencies.layer'), deps.items, { mtime: depsEpoch.seconds, uid, gid, level: GZIP_LEVEL });
          depFiles = deps.items.length;
          if (cache && depsKey) {
            dependencyLayer = await storeLayer(cache, depsKey, dependencyLayer);
            if (dependencyLayer.file.startsWith(cache)) {
              const { file: _file, ...layer } = dependencyLayer;
              await writeEntry(cache, `${depsKey}.json`, { layer, addons, files: depFiles });
            }
          }
          dependencyLayer = await keep({ key: depsKey, mtime: depsEpoch.seconds, layer: dependencyLayer, files: depFiles, addons }, staging);
          dependencySource = 'installed';
        }
      }
      const appItems: TreeItem[] = [];
      for (const f of selection.files) {
        const abs = path.join(sourceDir, ...f.rel.split('/'));
        appItems.push(f.kind === 'symlink' ? { path: `${APP_DIR}/${f.rel}`, type: 'symlink', source: await readLink(abs) } : { path: `${APP_DIR}/${f.rel}`, type: 'file', source: abs });
      }
      const appLayer = await writeTreeLayer(path.join(staging, 'app.layer'), appItems, { mtime: appEpoch.seconds, uid, gid, level: GZIP_LEVEL });
      const created = new Date(appEpoch.seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
      const annotations: Record<string, string> = {
        'org.opencontainers.image.base.name': opts.baseName,
        'org.opencontainers.image.base.digest': await opts.base.digest(),
        'org.opencontainers.image.created': created,
      };
      const image = await appendLayers(
        opts.base,
        [
          { layer: dependencyLayer, history: { created_by: `whittle build: production dependencies (${project.lockFile}${prebuilt ? ', --prebuilt' : ''})`, comment: 'dependencies' } },
          { layer: appLayer, history: { created_by: `whittle build: app files (${selection.rule})`, comment: 'app' } },
        ],
        {
          Entrypoint: [facts.node, `/${APP_DIR}/${entry}`],
          WorkingDir: `/${APP_DIR}`,
          User: `${uid}:${gid}`,
          Env: ['NODE_ENV=production'],
          ExposedPorts: ports,
          Labels: labels,
        },
        created,
        annotations,
        `whittle build of ${opts.dir}`,
      );
      // read before anything is written: a layer or lock file the SBOM cannot read leaves no output
      let packages: InstalledPackage[] | undefined;
      if (opts.sbom) {
        const { installedPackages, readLayerPackages, readLockIntegrity } = await import('./sbom-packages.js');
        packages = installedPackages(await readLayerPackages((await image.layers()).at(-2)!), readLockIntegrity(await readFile(path.join(project.dir, project.lockFile), 'utf8'), project.manager));
      }
      return {
        image,
        entry,
        node: facts.node,
        appFiles: appItems.length,
        depFiles,
        fileRule: selection.rule,
        epoch: appEpoch,
        base: facts,
        dependencyLayer,
        appLayer,
        cached: { base: factsFromCache, dependencies: dependencySource !== 'installed' },
        dependencySource,
        ...(packages ? { packages } : {}),
        app: { name: typeof project.pkg.name === 'string' ? project.pkg.name : '', version: typeof project.pkg.version === 'string' ? project.pkg.version : '' },
        dispose,
      };
    } catch (err) {
      await dispose();
      throw err;
    }
  };

  return {
    build: buildOnce,
    close: async () => {
      kept = null;
      if (own) {
        await rm(own, { recursive: true, force: true });
        unregisterTemporary(own);
        own = null;
      }
    },
  };
}

/**
 * dependencyKey names the dependency layer in the cache: everything the installed tree and its
 * layer bytes depend on (src/build/cache.ts).
 */
async function dependencyKey(project: Project, base: BaseFacts, layer: { uid: number; gid: number; mtime: number }): Promise<string> {
  const hash = createHash('sha256');
  const pkg = project.pkg as Record<string, unknown>;
  const fields = ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies', 'overrides', 'resolutions', 'workspaces', 'pnpm'];
  hash.update(
    JSON.stringify({
      v: 1,
      manager: project.manager,
      lockFile: project.lockFile,
      pkg: fields.map((f) => pkg[f] ?? null),
      host: [process.platform, process.arch, process.versions.modules],
      base: [base.architecture, base.libc, base.glibcVersion ?? null],
      layer: [layer.uid, layer.gid, layer.mtime, GZIP_LEVEL],
    }),
  );
  hash.update(await readFile(path.join(project.dir, project.lockFile)));
  await hashTree(hash, path.join(project.dir, '.npmrc'), '.npmrc');
  for (const spec of localSpecs(project, false)) await hashTree(hash, path.resolve(project.dir, spec), spec);
  return `dependencies-${hash.digest('hex')}`;
}
