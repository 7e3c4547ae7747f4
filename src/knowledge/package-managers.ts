// Package managers: which install command reads which manifest and lock files (lint's
// copy-before-dependency-install, the cache-order fix), the caches each manager leaves and where
// they live (lint's cache rules — apt-lists-not-removed, apk-no-cache, rpm-cache-not-cleaned,
// pip-no-cache-dir, node-package-cache, go-build-cache —, analyze's package-caches finding and
// strip's cache categories), Debian's docker-clean apt hook, and the programs that are package
// managers (analyze's shells-and-package-managers finding). Image paths are globs relative to the
// image root (src/knowledge/paths.ts); directories lint checks are absolute, as root sees them.
import { GlobTable, inHomes } from './paths.js';

/** A shell command as the tables read it: the program name and all its words (words[0] is the program). */
export interface CommandWords {
  name: string;
  words: readonly { text: string }[];
}

/** args lists the words after the program that are not options (`-x`, `--long`), stopping option parsing at `--`. */
function args(c: CommandWords): string[] {
  const out: string[] = [];
  let dashdash = false;
  for (const w of c.words.slice(1)) {
    if (!dashdash && w.text === '--') dashdash = true;
    else if (dashdash || !w.text.startsWith('-') || w.text.length === 1) out.push(w.text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dependency installs and their manifests

export interface Manifest {
  /** a file name, or a glob of one (`*.csproj`). */
  name: string;
  /** a lock file a project may not have. */
  optional: boolean;
}

export interface DependencyInstall {
  tool: string;
  /** what the install reads; copying these first lets the layer cache keep the install. */
  manifests: readonly Manifest[];
  /**
   * whether the manifests alone are enough to run the install. cargo is not: it refuses a manifest
   * without a target (src/main.rs or src/lib.rs), so reordering needs a stub source.
   */
  manifestsSuffice: boolean;
  /**
   * other paths of the build context the install reads, relative to where it runs (pip's local
   * packages, `--find-links` directories, constraint and further requirement files), as written.
   */
  paths: readonly string[];
}

const req = (...names: string[]): Manifest[] => names.map((name) => ({ name, optional: false }));
const opt = (...names: string[]): Manifest[] => names.map((name) => ({ name, optional: true }));

interface InstallRule {
  tool: string;
  /** program names (a full match). */
  program: RegExp;
  /** whether the command (its non-option arguments) is the dependency install. */
  installs(argv: readonly string[], c: CommandWords): boolean;
  manifests: readonly Manifest[];
  manifestsSuffice?: false;
}

/** INSTALLS: dependency installs by tool. pip is handled by pipRequirements (its manifest is named on the command line). */
export const INSTALLS: readonly InstallRule[] = [
  // `npm install <pkg>` installs named packages, not the manifest's
  { tool: 'npm', program: /^npm$/, installs: (a) => ['install', 'i', 'ci'].includes(a[0] ?? '') && a.length === 1, manifests: [...req('package.json'), ...opt('package-lock.json', 'npm-shrinkwrap.json')] },
  { tool: 'yarn', program: /^yarn$/, installs: (a) => a.length === 0 || a[0] === 'install', manifests: [...req('package.json'), ...opt('yarn.lock')] },
  { tool: 'pnpm', program: /^pnpm$/, installs: (a) => a[0] === 'install' || a[0] === 'i', manifests: [...req('package.json'), ...opt('pnpm-lock.yaml')] },
  { tool: 'bundle', program: /^bundle$/, installs: (a) => a[0] === 'install', manifests: [...req('Gemfile'), ...opt('Gemfile.lock')] },
  { tool: 'composer', program: /^composer$/, installs: (a) => a[0] === 'install', manifests: [...req('composer.json'), ...opt('composer.lock')] },
  { tool: 'poetry', program: /^poetry$/, installs: (a) => a[0] === 'install', manifests: [...req('pyproject.toml'), ...opt('poetry.lock')] },
  { tool: 'uv', program: /^uv$/, installs: (a) => a[0] === 'sync', manifests: [...req('pyproject.toml'), ...opt('uv.lock')] },
  { tool: 'pipenv', program: /^pipenv$/, installs: (a) => a[0] === 'install', manifests: [...req('Pipfile'), ...opt('Pipfile.lock')] },
  { tool: 'go', program: /^go$/, installs: (a) => a[0] === 'mod' && a.includes('download'), manifests: [...req('go.mod'), ...opt('go.sum')] },
  { tool: 'cargo', program: /^cargo$/, installs: (a) => a[0] === 'fetch', manifests: [...req('Cargo.toml'), ...opt('Cargo.lock')], manifestsSuffice: false },
  { tool: 'mvn', program: /^mvnw?$/, installs: (_a, c) => c.words.some((w) => /dependency:(?:go-offline|resolve)\b/.test(w.text)), manifests: req('pom.xml') },
  { tool: 'dotnet', program: /^dotnet$/, installs: (a) => a[0] === 'restore', manifests: opt('*.csproj', '*.fsproj', '*.sln') },
];

/** isPipInstall: pip/pip3/pipX.Y install, or python -m pip install. */
export function isPipInstall(c: CommandWords): boolean {
  if (/^pip(?:\d+(?:\.\d+)?)?$/.test(c.name)) return args(c)[0] === 'install';
  if (/^python(?:\d+(?:\.\d+)?)?$/.test(c.name)) {
    const t = c.words.map((w) => w.text);
    const m = t.indexOf('-m');
    return m >= 0 && /^pip\d?$/.test(t[m + 1] ?? '') && t.slice(m + 2).find((x) => !x.startsWith('-')) === 'install';
  }
  return false;
}

/** pipRequirements returns the requirements file a pip install names (`-r FILE`, `--requirement[=]FILE`), as written, or null. */
export function pipRequirements(c: CommandWords): string | null {
  if (!isPipInstall(c)) return null;
  const i = c.words.findIndex((w) => w.text === '-r' || w.text === '--requirement');
  const file = i >= 0 ? c.words[i + 1]?.text : c.words.find((w) => w.text.startsWith('--requirement='))?.text.slice(14);
  return file || null;
}

/** pip install options that take a value (pip 23/24 `pip install --help`), short and long. */
const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-f', '--find-links', '-i', '--index-url', '--extra-index-url',
  '-t', '--target', '--prefix', '--root', '--src', '--upgrade-strategy', '--platform', '--python-version', '--implementation',
  '--abi', '--progress-bar', '--no-binary', '--only-binary', '--cache-dir', '--log', '--trusted-host', '--cert', '--client-cert',
  '--proxy', '--timeout', '--retries', '--exists-action', '--global-option', '--config-settings', '-C', '--report',
  '--root-user-action', '--keyring-provider', '--python', '--use-feature', '--use-deprecated', '--resume-retries',
]);
/** the options whose value is a path (or a URL) pip reads. */
const PIP_READ_OPTIONS = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-f', '--find-links']);

/** a URL pip fetches (an index, a VCS checkout), not a path of the context; `file:` URLs are paths. */
function remote(s: string): boolean {
  return (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !/^file:/i.test(s)) || /^(?:git|hg|svn|bzr)\+/.test(s);
}

/** a requirement that names something on disk rather than a package on an index: `./ext`, `dist/app.whl`. */
function localRequirement(s: string): boolean {
  if (remote(s)) return false;
  return /^file:/i.test(s) || s.startsWith('.') || s.startsWith('/') || s.includes('/') || /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz)$/.test(s);
}

