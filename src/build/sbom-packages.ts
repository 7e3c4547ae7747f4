// The packages an SBOM lists: every package whose package.json is in the dependency layer (read from
// the layer itself, so a cached layer and a --prebuilt tree are described as exactly as a fresh
// install), with the name, version and license its package.json gives, and the integrity the
// project's lock file pins for it (npm's package-lock.json by install path, else by name@version;
// yarn 1's and pnpm's lock files by name@version). Written by hand: the three lock formats are read
// only for their integrity fields, and no lock-file library is a dependency of whittle.
import { WhittleError } from '../errors.js';
import type { Layer } from '../image/image.js';
import { TarParser } from '../internal/tar-parser.js';
import { toEntry } from '../layers/scan.js';
import type { PackageManager } from './project.js';

/** Integrity is one hash a lock file pins: the algorithm and the hex digest. */
export interface Integrity {
  alg: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  hex: string;
}

/** InstalledPackage is one package of the dependency layer. */
export interface InstalledPackage {
  name: string;
  version: string;
  /** an SPDX license expression from package.json `license`, or null (NOASSERTION). */
  license: string | null;
  integrity: Integrity[];
  /** where it is installed, relative to the app directory (`node_modules/a/node_modules/b`), sorted. */
  paths: string[];
}

/** the name of a package directory: `name` or `@scope/name`. */
const NAME = '(?:@[^/]+/)?[^/.@][^/]*';
/** a package's package.json in the layer: node_modules chains, and pnpm's `.pnpm/KEY/node_modules/`. */
const PACKAGE_JSON = new RegExp(`^app/(node_modules/(?:\\.pnpm/[^/]+/node_modules/)?(?:${NAME}/node_modules/)*${NAME})/package\\.json$`);
const MAX_PACKAGE_JSON = 1 << 20;

/** spdxLicense reads package.json `license` as an SPDX expression, or null when it is none. */
export function spdxLicense(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  // `SEE LICENSE IN FILE` and `UNLICENSED` are npm's, not SPDX's
  if (v === '' || /^SEE LICEN[CS]E IN /i.test(v) || v === 'UNLICENSED') return null;
  const token = /\(|\)|[A-Za-z0-9.+:-]+/g;
  const words = v.replace(token, ' $& ').trim().split(/\s+/);
  let depth = 0;
  let wantId = true;
  for (const w of words) {
    if (w === '(') {
      if (!wantId) return null;
      depth++;
    } else if (w === ')') {
      if (wantId || --depth < 0) return null;
    } else if (w === 'AND' || w === 'OR' || w === 'WITH') {
      if (wantId) return null;
      wantId = true;
    } else {
      if (!wantId || !/^[A-Za-z0-9.-]+\+?$|^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(w)) return null;
      wantId = false;
    }
  }
  return depth === 0 && !wantId ? words.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')') : null;
}

/** parseIntegrity reads a Subresource Integrity string (`sha512-BASE64 sha1-BASE64`) as hex digests. */
export function parseIntegrity(sri: unknown): Integrity[] {
  if (typeof sri !== 'string') return [];
  const out: Integrity[] = [];
  for (const part of sri.trim().split(/\s+/)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+=*)$/.exec(part);
    if (!m) continue;
    const hex = Buffer.from(m[2]!, 'base64').toString('hex');
    const bytes = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[m[1] as Integrity['alg']];
    if (hex.length === bytes * 2) out.push({ alg: m[1] as Integrity['alg'], hex });
  }
  return out;
}

/** LockIntegrity answers what integrity a lock file pins for an installed package. */
export interface LockIntegrity {
  /** byPath: npm's `packages` key (`node_modules/a`) → SRI string. */
  byPath: Map<string, string>;
  /** byNameVersion: `name@version` → SRI string. */
  byNameVersion: Map<string, string>;
}

interface NpmLockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  link?: boolean;
  name?: string;
  dependencies?: Record<string, NpmLockEntry>;
}

/** packageNameOf is the package name an npm lock path ends with (`node_modules/@s/a` → `@s/a`). */
function packageNameOf(lockPath: string): string {
  const at = lockPath.lastIndexOf('node_modules/');
  return at < 0 ? lockPath.slice(lockPath.lastIndexOf('/') + 1) : lockPath.slice(at + 'node_modules/'.length);
}

