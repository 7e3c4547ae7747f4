// Generated Node projects and fake Node bases for the whittle build tests: a tiny node:http server
// with one local `file:` dependency (so npm ci needs no registry), its package-lock.json written
// out as npm 9+ writes it for that dependency, and bases made of a node file, a dynamic loader and
// a package database (no real node: the unit tests never run the image).
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, dockerArchiveMembers, file, ociLayout, symlink, writeDir, writeTar, type TarMember } from './support/image-writer.js';

export const SERVER_JS = `const http = require('node:http');
const greet = require('greet');
http.createServer((req, res) => { res.end(greet('whittle') + '\\n'); }).listen(Number(process.env.PORT || 3000));
`;

export interface ProjectOptions {
  dockerignore?: string;
  files?: string[];
  main?: string | null;
  start?: string;
  engines?: string;
  lock?: boolean;
  greetVersion?: string;
  /** a `build` script (scripts/build.js, which needs the dev dependency devtool) that writes dist/server.js; files: ['dist']. */
  buildScript?: boolean;
}

/** writeProject writes the fixture project into dir. */
export function writeProject(dir: string, opts: ProjectOptions = {}): string {
  mkdirSync(join(dir, 'vendor/greet'), { recursive: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  const greetVersion = opts.greetVersion ?? '1.0.0';
  writeFileSync(join(dir, 'vendor/greet/package.json'), JSON.stringify({ name: 'greet', version: greetVersion, main: 'index.js' }, null, 2) + '\n');
  writeFileSync(join(dir, 'vendor/greet/index.js'), 'module.exports = (name) => `hello ${name}`;\n');
  const b = opts.buildScript === true;
  if (b) {
    mkdirSync(join(dir, 'vendor/devtool'), { recursive: true });
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    writeFileSync(join(dir, 'vendor/devtool/package.json'), JSON.stringify({ name: 'devtool', version: '1.0.0', main: 'index.js' }) + '\n');
    writeFileSync(join(dir, 'vendor/devtool/index.js'), 'module.exports = (src) => "// built\\n" + src;\n');
    writeFileSync(
      join(dir, 'scripts/build.js'),
      "const fs = require('node:fs');\nfs.mkdirSync('dist', { recursive: true });\nfs.writeFileSync('dist/server.js', require('devtool')(fs.readFileSync('server.js', 'utf8')));\n",
    );
  }
  const scripts = { ...(opts.start ? { start: opts.start } : {}), ...(b ? { build: 'node scripts/build.js' } : {}) };
  const pkg = {
    name: 'app',
    version: '1.0.0',
    ...(opts.main === null ? {} : { main: opts.main ?? (b ? 'dist/server.js' : 'server.js') }),
    ...(Object.keys(scripts).length > 0 ? { scripts } : {}),
    ...(opts.files ? { files: opts.files } : b ? { files: ['dist'] } : {}),
    ...(opts.engines ? { engines: { node: opts.engines } } : {}),
    dependencies: { greet: 'file:vendor/greet' },
    ...(b ? { devDependencies: { devtool: 'file:vendor/devtool' } } : {}),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  if (opts.lock !== false) {
    const lock = {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { greet: 'file:vendor/greet' }, ...(b ? { devDependencies: { devtool: 'file:vendor/devtool' } } : {}) },
        ...(b ? { 'node_modules/devtool': { resolved: 'vendor/devtool', link: true } } : {}),
        'node_modules/greet': { resolved: 'vendor/greet', link: true },
        ...(b ? { 'vendor/devtool': { version: '1.0.0', dev: true } } : {}),
        'vendor/greet': { version: greetVersion },
      },
    };
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  }
  writeFileSync(join(dir, 'server.js'), SERVER_JS);
  writeFileSync(join(dir, 'lib/util.js'), 'module.exports = 1;\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\nexec node server.js\n', { mode: 0o755 });
  writeFileSync(join(dir, 'test.spec.js'), '// not shipped\n');
  if (opts.dockerignore !== undefined) writeFileSync(join(dir, '.dockerignore'), opts.dockerignore);
  // a stale node_modules in the tree, which a build must never take (without --prebuilt)
  mkdirSync(join(dir, 'node_modules/stale'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/stale/index.js'), 'stale\n');
  return dir;
}

/** copyProject copies a fixture project to another place (another temp dir, for determinism tests). */
export function copyProject(from: string, to: string): string {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  return to;
}

export interface BaseOptions {
  libc?: 'glibc' | 'musl';
  /** laid out as gcr.io/distroless/nodejs*: node at /nodejs/bin/node (not on PATH) as the Entrypoint, its version only in include/node/node_version.h, libc6 in dpkg's status.d. */
  distroless?: boolean;
  node?: boolean;
  nodeVersion?: string;
  architecture?: string;
  /** write an OCI layout directory (tag `1`: give `oci:PATH:1`) instead of a docker-archive. */
  layout?: boolean;
}

/** writeBase writes a fake Node base as a docker-archive at path (an OCI layout with opts.layout). */
export async function writeBase(path: string, opts: BaseOptions = {}): Promise<string> {
  const libc = opts.libc ?? 'glibc';
  const members: TarMember[] = [file('etc/os-release', 'ID=fixture\n')];
  if (opts.distroless) {
    const [major, minor, patch] = (opts.nodeVersion ?? '20.19.3').split('.');
    members.push(
      file('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'loader', 0o755),
      symlink('lib64/ld-linux-x86-64.so.2', '../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
      file('var/lib/dpkg/status.d/libc6', 'Package: libc6\nVersion: 2.36-9+deb12u10\n'),
      file('nodejs/bin/node', '#!fake node\n', 0o755),
      file('nodejs/include/node/node_version.h', `#ifndef SRC_NODE_VERSION_H_\n#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n`),
    );
    const img = await buildImage([members], { config: { Entrypoint: ['/nodejs/bin/node'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'], User: '65532' } });
    return writeTar(path, dockerArchiveMembers(img, 'whittle-build/fake-distroless:1'));
  }
  if (libc === 'glibc') {
    members.push(file('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'loader', 0o755), symlink('lib64/ld-linux-x86-64.so.2', '../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'));
    members.push(
      file(
        'var/lib/dpkg/status',
        `Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\n\nPackage: nodejs\nStatus: install ok installed\nVersion: ${opts.nodeVersion ?? '18.19.0'}+dfsg-6~deb12u2\n`,
      ),
    );
  } else {
    members.push(file('lib/ld-musl-x86_64.so.1', 'loader', 0o755));
    members.push(file('lib/apk/db/installed', `P:musl\nV:1.2.5-r0\n\nP:nodejs\nV:${opts.nodeVersion ?? '20.15.1'}-r0\n`));
  }
  if (opts.node !== false) members.push(file('usr/bin/nodejs', '#!fake node\n', 0o755), symlink('usr/bin/node', 'nodejs'));
  const img = await buildImage([members], { platform: { os: 'linux', architecture: opts.architecture ?? 'amd64' } });
  if (opts.layout) return writeDir(path, ociLayout(img, { refName: '1' }).files);
  return writeTar(path, dockerArchiveMembers(img, 'whittle-build/fake-base:1'));
}

/** SBOM_PACKAGES are the packages writeSbomProject installs: install path, package.json, and the lock file's integrity (SRI). */
export const SBOM_PACKAGES: { path: string; pkg: Record<string, unknown>; integrity?: string }[] = [
  { path: 'node_modules/express', pkg: { name: 'express', version: '4.19.2', license: 'MIT' }, integrity: sri('sha512', 'express-4.19.2') },
  { path: 'node_modules/@scope/util', pkg: { name: '@scope/util', version: '1.2.0', license: '(MIT OR Apache-2.0)' }, integrity: sri('sha512', 'util-1.2.0') },
  { path: 'node_modules/old', pkg: { name: 'old', version: '0.1.0', license: { type: 'BSD' } }, integrity: sri('sha1', 'old-0.1.0') },
  { path: 'node_modules/express/node_modules/old', pkg: { name: 'old', version: '0.2.0', license: 'SEE LICENSE IN LICENSE' }, integrity: sri('sha512', 'old-0.2.0') },
  { path: 'node_modules/dup', pkg: { name: 'dup', version: '1.0.0', license: 'ISC' }, integrity: sri('sha512', 'dup-1.0.0') },
  { path: 'node_modules/@scope/util/node_modules/dup', pkg: { name: 'dup', version: '1.0.0', license: 'ISC' }, integrity: sri('sha512', 'dup-1.0.0') },
  { path: 'node_modules/local', pkg: { name: 'local', version: '0.0.1' } },
];

/** sri is a Subresource Integrity string of text, as lock files write them. */
export function sri(alg: 'sha1' | 'sha512', text: string): string {
  return `${alg}-${createHash(alg).update(text).digest('base64')}`;
}

/**
 * writeSbomProject writes the fixture project with a node_modules of SBOM_PACKAGES (for --prebuilt:
 * scoped, nested, a duplicate, licenses npm allows but SPDX does not, a package.json below a package
 * root that names no package) and a package-lock.json pinning their integrity.
 */
export function writeSbomProject(dir: string): string {
  writeProject(dir);
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0', dependencies: { express: '^4.19.2' } } };
  for (const p of SBOM_PACKAGES) {
    mkdirSync(join(dir, p.path), { recursive: true });
    writeFileSync(join(dir, p.path, 'package.json'), JSON.stringify(p.pkg) + '\n');
    writeFileSync(join(dir, p.path, 'index.js'), `module.exports = ${JSON.stringify(p.path)};\n`);
    packages[p.path] = { version: p.pkg.version, ...(p.integrity ? { integrity: p.integrity, resolved: `https://registry.npmjs.org/${String(p.pkg.name)}/-/x.tgz` } : {}) };
  }
  mkdirSync(join(dir, 'node_modules/express/lib'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/express/lib/package.json'), '{"type":"module"}\n');
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync('../express/index.js', join(dir, 'node_modules/.bin/express'));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n');
  return dir;
}
