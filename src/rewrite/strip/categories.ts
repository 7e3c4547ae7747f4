// What an image should not ship, by category. Each category names path patterns (relative to the
// image root, `**` any depth, `*` within one name) and, optionally, patterns it never takes.
// Only files, symlinks and other non-directories are removed; directories stay (empty), so tools
// that expect them (apt's lists/partial, man's cache dirs) keep working; a directory whose whole
// subtree goes below a category root is removed as one. The package caches and build toolchains come
// from src/knowledge (shared with analyze's findings and lint).
import { PACKAGE_CACHES } from '../../knowledge/package-managers.js';
import { pathGlob } from '../../knowledge/paths.js';
import { TOOLCHAINS } from '../../knowledge/toolchains.js';

export interface Category {
  id: string;
  description: string;
  /** on unless turned off (--no-strip); the others only with --strip. */
  byDefault: boolean;
  patterns: string[];
  except?: string[];
}

/** cachePatterns: the files of the package caches strip category id removes (src/knowledge/package-managers.ts). */
function cachePatterns(id: string): Pick<Category, 'patterns' | 'except'> {
  const caches = PACKAGE_CACHES.filter((c) => c.strip === id);
  const except = caches.flatMap((c) => c.except ?? []);
  return { patterns: caches.flatMap((c) => c.files), ...(except.length > 0 ? { except } : {}) };
}

export const CATEGORIES: readonly Category[] = [
  { id: 'apt-lists', description: 'apt package indexes (apt-get update downloads them again)', byDefault: true, ...cachePatterns('apt-lists') },
  { id: 'apt-cache', description: 'downloaded .deb files and apt caches', byDefault: true, ...cachePatterns('apt-cache') },
  { id: 'apk-cache', description: 'Alpine apk cache', byDefault: true, ...cachePatterns('apk-cache') },
  { id: 'dnf-yum-cache', description: 'dnf, yum, microdnf and zypper caches', byDefault: true, ...cachePatterns('dnf-yum-cache') },
  { id: 'pip-cache', description: 'pip download and wheel cache', byDefault: true, ...cachePatterns('pip-cache') },
  { id: 'npm-yarn-cache', description: 'npm, yarn and pnpm caches', byDefault: true, ...cachePatterns('npm-yarn-cache') },
  { id: 'go-build-cache', description: 'Go build and module download caches', byDefault: true, ...cachePatterns('go-build-cache') },
  { id: 'pycache', description: 'compiled Python bytecode (Python writes it again when it can)', byDefault: true, patterns: ['**/__pycache__/**', '**/*.pyc'] },
  {
    id: 'docs',
    description: 'documentation, man and info pages (licence files under /usr/share/doc/*/copyright are kept)',
    byDefault: true,
    patterns: ['usr/share/doc/**', 'usr/share/man/**', 'usr/share/info/**', 'usr/local/share/man/**', 'usr/share/gtk-doc/**'],
    except: ['usr/share/doc/*/copyright', 'usr/share/doc/*/LICENSE*', 'usr/share/doc/*/COPYING*'],
  },
  { id: 'locales', description: 'translations and locale data for languages LANG/LC_ALL/LANGUAGE do not name', byDefault: true, patterns: ['usr/share/locale/*/**', 'usr/lib/locale/*/**', 'usr/share/i18n/locales/*'] },
  {
    id: 'build-tools',
    description: 'compilers, headers and static libraries (only with --strip build-tools)',
    byDefault: false,
    // the toolchains src/knowledge/toolchains.ts marks strip: compilers, binutils, make, headers, static libraries, node-gyp
    patterns: TOOLCHAINS.filter((t) => t.strip).flatMap((t) => t.paths),
  },
];

/** globToRegExp is the one path-glob syntax (src/knowledge/paths.ts), also for --remove and --keep. */
export const globToRegExp = pathGlob;

/** rootOf is the fixed directory a pattern starts from (`var/lib/apt/lists/**` → `var/lib/apt/lists`). */
export function rootOf(glob: string): string {
  const parts = glob.replace(/^\/+/, '').split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (/[*?]/.test(p)) break;
    fixed.push(p);
  }
  return fixed.join('/');
}
