// What a build needs to know of its base image, read from the base's layers in one pass: where
// `node` is on the image's PATH (symlinks followed inside the image; else the Entrypoint's, when it
// is node, as distroless's /nodejs/bin/node), the C library (glibc's or musl's dynamic loader), and
// the Node version (NODE_VERSION, else the nodejs package in dpkg's or apk's database, else the
// node_version.h of an official Node tarball, which distroless unpacks). Only those package
// databases and headers are kept in memory; other file content is never held.
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { LayerEntry } from '../layers/entry.js';

export type Libc = 'glibc' | 'musl' | 'unknown';

export interface BaseFacts {
  architecture: string;
  /** absolute path of node in the image, as found on PATH (not resolved through links). */
  node: string | null;
  libc: Libc;
  /** the glibc version of the base (dpkg's libc6), when known. */
  glibcVersion?: string;
  nodeVersion?: { version: string; from: string };
}

/** the package databases read for versions. */
const DATABASES = new Set(['var/lib/dpkg/status', 'lib/apk/db/installed']);
const DPKG_STATUS_D = /^var\/lib\/dpkg\/status\.d\/[^/]+$/;
/** the header of a Node tarball's install (`include/node/node_version.h` next to `bin/node`). */
const NODE_VERSION_H = /(^|\/)include\/node\/node_version\.h$/;
const MAX_DB = 32 << 20;

type Tree = Map<string, LayerEntry>;

function applyEntry(tree: Tree, e: LayerEntry): void {
  if (e.whiteout) {
    const prefix = e.path === '' ? '' : `${e.path}/`;
    for (const p of [...tree.keys()]) if (p.startsWith(prefix) || (e.whiteout === 'file' && p === e.path)) tree.delete(p);
    return;
  }
  // a file replacing a directory hides what was below it (checked only then: a scan per entry is quadratic)
  if (e.type !== 'dir' && tree.get(e.path)?.type === 'dir') for (const p of [...tree.keys()]) if (p.startsWith(`${e.path}/`)) tree.delete(p);
  tree.set(e.path, e);
}

/** readBaseTree reads the merged file tree of image, and the content of the package databases. */
export async function readBaseTree(image: Image): Promise<{ tree: Tree; databases: Map<string, string> }> {
  // loaded here, not at the top: a warm build has the facts from the cache and never walks the base
  const [{ TarParser }, { toEntry }] = await Promise.all([import('../internal/tar-parser.js'), import('../layers/scan.js')]);
  const tree: Tree = new Map();
  const databases = new Map<string, string>();
  for (const layer of await image.layers()) {
    let current: LayerEntry | null = null;
    let chunks: Buffer[] | null = null;
    let size = 0;
    const parser = new TarParser({
      entry(h) {
        current = toEntry(h);
        const keep = current && !current.whiteout && current.type === 'file' && (DATABASES.has(current.path) || DPKG_STATUS_D.test(current.path) || NODE_VERSION_H.test(current.path));
        chunks = keep ? [] : null;
        size = 0;
        if (current) applyEntry(tree, current);
      },
      data(chunk) {
        if (chunks && size + chunk.length <= MAX_DB) {
          chunks.push(Buffer.from(chunk));
          size += chunk.length;
        }
      },
      entryEnd() {
        if (chunks && current) databases.set(current.path, Buffer.concat(chunks).toString('utf8'));
        chunks = null;
        current = null;
      },
    });
    const read = await layer.read();
    for await (const chunk of read.tar) if (!parser.done) parser.write(chunk as Buffer);
    parser.end();
    await read.stats;
  }
  // a database a later layer deleted is gone
  for (const p of [...databases.keys()]) if (!tree.has(p)) databases.delete(p);
  return { tree, databases };
}

/** resolveInTree follows symlinks of an absolute path inside tree; null when it leads nowhere. */
export function resolveInTree(tree: Tree, abs: string): LayerEntry | null {
  let parts = abs.split('/').filter((p) => p !== '' && p !== '.');
  let hops = 0;
  for (let i = 0; i < parts.length; ) {
    const here = parts.slice(0, i + 1).join('/');
    if (parts[i] === '..') {
      parts = [...parts.slice(0, Math.max(0, i - 1)), ...parts.slice(i + 1)];
      i = Math.max(0, i - 1);
      continue;
    }
    const e = tree.get(here);
    if (!e) {
      // a layer may list a file without its parent directories: a missing directory is implied
      if (i < parts.length - 1) {
        i++;
        continue;
      }
      return null;
    }
    if (e.type === 'symlink' && e.linkTarget !== undefined) {
      if (++hops > 40) return null;
      const target = e.linkTarget.split('/').filter((p) => p !== '' && p !== '.');
      const dir = e.linkTarget.startsWith('/') ? [] : parts.slice(0, i);
      parts = [...dir, ...target, ...parts.slice(i + 1)];
      i = 0;
      continue;
    }
    if (i === parts.length - 1) return e;
    i++;
  }
  return null;
}

function envOf(env: readonly string[] | undefined, name: string): string | undefined {
  const hit = [...(env ?? [])].reverse().find((e) => e.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}

/** findNode finds node (or nodejs) on PATH inside the image, as the shell of the image would. */
export function findNode(tree: Tree, env: readonly string[] | undefined): string | null {
  const PATH = envOf(env, 'PATH') ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const name of ['node', 'nodejs']) {
    for (const dir of PATH.split(':')) {
      if (!dir.startsWith('/')) continue;
      const candidate = `${dir.replace(/\/+$/, '')}/${name}`;
      const e = resolveInTree(tree, candidate);
      if (e && e.type === 'file' && (e.mode & 0o111) !== 0) return candidate;
    }
  }
  return null;
}