/** pipInstallReads lists the context paths a pip install reads besides its (first) requirements file. */
function pipInstallReads(c: CommandWords, first: string): string[] {
  const t = c.words.map((w) => w.text);
  const paths = new Set<string>();
  for (let i = t.indexOf('install') + 1; i > 0 && i < t.length; i++) {
    const w = t[i]!;
    if (w.startsWith('-') && w !== '-') {
      const eq = w.startsWith('--') ? w.indexOf('=') : -1;
      const name = eq > 0 ? w.slice(0, eq) : w;
      if (!PIP_VALUE_OPTIONS.has(name)) continue;
      const value = eq > 0 ? w.slice(eq + 1) : t[++i];
      // -r, -c, -e and -f take a path of the context or a URL
      if (value !== undefined && PIP_READ_OPTIONS.has(name) && !remote(value) && value !== first) paths.add(value);
    } else if (localRequirement(w)) paths.add(w);
  }
  return [...paths];
}

/**
 * dependencyInstall says whether a command installs a project's dependencies from its manifests,
 * and which manifests it reads (for pip, the requirements file as written, directory included).
 */
export function dependencyInstall(c: CommandWords): DependencyInstall | null {
  const req = pipRequirements(c);
  if (req !== null) return { tool: 'pip', manifests: [{ name: req, optional: false }], manifestsSuffice: true, paths: pipInstallReads(c, req) };
  const a = args(c);
  const rule = INSTALLS.find((r) => r.program.test(c.name) && r.installs(a, c));
  return rule ? { tool: rule.tool, manifests: rule.manifests, manifestsSuffice: rule.manifestsSuffice ?? true, paths: [] } : null;
}

