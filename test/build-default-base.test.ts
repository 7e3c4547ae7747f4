// whittle build without --base: the distroless Node base chosen by engines.node, a base laid out as
// distroless lays it out (node as the Entrypoint, off PATH; its version only in node_version.h), and
// one clear line when the default base cannot be read. No test reaches the internet: the unreachable
// registry is a closed port on 127.0.0.1, opened through the same opener the CLI passes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseDefaultBase, DEFAULT_BASE, openDefaultBase } from '../src/build/default-base.js';
import { headerVersion } from '../src/build/base-facts.js';
import { build } from '../src/build/index.js';
import { WhittleError } from '../src/errors.js';
import { openImage } from '../src/transports/open.js';
import { writeBase, writeProject } from './build-fixtures.js';
import { freePort } from './registry-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-default-base-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache') };

describe('the default base', () => {
  it.each([
    [undefined, 'gcr.io/distroless/nodejs20-debian12:nonroot'],
    ['>=18', 'gcr.io/distroless/nodejs20-debian12:nonroot'],
    ['^22.1', 'gcr.io/distroless/nodejs22-debian12:nonroot'],
    ['18.x', 'gcr.io/distroless/nodejs18-debian12:nonroot'],
    ['>=23', 'gcr.io/distroless/nodejs24-debian12:nonroot'],
    ['22 || 24', 'gcr.io/distroless/nodejs22-debian12:nonroot'],
    ['lts/*', 'gcr.io/distroless/nodejs20-debian12:nonroot'],
  ])('engines.node %j gives %s', (engines, name) => {
    expect(chooseDefaultBase(engines).name).toBe(name);
  });

  it('refuses an engines.node that allows no distroless Node, in one line', () => {
    expect(() => chooseDefaultBase('>=30')).toThrow(
      new WhittleError('usage', 'package.json engines.node >=30 allows none of the Node versions of the default base (distroless nodejs 18, 20, 22, 24): give --base'),
    );
  });

  it('says in one line that the default base cannot be read, and what to do, when its registry is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const choice = chooseDefaultBase(undefined);
    const opened: string[] = [];
    const err = (await openDefaultBase(choice, (ref) => {
      opened.push(ref);
      return openImage(ref.replace('gcr.io', `127.0.0.1:${port}`), { registry: { attempts: 1, backoffMs: 0 } });
    }).then(
      () => new Error('opened'),
      (e: unknown) => e,
    )) as WhittleError;
    expect(opened).toEqual([`docker://${DEFAULT_BASE}`]);
    expect(err).toBeInstanceOf(WhittleError);
    expect(err.code).toBe('network');
    expect(err.message).toMatch(
      new RegExp(
        `^cannot read the default base gcr\\.io/distroless/nodejs20-debian12:nonroot \\(no --base given; the default; package\\.json has no engines\\.node\\): .*cannot connect to 127\\.0\\.0\\.1:${port}.*; give --base REF \\(any transport, e\\.g\\. docker-daemon: or oci:\\), or let whittle reach gcr\\.io$`,
      ),
    );
    expect(err.message).not.toContain('\n');
  });

  it('builds on a distroless-shaped base: node from the Entrypoint, its version from node_version.h', async () => {
    const base = await writeBase(join(tmp, 'distroless.tar'), { distroless: true });
    const warnings: string[] = [];
    const result = await build({ dir: writeProject(join(tmp, 'app'), { engines: '>=20' }), base: await openImage(base), baseName: base, env, onWarning: (m) => warnings.push(m) });
    const config = await result.image.config();
    await result.dispose();
    expect(result.base).toMatchObject({ node: '/nodejs/bin/node', libc: 'glibc', glibcVersion: '2.36', nodeVersion: { version: '20.19.3', from: '/nodejs/include/node/node_version.h' } });
    expect(config.config?.Entrypoint).toEqual(['/nodejs/bin/node', '/app/server.js']);
    expect(config.config?.User).toBe('65532:65532');
    expect(warnings).toEqual([]);
  });

  it('reads node_version.h', () => {
    expect(headerVersion('#define NODE_MAJOR_VERSION 22\n#define NODE_MINOR_VERSION 3\n#define NODE_PATCH_VERSION 0\n')).toBe('22.3.0');
    expect(headerVersion('#define NODE_MAJOR_VERSION 22\n')).toBeNull();
  });
});

describe('whittle build without --base (command line)', () => {
  const whittle = (...args: string[]) => spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env });

  it('refuses an engines.node no default base satisfies before reading any base, with no output', () => {
    const dir = writeProject(join(tmp, 'cli-engines'), { engines: '>=30' });
    const outDir = mkdtempSync(join(tmp, 'out-'));
    const r = whittle('build', dir, '-o', join(outDir, 'app.tar'));
    expect(r.stderr).toBe('whittle: package.json engines.node >=30 allows none of the Node versions of the default base (distroless nodejs 18, 20, 22, 24): give --base\n');
    expect(r.status).toBe(2);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('says which base it uses without --base, and why, in --help', () => {
    const r = whittle('build', '--help');
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('default gcr.io/distroless/nodejs20-debian12:nonroot, the Node major chosen by engines.node');
    expect(text).toContain("Without --base, the base is Google's distroless Node runtime, gcr.io/distroless/nodejs20-debian12:nonroot: node and glibc, no shell, no npm, no package manager, running as uid 65532");
  });
});