/** entrypointNode is the Entrypoint's program when it is node (`/nodejs/bin/node`), an executable file in the image; else null. */
export function entrypointNode(tree: Tree, entrypoint: readonly string[] | null | undefined): string | null {
  const program = entrypoint?.[0];
  if (!program || !program.startsWith('/') || !/\/(node|nodejs)$/.test(program)) return null;
  const e = resolveInTree(tree, program);
  return e && e.type === 'file' && (e.mode & 0o111) !== 0 ? program : null;
}

/** headerVersion reads NODE_MAJOR/MINOR/PATCH_VERSION from node_version.h, or null. */
export function headerVersion(text: string): string | null {
  const part = (name: string) => new RegExp(`^#define NODE_${name}_VERSION (\\d+)\\s*$`, 'm').exec(text)?.[1];
  const [major, minor, patch] = [part('MAJOR'), part('MINOR'), part('PATCH')];
  return major && minor && patch ? `${major}.${minor}.${patch}` : null;
}

/** libcOf tells the C library from the dynamic loaders present. */
export function libcOf(tree: Tree): Libc {
  let glibc = false;
  for (const p of tree.keys()) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    if (/^ld-musl-.*\.so\.1$/.test(base)) return 'musl';
    if (/^ld-linux.*\.so\.\d$/.test(base) || base === 'ld64.so.2' || base === 'ld64.so.1' || base === 'ld.so.1') glibc = true;
  }
  return glibc ? 'glibc' : 'unknown';
}

/** packageVersion reads a package's version from dpkg's status (or status.d) or apk's installed database. */
export function packageVersion(databases: ReadonlyMap<string, string>, names: readonly string[]): { name: string; version: string } | null {
  for (const [file, text] of databases) {
    const apk = file === 'lib/apk/db/installed';
    for (const stanza of text.split(/\n\n+/)) {
      const name = apk ? /^P:(.*)$/m.exec(stanza)?.[1] : /^Package: (.*)$/m.exec(stanza)?.[1];
      if (!name || !names.includes(name.trim())) continue;
      if (!apk && !/^Status: .* installed$/m.test(stanza) && file === 'var/lib/dpkg/status') continue;
      const version = apk ? /^V:(.*)$/m.exec(stanza)?.[1] : /^Version: (.*)$/m.exec(stanza)?.[1];
      if (version) return { name: name.trim(), version: version.trim() };
    }
  }
  return null;
}

/** readBaseFacts reads what a build checks of its base. */
export async function readBaseFacts(image: Image): Promise<BaseFacts> {
  const config = await image.config();
  const { tree, databases } = await readBaseTree(image).catch((err) => {
    throw err instanceof WhittleError ? new WhittleError(err.code, `reading the base ${image.reference}: ${err.message}`, { cause: err }) : err;
  });
  const env = config.config?.Env;
  const facts: BaseFacts = { architecture: config.architecture, node: findNode(tree, env) ?? entrypointNode(tree, config.config?.Entrypoint), libc: libcOf(tree) };
  const glibc = packageVersion(databases, ['libc6']);
  if (glibc) facts.glibcVersion = glibc.version.replace(/-.*$/, '');
  const nodeEnv = envOf(env, 'NODE_VERSION');
  if (nodeEnv) facts.nodeVersion = { version: nodeEnv.replace(/^v/, ''), from: 'NODE_VERSION' };
  else {
    const pkg = packageVersion(databases, ['nodejs', 'nodejs-current']);
    if (pkg) facts.nodeVersion = { version: pkg.version.replace(/^\d+:/, '').replace(/[+~-].*$/, ''), from: `the ${pkg.name} package ${pkg.version}` };
    else if (facts.node) {
      // an official tarball's install: bin/node and include/node/node_version.h under one prefix
      const prefix = facts.node.replace(/^\//, '').replace(/\/bin\/[^/]+$/, '');
      const header = databases.get(`${prefix}/include/node/node_version.h`);
      const version = header ? headerVersion(header) : null;
      if (version) facts.nodeVersion = { version, from: `/${prefix}/include/node/node_version.h` };
    }
  }
  return facts;
}

/** nodeMajor is the major version of a version string, or null. */
export function nodeMajor(version: string): number | null {
  const m = /^v?(\d+)/.exec(version);
  return m ? Number(m[1]) : null;
}

/**
 * enginesAllows says whether a Node major version satisfies an engines.node range, for the common
 * forms (`>=18`, `^20.1`, `18.x`, `20`, `>=18 <22`, `a || b`); null when the range is not understood.
 */
export function enginesAllows(range: string, major: number): boolean | null {
  const alternatives = range.split('||').map((a) => a.trim());
  let understood = true;
  for (const alt of alternatives) {
    if (alt === '' || alt === '*' || alt === 'x') return true;
    let ok = true;
    for (const part of alt.split(/\s+/)) {
      const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(part);
      if (!m) {
        understood = false;
        ok = false;
        break;
      }
      const op = m[1] ?? '';
      if (m[2] === 'x' || m[2] === '*') continue;
      const v = Number(m[2]);
      const minorZero = (m[3] === undefined || m[3] === '0' || m[3] === 'x') && (m[4] === undefined || m[4] === '0' || m[4] === 'x');
      if (op === '>=') ok &&= major >= v;
      else if (op === '>') ok &&= minorZero && m[3] === undefined ? major > v : major >= v;
      else if (op === '<') ok &&= minorZero ? major < v : major <= v;
      else if (op === '<=') ok &&= major <= v;
      else ok &&= major === v;
    }
    if (ok) return true;
  }
  return understood ? false : null;
}