function nameGlob(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** copiesManifest: a COPY source base name (`package*.json`, `App.csproj`) covers a manifest (`package.json`, `*.csproj`). */
export function copiesManifest(sourceBase: string, manifest: string): boolean {
  if (sourceBase === manifest) return true;
  if (/[*?[]/.test(sourceBase) && nameGlob(sourceBase).test(manifest)) return true;
  return /[*?]/.test(manifest) && nameGlob(manifest).test(sourceBase);
}

// ---------------------------------------------------------------------------------------------
// Caches

export interface PackageCache {
  id: string;
  /** how analyze names it ("The pip cache (3 files) …"). */
  label: string;
  /** programs that fill it. */
  managers: readonly string[];
  /** its directories, absolute, for root (the first is the main one): lint checks removals and cache mounts against them. */
  dirs: readonly string[];
  /** for a per-user cache, its directory relative to the user's home (`.cache/pip`). */
  home?: string;
  /** its files in an image (analyze reports them, strip removes them). */
  files: readonly string[];
  except?: readonly string[];
  /** the strip category that removes it. */
  strip: string;
  /**
   * whether analyze reports it. The debconf backups are not: every official Debian base ships them,
   * they are small, and no Dockerfile instruction leaves them.
   */
  finding: boolean;
}

/** GOPATH_DEFAULT is GOPATH in the official golang images (elsewhere it is ~/go); the module cache is $GOPATH/pkg/mod. */
export const GOPATH_DEFAULT = '/go';

export const PACKAGE_CACHES: readonly PackageCache[] = [
  { id: 'apt-lists', label: 'apt lists', managers: ['apt-get', 'apt', 'aptitude'], dirs: ['/var/lib/apt/lists'], files: ['var/lib/apt/lists/**'], except: ['var/lib/apt/lists/lock'], strip: 'apt-lists', finding: true },
  { id: 'apt-archives', label: 'apt archives', managers: ['apt-get', 'apt', 'aptitude'], dirs: ['/var/cache/apt/archives'], files: ['var/cache/apt/archives/**/*.deb'], strip: 'apt-cache', finding: true },
  { id: 'apt-pkgcache', label: 'apt package cache', managers: ['apt-get', 'apt', 'aptitude'], dirs: ['/var/cache/apt'], files: ['var/cache/apt/*.bin'], strip: 'apt-cache', finding: true },
  { id: 'debconf-old', label: 'debconf backups', managers: ['debconf'], dirs: ['/var/cache/debconf'], files: ['var/cache/debconf/*-old'], strip: 'apt-cache', finding: false },
  { id: 'apk', label: 'apk cache', managers: ['apk'], dirs: ['/var/cache/apk', '/etc/apk/cache'], files: ['var/cache/apk/**', 'etc/apk/cache/**'], strip: 'apk-cache', finding: true },
  { id: 'dnf', label: 'dnf cache', managers: ['dnf'], dirs: ['/var/cache/dnf'], files: ['var/cache/dnf/**'], strip: 'dnf-yum-cache', finding: true },
  // dnf5 (Fedora 41+, where `dnf` is dnf5)
  { id: 'dnf5', label: 'dnf5 cache', managers: ['dnf5', 'dnf'], dirs: ['/var/cache/libdnf5'], files: ['var/cache/libdnf5/**'], strip: 'dnf-yum-cache', finding: true },
  // microdnf keeps its metadata in yum's directory
  { id: 'yum', label: 'yum cache', managers: ['yum', 'microdnf'], dirs: ['/var/cache/yum'], files: ['var/cache/yum/**'], strip: 'dnf-yum-cache', finding: true },
  { id: 'zypper', label: 'zypper cache', managers: ['zypper'], dirs: ['/var/cache/zypp'], files: ['var/cache/zypp/**'], strip: 'dnf-yum-cache', finding: true },
  { id: 'pip', label: 'pip cache', managers: ['pip'], dirs: ['/root/.cache/pip'], home: '.cache/pip', files: inHomes('.cache/pip/**'), strip: 'pip-cache', finding: true },
  { id: 'npm', label: 'npm cache', managers: ['npm'], dirs: ['/root/.npm'], home: '.npm', files: inHomes('.npm/**'), strip: 'npm-yarn-cache', finding: true },
  // yarn v1 keeps root's cache under its prefix, other users' under ~/.cache/yarn
  { id: 'yarn', label: 'yarn cache', managers: ['yarn'], dirs: ['/usr/local/share/.cache/yarn'], home: '.cache/yarn', files: ['usr/local/share/.cache/yarn/**', ...inHomes('.cache/yarn/**')], strip: 'npm-yarn-cache', finding: true },
  { id: 'pnpm', label: 'pnpm store', managers: ['pnpm'], dirs: ['/root/.local/share/pnpm/store'], home: '.local/share/pnpm/store', files: inHomes('.local/share/pnpm/store/**'), strip: 'npm-yarn-cache', finding: true },
  { id: 'node-gyp', label: 'node-gyp headers', managers: ['npm', 'yarn', 'pnpm', 'node-gyp'], dirs: ['/root/.cache/node-gyp'], home: '.cache/node-gyp', files: inHomes('.cache/node-gyp/**'), strip: 'npm-yarn-cache', finding: true },
  { id: 'go-build', label: 'go build cache', managers: ['go'], dirs: ['/root/.cache/go-build'], home: '.cache/go-build', files: inHomes('.cache/go-build/**'), strip: 'go-build-cache', finding: true },
  // only the download cache goes (the extracted modules may be read at run time)
  { id: 'go-mod', label: 'go module download cache', managers: ['go'], dirs: [`${GOPATH_DEFAULT}/pkg/mod`], home: 'go/pkg/mod', files: ['go/pkg/mod/cache/**', ...inHomes('go/pkg/mod/cache/**')], strip: 'go-build-cache', finding: true },
];

/** packageCache returns a cache by id; it throws for an unknown id (a programming error). */
export function packageCache(id: string): PackageCache {
  const c = PACKAGE_CACHES.find((x) => x.id === id);
  if (!c) throw new Error(`unknown package cache ${id}`);
  return c;
}

/** cacheDir is a cache's main directory for root (`/var/lib/apt/lists`). */
export function cacheDir(id: string): string {
  return packageCache(id).dirs[0]!;
}

const CACHE_TABLE = new GlobTable(PACKAGE_CACHES.map((c) => ({ item: c, include: c.files, exclude: c.except })));

/** cacheOfPath returns the cache a file in an image belongs to, if any. */
export function cacheOfPath(path: string): PackageCache | undefined {
  return CACHE_TABLE.find(path);
}

// ---------------------------------------------------------------------------------------------
// Debian's docker-clean hook

/**
 * APT_DOCKER_CLEAN: the official debian and ubuntu images (and every image built FROM them) ship
 * an apt configuration that deletes downloaded .deb files and apt's binary caches after every
 * dpkg run and apt-get update, and turns the package cache off. Bases without it (other distros'
 * Debian derivatives, images built by debootstrap, a Dockerfile that deletes it) keep every
 * downloaded archive in /var/cache/apt/archives until `apt-get clean`.
 */
/** APT_INSTALL_VERBS: the apt-get/apt verbs that download and install packages (and so write the archives and read the lists). */
export const APT_INSTALL_VERBS: ReadonlySet<string> = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall']);

export const APT_DOCKER_CLEAN = {
  path: 'etc/apt/apt.conf.d/docker-clean',
  /** what the hook removes (globs relative to the image root). */
  removes: ['var/cache/apt/archives/*.deb', 'var/cache/apt/archives/partial/*.deb', 'var/cache/apt/*.bin'],
  /** Docker Hub official images that ship it (with everything built FROM them). */
  officialImages: ['debian', 'ubuntu'],
  /** what empties the archives where the hook is missing. */
  clean: 'apt-get clean',
} as const;

// ---------------------------------------------------------------------------------------------
// Programs

/** PACKAGE_MANAGER_PROGRAMS are the executables of package managers (an image without them cannot install software). */
export const PACKAGE_MANAGER_PROGRAMS: ReadonlySet<string> = new Set(['apt', 'apt-get', 'dpkg', 'apk', 'dnf', 'dnf5', 'yum', 'rpm', 'microdnf', 'pip', 'pip3', 'npm', 'yarn', 'gem', 'zypper']);
