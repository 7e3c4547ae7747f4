// build: a Node project and a base image in, an Image out (two layers on the base: production
// dependencies, then the app), with nothing written outside a staging directory the caller disposes.
// Every check that can fail (project, lock file, entry, base's node, native addons) runs before a
// sink is given the image, so a failed build leaves no output. What only a cold build or --sbom
// needs (the install, the tree walk, the layer's package list) is loaded when it runs: a warm build's
// time is mostly node's start and the modules it loads (docs/build.md, Figures).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { registerTemporary, unregisterTemporary } from '../internal/cleanup.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { WrittenLayer } from '../rewrite/layer-writer.js';
import { enginesAllows, nodeMajor, readBaseFacts, type BaseFacts } from './base-facts.js';
import { epochFor, type Epoch } from './epoch.js';
import { selectAppFiles } from './files.js';
import { appendLayers } from './image.js';
import { installProduction, runBuildScript } from './install.js';
import { writeTreeLayer, readLink, type TreeItem } from './layer.js';
import { checkAddons, readAddons, type Addon } from './native.js';
import { cacheDir, hashTree, readEntry, storeLayer, writeEntry } from './cache.js';
import { localSpecs } from './install.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readProject, resolveEntry, type Project } from './project.js';
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
  /** what came from the build cache. */
  cached: { base: boolean; dependencies: boolean };
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

/** build builds the image; the caller writes result.image and then calls result.dispose(). */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const env = opts.env ?? process.env;
  const warn = opts.onWarning ?? (() => {});
  const { uid, gid } = parseUser(opts.user ?? '65532:65532');
  const ports = (opts.ports ?? []).map(parsePort);
  const labels = Object.fromEntries((opts.labels ?? []).map(parseLabel));
  const project = await readProject(opts.dir);
  const cache = opts.cache === false ? null : cacheDir(env);
  const baseKey = `base-v2-${(await opts.base.configDigest()).replace(':', '-')}.json`;
  const cachedFacts = cache ? await readEntry<BaseFacts>(cache, baseKey) : null;
  const facts = cachedFacts ?? (await readBaseFacts(opts.base));
  if (cache && !cachedFacts) await writeEntry(cache, baseKey, facts);
  if (!facts.node) throw new WhittleError('unsupported', `the base ${opts.baseName} has no node on its PATH: choose a Node runtime base`);
  const engines = project.pkg.engines?.node;
  const major = facts.nodeVersion ? nodeMajor(facts.nodeVersion.version) : null;
  if (major === null) warn(`cannot tell the Node version of the base ${opts.baseName}${engines ? ` to check engines.node ${engines}` : ''}`);
  else if (typeof engines === 'string') {
    const allowed = enginesAllows(engines, major);
    if (allowed === false) warn(`the base has Node ${facts.nodeVersion!.version} (${facts.nodeVersion!.from}); package.json engines.node asks for ${engines}`);
    else if (allowed === null) warn(`cannot read engines.node ${JSON.stringify(engines)}; the base has Node ${facts.nodeVersion!.version}`);
  }
  const [appEpoch, depsEpoch] = await Promise.all([epochFor(project.dir, env), epochFor(project.dir, env, [project.lockFile])]);
  if (appEpoch.from === 'fallback') {
    warn(`neither SOURCE_DATE_EPOCH nor a git commit dates ${opts.dir}: files are dated 2000-01-01T00:00:00Z; set SOURCE_DATE_EPOCH`);
  }
  const staging = await mkdtemp(path.join(opts.tmp ?? tmpdir(), 'whittle-build-'));
  registerTemporary(staging); // an interrupted build removes it (src/internal/cleanup.ts)
  const dispose = () => rm(staging, { recursive: true, force: true }).then(() => unregisterTemporary(staging));
  try {
    const sourceDir = opts.buildScript !== undefined ? await runBuildScript(project, path.join(staging, 'build'), opts.buildScript, env) : project.dir;
    const selection = await selectAppFiles(sourceDir, project.pkg.files);
    const names = new Set(selection.files.map((f) => f.rel));
    const entry = await resolveEntry(project.pkg, opts.entry, async (rel) => names.has(rel));
    const depsKey = cache && !opts.prebuilt ? await dependencyKey(project, facts, { uid, gid, mtime: depsEpoch.seconds }) : null;
    const hit = cache && depsKey ? await readEntry<{ layer: Omit<WrittenLayer, 'file'>; addons: Addon[]; files: number }>(cache, `${depsKey}.json`) : null;
    let dependencyLayer: WrittenLayer;
    let depFiles: number;
    let depsFromCache = false;
    if (cache && depsKey && hit && (await stat(path.join(cache, `${depsKey}.blob`)).then((s) => s.size === hit.layer.offset + hit.layer.size, () => false))) {
      checkAddons(hit.addons, facts);
      dependencyLayer = { ...hit.layer, file: path.join(cache, `${depsKey}.blob`) };
      depFiles = hit.files;
      depsFromCache = true;
    } else {
      let modules: string;
      if (opts.prebuilt) {
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
        { layer: dependencyLayer, history: { created_by: `whittle build: production dependencies (${project.lockFile}${opts.prebuilt ? ', --prebuilt' : ''})`, comment: 'dependencies' } },
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
      cached: { base: cachedFacts !== null, dependencies: depsFromCache },
      ...(packages ? { packages } : {}),
      app: { name: typeof project.pkg.name === 'string' ? project.pkg.name : '', version: typeof project.pkg.version === 'string' ? project.pkg.version : '' },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
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
