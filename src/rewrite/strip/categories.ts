// What an image should not ship, by category. Each category names path patterns (relative to the
// image root, `**` any depth, `*` within one name) and, optionally, patterns it never takes.
// Only files, symlinks and other non-directories are removed; directories stay (empty), so tools
// that expect them (apt's lists/partial, man's cache dirs) keep working; a directory whose whole
// subtree goes below a category root is removed as one.

export interface Category {
  id: string;
  description: string;
  /** on unless turned off (--no-strip); the others only with --strip. */
  byDefault: boolean;
  patterns: string[];
  except?: string[];
}

export const CATEGORIES: readonly Category[] = [
  { id: 'apt-lists', description: 'apt package indexes (apt-get update downloads them again)', byDefault: true, patterns: ['var/lib/apt/lists/**'], except: ['var/lib/apt/lists/lock'] },
  { id: 'apt-cache', description: 'downloaded .deb files and apt caches', byDefault: true, patterns: ['var/cache/apt/**/*.deb', 'var/cache/apt/*.bin', 'var/cache/debconf/*-old'] },
  { id: 'apk-cache', description: 'Alpine apk cache', byDefault: true, patterns: ['var/cache/apk/**', 'etc/apk/cache/**'] },
  { id: 'dnf-yum-cache', description: 'dnf, yum, microdnf and zypper caches', byDefault: true, patterns: ['var/cache/dnf/**', 'var/cache/yum/**', 'var/cache/zypp/**', 'var/cache/libdnf5/**'] },
  { id: 'pip-cache', description: 'pip download and wheel cache', byDefault: true, patterns: ['root/.cache/pip/**', 'home/*/.cache/pip/**'] },
  { id: 'npm-yarn-cache', description: 'npm, yarn and pnpm caches', byDefault: true, patterns: ['root/.npm/_cacache/**', 'home/*/.npm/_cacache/**', 'root/.cache/yarn/**', 'home/*/.cache/yarn/**', 'usr/local/share/.cache/yarn/**', 'root/.local/share/pnpm/store/**', 'root/.cache/node-gyp/**'] },
  { id: 'go-build-cache', description: 'Go build and module download caches', byDefault: true, patterns: ['root/.cache/go-build/**', 'home/*/.cache/go-build/**', 'go/pkg/mod/cache/**', 'root/go/pkg/mod/cache/**'] },
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
    patterns: [
      'usr/include/**', 'usr/local/include/**', 'usr/lib/gcc/**', 'usr/libexec/gcc/**', 'usr/lib/*/*.a', 'usr/lib/*.a',
      'usr/bin/gcc*', 'usr/bin/g++*', 'usr/bin/cc', 'usr/bin/c++', 'usr/bin/cpp*', 'usr/bin/*-linux-gnu-gcc*', 'usr/bin/*-linux-gnu-g++*', 'usr/bin/*-linux-gnu-cpp*',
      'usr/bin/make', 'usr/bin/ld', 'usr/bin/ld.*', 'usr/bin/*-linux-gnu-ld*', 'usr/bin/as', 'usr/bin/*-linux-gnu-as',
      '**/node_modules/node-gyp/**', 'usr/local/lib/node_modules/npm/node_modules/node-gyp/**',
    ],
  },
];

/** globToRegExp turns a pattern (`**` any depth, `*` and `?` within one name) into an anchored RegExp; a leading `/` is ignored. */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/^\/+/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

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
