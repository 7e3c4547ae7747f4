// Build toolchains: for each, the package names that install it (apt, apk, dnf/yum/zypper) and the
// paths it occupies in an image. Read by lint's build-tools-in-final-stage (packages installed in a
// stage that ships), analyze's build-toolchains finding (paths in the final filesystem) and strip's
// build-tools category (the toolchains marked strip). Paths are globs relative to the image root
// (src/knowledge/paths.ts).
import { GlobTable, inHomes } from './paths.js';

export interface Toolchain {
  id: string;
  /** how analyze names it ("The final image ships build tools: …"). */
  label: string;
  /** package names (a full match) that install it. */
  packages: RegExp | null;
  /** where it lives. */
  paths: readonly string[];
  /** whether `whittle strip --strip build-tools` removes it (toolchains a program may need at run time — a JDK, Go — are not). */
  strip: boolean;
}

const CC_NAMES = ['gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'cpp'];
const BIN_DIRS = ['usr/bin', 'usr/local/bin'];
/** compilerPaths: `gcc`, `gcc-12`, `gcc-ar`, `x86_64-linux-gnu-gcc-12` in /usr/bin and /usr/local/bin. */
const compilerPaths = BIN_DIRS.flatMap((d) => CC_NAMES.flatMap((n) => [`${d}/${n}`, `${d}/${n}-*`, `${d}/*-${n}`, `${d}/*-${n}-*`]));

export const TOOLCHAINS: readonly Toolchain[] = [
  {
    id: 'c',
    label: 'C/C++ compilers',
    // with the C library's and the kernel's headers every C build needs (build-essential pulls in libc6-dev)
    packages: /^(?:build-essential|build-base|gcc(?:-\d+)?|g\+\+(?:-\d+)?|gcc-c\+\+|clang(?:-\d+)?|cpp(?:-\d+)?|libc6?-dev|musl-dev|linux-headers|linux-libc-dev)$/,
    paths: [...compilerPaths, 'usr/lib/gcc/**', 'usr/libexec/gcc/**'],
    strip: true,
  },
  {
    id: 'binutils',
    label: 'assembler and linker',
    packages: /^binutils(?:-[\w-]+)?$/,
    paths: ['usr/bin/ld', 'usr/bin/ld.*', 'usr/bin/as', 'usr/bin/*-linux-gnu-ld', 'usr/bin/*-linux-gnu-ld.*', 'usr/bin/*-linux-gnu-as'],
    strip: true,
  },
  {
    id: 'make',
    label: 'make',
    packages: /^(?:make|cmake|ninja-build|ninja|meson|autoconf|automake|libtool)$/,
    paths: BIN_DIRS.flatMap((d) => [`${d}/make`, `${d}/gmake`, `${d}/cmake`, `${d}/ninja`, `${d}/meson`]),
    strip: true,
  },
  { id: 'static-libs', label: 'static libraries', packages: null, paths: ['usr/lib/*.a', 'usr/lib/*/*.a'], strip: true },
  { id: 'pkg-config', label: 'pkg-config files', packages: /^(?:pkg-config|pkgconf)$/, paths: ['usr/lib/pkgconfig/**', 'usr/share/pkgconfig/**', 'usr/lib/*/pkgconfig/**', 'usr/bin/pkg-config', 'usr/bin/pkgconf'], strip: false },
  { id: 'node-gyp', label: 'node-gyp', packages: /^node-gyp$/, paths: ['**/node_modules/node-gyp/**', '**/node_modules/npm/node_modules/node-gyp/**'], strip: true },
  {
    id: 'go',
    label: 'Go toolchain',
    // Debian's golang-go / golang-1.22-go, Alpine's go, Fedora's golang
    packages: /^(?:golang(?:-go)?|golang-[\d.]+(?:-go)?|go)$/,
    paths: ['usr/local/go/**', 'usr/lib/go/**', 'usr/lib/go-*/**', 'usr/lib/golang/**'],
    strip: false,
  },
  {
    id: 'rust',
    label: 'Rust toolchain',
    packages: /^(?:rustc|cargo|rust)$/,
    paths: [...BIN_DIRS.flatMap((d) => [`${d}/rustc`, `${d}/cargo`]), 'usr/local/cargo/**', 'usr/local/rustup/**', 'usr/lib/rustlib/**', ...inHomes('.rustup/toolchains/**')],
    strip: false,
  },
  {
    id: 'jdk',
    label: 'Java JDK',
    // the JDK only: openjdk-17-jre / java-17-openjdk (the runtime) are not build tools
    packages: /^(?:default-jdk(?:-headless)?|openjdk-\d+-jdk(?:-headless)?|java-\d+-openjdk-devel|openjdk\d+(?:-jdk)?)$/,
    // the parts of a JDK a JRE lacks: the compiler, jmods, headers, ct.sym, sources
    paths: ['usr/lib/jvm/*', 'opt/java/openjdk', 'usr/local/openjdk-*'].flatMap((j) => [`${j}/bin/javac`, `${j}/jmods/**`, `${j}/include/**`, `${j}/lib/ct.sym`, `${j}/lib/src.zip`, `${j}/lib/tools.jar`]),
    strip: false,
  },
  {
    id: 'java-build',
    label: 'Maven/Gradle',
    packages: /^(?:maven|gradle)$/,
    paths: ['usr/share/maven/**', 'usr/share/maven-repo/**', 'opt/gradle/**', ...BIN_DIRS.flatMap((d) => [`${d}/mvn`, `${d}/gradle`])],
    strip: false,
  },
  // last: the -dev/-devel pattern would also take java-21-openjdk-devel
  {
    id: 'headers',
    label: 'headers (usr/include)',
    packages: /^(?:[\w.+-]+-dev|[\w.+-]+-devel)$/,
    paths: ['usr/include/**', 'usr/local/include/**'],
    strip: true,
  },
];

const TOOLCHAIN_TABLE = new GlobTable(TOOLCHAINS.map((t) => ({ item: t, include: t.paths })));

/** toolchainOfPath returns the toolchain a file in an image belongs to, if any. */
export function toolchainOfPath(path: string): Toolchain | undefined {
  return TOOLCHAIN_TABLE.find(path);
}

/** toolchainOfPackage returns the toolchain a package installs, if any (`gcc-12`, `libssl-dev`, `openjdk-17-jdk`). */
export function toolchainOfPackage(name: string): Toolchain | undefined {
  return TOOLCHAINS.find((t) => t.packages?.test(name));
}

const C_BUILD = new Set(['c', 'binutils', 'make', 'pkg-config']);

/**
 * isCBuildPackage: a package of a C/C++ build (compilers, binutils, make and friends, pkg-config, the
 * C library's headers) — not other -dev packages, whose libraries a program may link at run time.
 */
export function isCBuildPackage(name: string): boolean {
  const t = toolchainOfPackage(name);
  return t !== undefined && C_BUILD.has(t.id);
}

/** DEV_PACKAGE_LIST matches dpkg's file list of an installed -dev package; group 1 is the package name. */
export const DEV_PACKAGE_LIST = /^var\/lib\/dpkg\/info\/([^/]*-dev)(?::[^/]*)?\.list$/;
