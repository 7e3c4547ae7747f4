import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { file, packTar } from '../../test/support/image-writer.js';
import { isWhittleError } from '../errors.js';
import { LayerModuleSpool } from './module-spool.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-module-spool-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('LayerModuleSpool', () => {
  it('copies the JavaScript, JSON and Python files as the tar streams past, the last copy of a path counting, and leaves no file behind', async () => {
    const dir = mkdtempSync(join(tmp, 'spool-'));
    const tar = await packTar([
      file('app/server.js', 'server'),
      file('app/node_modules/express/index.js', 'first copy'),
      file('app/node_modules/express/package.json', '{"name":"express"}'),
      file('app/node_modules/express/Readme.md', 'readme'),
      file('usr/share/nodejs/npm/lib/cli.js', 'x'.repeat(70_000)),
      file('usr/share/nodejs/big/dist/bundle.js', 'y'.repeat((1 << 20) + 1)),
      file('app/node_modules/express/index.js', 'last copy'),
      file('usr/lib/python3/dist-packages/flask/app.py', 'import os'),
      file('usr/lib/python3/dist-packages/distutils-precedence.pth', 'import _distutils_hack'),
      file('usr/lib/python3/dist-packages/Flask-2.2.2.egg-info/entry_points.txt', '[console_scripts]'),
      file('usr/lib/python3/dist-packages/Flask-2.2.2.egg-info/PKG-INFO', 'Name: Flask'),
      file('opt/venv/pyvenv.cfg', 'home = /usr/bin'),
    ]);
    const spool = new LayerModuleSpool(dir);
    for (let at = 0; at < tar.length; at += 4096) spool.write(tar.subarray(at, at + 4096));
    expect(readdirSync(dir)).toEqual([]);
    expect(spool.read('app/node_modules/express/index.js')?.toString()).toBe('last copy');
    expect(spool.read('app/node_modules/express/package.json')?.toString()).toBe('{"name":"express"}');
    expect(spool.read('usr/share/nodejs/npm/lib/cli.js')?.toString()).toBe('x'.repeat(70_000));
    expect(spool.read('app/server.js')?.toString()).toBe('server');
    expect(spool.read('usr/lib/python3/dist-packages/flask/app.py')?.toString()).toBe('import os');
    expect(spool.read('usr/lib/python3/dist-packages/distutils-precedence.pth')?.toString()).toBe('import _distutils_hack');
    expect(spool.read('usr/lib/python3/dist-packages/Flask-2.2.2.egg-info/entry_points.txt')?.toString()).toBe('[console_scripts]');
    expect(spool.read('opt/venv/pyvenv.cfg')?.toString()).toBe('home = /usr/bin');
    // not modules, or larger than the facts keep: left to the layer reads
    expect(spool.read('app/node_modules/express/Readme.md')).toBeNull();
    expect(spool.read('usr/lib/python3/dist-packages/Flask-2.2.2.egg-info/PKG-INFO')).toBeNull();
    expect(spool.read('usr/share/nodejs/big/dist/bundle.js')).toBeNull();
    spool.close();
  });

  it('a spool directory that cannot be written is one io error', () => {
    let err: unknown;
    try {
      new LayerModuleSpool(join(tmp, 'no-such-dir'));
    } catch (e) {
      err = e;
    }
    expect(isWhittleError(err) && err.code === 'io' && /spooling the image's modules to .*no-such-dir/.test(err.message)).toBe(true);
  });
});