function readNpmLock(text: string, out: LockIntegrity): void {
  let lock: { packages?: Record<string, NpmLockEntry>; dependencies?: Record<string, NpmLockEntry> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (err) {
    throw new WhittleError('bad-archive', `reading the lock file for the SBOM: ${(err as Error).message}`, { cause: err });
  }
  const packages = lock.packages ?? {};
  for (const [p, entry] of Object.entries(packages)) {
    if (!entry || typeof entry !== 'object' || p === '') continue;
    // a link (a `file:` directory) is described by the entry it points to
    const target = entry.link && typeof entry.resolved === 'string' ? (packages[entry.resolved] ?? entry) : entry;
    if (typeof target.integrity !== 'string') continue;
    out.byPath.set(p, target.integrity);
    if (typeof target.version === 'string') out.byNameVersion.set(`${target.name ?? packageNameOf(p)}@${target.version}`, target.integrity);
  }
  // lockfileVersion 1: nested `dependencies`
  const walk = (deps: Record<string, NpmLockEntry> | undefined) => {
    for (const [name, entry] of Object.entries(deps ?? {})) {
      if (!entry || typeof entry !== 'object') continue;
      if (typeof entry.version === 'string' && typeof entry.integrity === 'string') out.byNameVersion.set(`${name}@${entry.version}`, entry.integrity);
      walk(entry.dependencies);
    }
  };
  walk(lock.dependencies);
}

/** nameOfSpec is the package name of a `name@range` spec (the scope's @ is kept). */
function nameOfSpec(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at < 0 ? spec : spec.slice(0, at);
}

function readYarnLock(text: string, out: LockIntegrity): void {
  let names: string[] = [];
  let version: string | undefined;
  let integrity: string | undefined;
  const flush = () => {
    if (version && integrity) for (const n of names) out.byNameVersion.set(`${n}@${version}`, integrity);
    names = [];
    version = integrity = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      flush();
      names = [...new Set(line.replace(/:\s*$/, '').split(',').map((s) => nameOfSpec(s.trim().replace(/^"|"$/g, ''))))];
      continue;
    }
    const m = /^\s+(version|integrity)\s+"?([^"\s]+)"?\s*$/.exec(line);
    if (m?.[1] === 'version') version = m[2];
    else if (m?.[1] === 'integrity') integrity = m[2];
  }
  flush();
}

function readPnpmLock(text: string, out: LockIntegrity): void {
  let key: string | undefined;
  let inPackages = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      inPackages = /^packages:\s*$/.test(line);
      key = undefined;
      continue;
    }
    if (!inPackages) continue;
    const k = /^ {2}(\S.*):\s*$/.exec(line);
    if (k) {
      // `/name@1.0.0`, `/@s/name@1.0.0(peer@2)`, `name@1.0.0` (v9), `/name/1.0.0` (v5)
      let spec = k[1]!.replace(/^['"]|['"]$/g, '').replace(/^\//, '').replace(/\(.*$/, '');
      const at = spec.indexOf('@', 1);
      if (at < 0) {
        const slash = spec.lastIndexOf('/');
        spec = `${spec.slice(0, slash)}@${spec.slice(slash + 1)}`;
      }
      key = spec;
      continue;
    }
    const i = /integrity:\s*([^,}\s]+)/.exec(line);
    if (key && i) out.byNameVersion.set(key, i[1]!);
  }
}

/** readLockIntegrity reads the integrity fields of a lock file of manager. */
export function readLockIntegrity(text: string, manager: PackageManager): LockIntegrity {
  const out: LockIntegrity = { byPath: new Map(), byNameVersion: new Map() };
  if (manager === 'npm') readNpmLock(text, out);
  else if (manager === 'yarn') readYarnLock(text, out);
  else readPnpmLock(text, out);
  return out;
}

/** readLayerPackages streams the dependency layer and returns each package.json found at a package's root, by install path. */
export async function readLayerPackages(layer: Layer): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let current: string | null = null;
  let chunks: Buffer[] = [];
  let size = 0;
  const parser = new TarParser({
    entry(h) {
      const e = toEntry(h);
      const m = e && e.type === 'file' ? PACKAGE_JSON.exec(e.path) : null;
      current = m ? m[1]! : null;
      chunks = [];
      size = 0;
    },
    data(chunk) {
      if (current === null) return;
      size += chunk.length;
      if (size <= MAX_PACKAGE_JSON) chunks.push(Buffer.from(chunk));
    },
    entryEnd() {
      if (current !== null && size <= MAX_PACKAGE_JSON) {
        try {
          const pkg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) found.set(current, pkg as Record<string, unknown>);
        } catch {
          /* a package.json that does not parse names no package */
        }
      }
      current = null;
    },
  });
  const read = await layer.read();
  for await (const chunk of read.tar) if (!parser.done) parser.write(chunk as Buffer);
  parser.end();
  await read.stats;
  return found;
}

/** installedPackages merges the layer's package.json files with the lock file's integrity, one entry per name@version, sorted. */
export function installedPackages(found: ReadonlyMap<string, Record<string, unknown>>, lock: LockIntegrity): InstalledPackage[] {
  const byKey = new Map<string, InstalledPackage>();
  for (const [installPath, pkg] of found) {
    const name = typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : packageNameOf(installPath);
    const version = typeof pkg.version === 'string' ? pkg.version : '';
    const key = `${name}@${version}`;
    const sri = lock.byPath.get(installPath) ?? lock.byNameVersion.get(key);
    const seen = byKey.get(key);
    if (seen) {
      seen.paths.push(installPath);
      if (seen.integrity.length === 0) seen.integrity = parseIntegrity(sri);
      continue;
    }
    byKey.set(key, { name, version, license: spdxLicense(pkg.license), integrity: parseIntegrity(sri), paths: [installPath] });
  }
  const out = [...byKey.values()];
  for (const p of out) p.paths.sort();
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}
