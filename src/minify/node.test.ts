import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elfFile } from '../../test/support/elf-writer.js';
import { buildImage, dir, file, ociLayout, symlink, writeDir, type TarMember } from '../../test/support/image-writer.js';
import { openImage } from '../transports/open.js';
import { minify } from './index.js';
import { matchMap, scanSpecifiers } from './node.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-node-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scanSpecifiers', () => {
  it.each([
    ["const a = require('a');", [['a', 'require']], []],
    ['import x, { y as z } from "b";\nexport * from \'./c\';', [['b', 'import'], ['./c', 'import']], []],
    ["import './side.css.js';", [['./side.css.js', 'import']], []],
    ['const m = await import(`./d.mjs`);', [['./d.mjs', 'import']], []],
    ["// require('commented')\n/* import 'x' */ const s = \"require('in-a-string')\";", [], []],
    ['const p = require(name);\nrequire(`./x/${n}`);\nrequire("./y" + z);', [], [1, 2, 3]],
    ["module.require('not-this'); obj.import('nor-this'); require.resolve('neither')", [], []],
    ["const a = 1 / 2; require('./esc\\'aped'); // require('no')\n`${x}`; require(\"./\\x41\")", [["./esc'aped", 'require'], ['./x41', 'require']], []],
  ])('%s', (src, specs, computed) => {
    const r = scanSpecifiers(src);
    expect(r.specifiers.map((s) => [s.text, s.kind])).toEqual(specs);
    expect(r.computed).toEqual(computed);
  });
});

it('scanSpecifiers gives the line of each specifier and computed require, past comments and strings spanning lines', () => {
  const r = scanSpecifiers("/* a\n b */ require('one');\nconst t = `x\ny`;\n\nimport two from 'two';\nrequire(name);\n");
  expect(r.specifiers.map((s) => [s.text, s.line])).toEqual([['one', 2], ['two', 6]]);
  expect(r.computed).toEqual([7]);
});

describe('matchMap (package.json exports and imports)', () => {
  const exportsMap = {
    '.': { import: './esm/index.mjs', require: './cjs/index.js' },
    './feature': { browser: './browser.js', node: { import: './esm/f.mjs', default: './cjs/f.js' } },
    './lib/*': './dist/lib/*.js',
    './private/*': null,
  };
  it.each([
    ['.', 'require', './cjs/index.js'],
    ['.', 'import', './esm/index.mjs'],
    ['./feature', 'import', './esm/f.mjs'],
    ['./feature', 'require', './cjs/f.js'],
    ['./lib/a/b', 'require', './dist/lib/a/b.js'],
    ['./private/x', 'require', null],
    ['./missing', 'require', null],
  ] as const)('%s (%s) → %s', (subpath, kind, expected) => {
    expect(matchMap(exportsMap, subpath, ['node', kind, 'default'])).toBe(expected);
  });
  it('takes a string or a condition object as the "." export', () => {
    expect(matchMap('./main.js', '.', ['node', 'require', 'default'])).toBe('./main.js');
    expect(matchMap({ require: './r.js', default: './d.js' }, '.', ['node', 'import', 'default'])).toBe('./d.js');
  });
});

const LOADER = '/lib64/ld-linux-x86-64.so.2';
const js = (name: string, text: string): TarMember => file(name, text);

function nodeImage(): TarMember[][] {
  const base: TarMember[] = [
    dir('usr'), dir('usr/lib'), dir('usr/lib64'), dir('usr/local'), dir('usr/local/bin'), dir('usr/local/lib'), dir('usr/bin'),
    symlink('lib64', 'usr/lib64'),
    file('usr/lib64/ld-linux-x86-64.so.2', elfFile({ static: true }), 0o755),
    file('usr/lib/libc.so.6', elfFile({})),
    file('usr/lib/libaddon-dep.so.1', elfFile({ needed: ['libc.so.6'] })),
    file('usr/local/bin/node', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }), 0o755),
    file('usr/bin/env', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }), 0o755),
    file('usr/bin/sh', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }), 0o755),
    dir('usr/local/lib/node_modules'), dir('usr/local/lib/node_modules/npm'), dir('usr/local/lib/node_modules/npm/bin'), dir('usr/local/lib/node_modules/npm/lib'),
    js('usr/local/lib/node_modules/npm/package.json', '{"name":"npm","main":"./lib/npm.js"}'),
    file('usr/local/lib/node_modules/npm/bin/npm-cli.js', "#!/usr/bin/env node\nrequire('../lib/cli.js')(process)\n", 0o755),
    js('usr/local/lib/node_modules/npm/lib/cli.js', "module.exports = (p) => require('./npm.js')\n"),
    js('usr/local/lib/node_modules/npm/lib/npm.js', 'module.exports = {}\n'),
    js('usr/local/lib/node_modules/npm/lib/unused.js', 'x\n'),
    symlink('usr/local/bin/npm', '../lib/node_modules/npm/bin/npm-cli.js'),
  ];
  const nm = 'app/node_modules';
  const app: TarMember[] = [
    dir('app'), dir('app/src'), dir('app/test'), dir(nm),
    js('app/package.json', JSON.stringify({ name: 'app', scripts: { start: 'node src/index.js', test: 'x' }, imports: { '#internal': './src/internal.js' } })),
    js('app/src/index.js', [
      "const util = require('./util');",
      "const a = require('lib-a');",
      "const f = require('lib-b/feature');",
      "const i = require('#internal');",
      "const d = require('../data.json');",
      "const fs = require('fs'); const p = require('node:path');",
      "const addon = require('addon');",
      "const host = require('plugin-host');",
      "const esm = import('lib-b');",
      "const gone = require('not-installed');",
    ].join('\n') + '\n'),
    js('app/src/util.js', 'module.exports = 1\n'),
    js('app/src/internal.js', 'module.exports = 2\n'),
    js('app/data.json', '{}'),
    js('app/test/index.test.js', "require('../src/index.js')\n"),
    dir(`${nm}/lib-a`), dir(`${nm}/lib-a/lib`),
    js(`${nm}/lib-a/package.json`, '{"name":"lib-a","main":"lib/main"}'),
    js(`${nm}/lib-a/lib/main.js`, "module.exports = require('./helper')\n"),
    js(`${nm}/lib-a/lib/helper.js`, '1\n'),
    js(`${nm}/lib-a/README.md`, 'docs\n'),
    dir(`${nm}/lib-b`), dir(`${nm}/lib-b/cjs`), dir(`${nm}/lib-b/esm`),
    js(`${nm}/lib-b/package.json`, JSON.stringify({ name: 'lib-b', exports: { '.': { import: './esm/index.mjs', require: './cjs/index.js' }, './feature': { import: './esm/f.mjs', require: './cjs/f.js' } } })),
    js(`${nm}/lib-b/cjs/index.js`, '1\n'),
    js(`${nm}/lib-b/cjs/f.js`, '1\n'),
    js(`${nm}/lib-b/esm/index.mjs`, "export * from './f.mjs';\n"),
    js(`${nm}/lib-b/esm/f.mjs`, 'export const f = 1;\n'),
    dir(`${nm}/addon`), dir(`${nm}/addon/build`), dir(`${nm}/addon/build/Release`),
    js(`${nm}/addon/package.json`, '{"name":"addon","main":"index.js"}'),
    js(`${nm}/addon/index.js`, "module.exports = require('./build/Release/addon.node')\n"),
    file(`${nm}/addon/build/Release/addon.node`, elfFile({ needed: ['libaddon-dep.so.1', 'libc.so.6'] })),
    dir(`${nm}/plugin-host`), dir(`${nm}/plugin-host/plugins`),
    js(`${nm}/plugin-host/package.json`, '{"name":"plugin-host","dependencies":{"lib-a":"1"}}'),
    js(`${nm}/plugin-host/index.js`, "const name = process.env.P;\nmodule.exports = require('./plugins/' + name)\n"),
    js(`${nm}/plugin-host/plugins/one.js`, '1\n'),
    dir(`${nm}/unused`),
    js(`${nm}/unused/index.js`, '1\n'),
  ];
  return [base, app];
}

describe('the Node tracer', () => {
  it('reads the modules from the scan\'s spool: the app layer is read by the scan and once more for its addon (an ELF file), however deep its module graph', async () => {
    const img = await buildImage(nodeImage(), { config: { Cmd: ['npm', 'start'], WorkingDir: '/app', Env: ['PATH=/usr/local/bin:/usr/bin'] } });
    const image = await openImage(`oci:${writeDir(join(tmp, 'node-spool'), ociLayout(img, { refName: 'v1' }).files)}:v1`);
    const layers = await image.layers();
    const reads = layers.map(() => 0);
    const counted = layers.map((layer, i) => Object.assign(Object.create(layer) as typeof layer, { read: () => ((reads[i] = reads[i]! + 1), layer.read()) }));
    const { plan } = await minify(Object.assign(Object.create(image) as typeof image, { layers: async () => counted }), { dryRun: true });
    expect(plan.kept.has('app/node_modules/lib-a/lib/helper.js')).toBe(true);
    expect(plan.kept.has('app/node_modules/lib-b/esm/f.mjs')).toBe(true);
    expect(reads[1]).toBe(2); // 5 when each level of the graph was a pass over the layer
  });

  it('follows npm start to the module graph: require, import(), exports conditions, imports, JSON, addons, a computed require', async () => {
    const img = await buildImage(nodeImage(), { config: { Cmd: ['npm', 'start'], WorkingDir: '/app', Env: ['PATH=/usr/local/bin:/usr/bin'] } });
    const image = await openImage(`oci:${writeDir(join(tmp, 'node'), ociLayout(img, { refName: 'v1' }).files)}:v1`);
    const { plan } = await minify(image, { dryRun: true });
    const kept = [...plan.kept.keys()];
    const nm = 'app/node_modules';
    for (const p of [
      'usr/local/bin/npm', 'usr/local/lib/node_modules/npm/bin/npm-cli.js', 'usr/local/lib/node_modules/npm/lib/cli.js', 'usr/local/lib/node_modules/npm/lib/npm.js',
      'usr/bin/env', 'usr/bin/sh', 'usr/local/bin/node', 'app/package.json', 'app/src/index.js', 'app/src/util.js', 'app/src/internal.js', 'app/data.json',
      `${nm}/lib-a/lib/main.js`, `${nm}/lib-a/lib/helper.js`, `${nm}/lib-a/package.json`, `${nm}/lib-b/cjs/f.js`, `${nm}/lib-b/esm/index.mjs`, `${nm}/lib-b/esm/f.mjs`,
      `${nm}/addon/build/Release/addon.node`, 'usr/lib/libaddon-dep.so.1', `${nm}/plugin-host/plugins/one.js`, `${nm}/plugin-host/index.js`,
    ]) expect(kept, p).toContain(p);
    for (const p of ['app/test/index.test.js', `${nm}/unused/index.js`, `${nm}/lib-a/README.md`, `${nm}/lib-b/cjs/index.js`, 'usr/local/lib/node_modules/npm/lib/unused.js']) {
      expect(kept, p).not.toContain(p);
    }
    expect(plan.kept.get(`${nm}/lib-b/cjs/f.js`)).toEqual(['required by /app/src/index.js:3']);
    expect(plan.kept.get('app/src/internal.js')).toEqual(['required by /app/src/index.js:4']);
    expect(plan.kept.get(`${nm}/lib-b/esm/index.mjs`)).toEqual(['imported by /app/src/index.js:9']);
    expect(plan.kept.get('usr/lib/libaddon-dep.so.1')?.[0]).toMatch(/^DT_NEEDED of \/app\/node_modules\/addon\/build\/Release\/addon\.node/);
    expect(plan.kept.get(`${nm}/plugin-host/plugins/one.js`)).toEqual(['in the package of /app/node_modules/plugin-host/index.js, which requires a computed name (line 2)']);
    expect(plan.warnings).toContain('/app/node_modules/plugin-host/index.js:2: require of a computed name: the whole package /app/node_modules/plugin-host is kept');
    expect(plan.warnings).toContain('/app/src/index.js:10: cannot resolve "not-installed" (add --keep for it if it loads at run time)');
    expect(plan.warnings.find((w) => /npm runs as the container's main process/.test(w))).toBeDefined();
  });

  it('traces an ESM entry given to node directly', async () => {
    const layers = nodeImage();
    layers[1]!.push(js('app/main.mjs', "import { f } from 'lib-b';\nimport a from 'lib-a';\n"));
    const img = await buildImage(layers, { config: { Entrypoint: ['node', 'main.mjs'], WorkingDir: '/app', Env: ['PATH=/usr/local/bin:/usr/bin'] } });
    const image = await openImage(`oci:${writeDir(join(tmp, 'esm'), ociLayout(img, { refName: 'v1' }).files)}:v1`);
    const { plan } = await minify(image, { dryRun: true });
    expect(plan.kept.get('app/main.mjs')).toContain("entry module of node (the entrypoint)");
    expect(plan.kept.get('app/node_modules/lib-b/esm/index.mjs')).toEqual(['imported by /app/main.mjs:1']);
    expect(plan.kept.has('app/node_modules/lib-b/cjs/f.js')).toBe(false);
    expect(plan.kept.has('app/src/index.js')).toBe(false);
    expect(plan.kept.has('usr/local/lib/node_modules/npm/lib/cli.js')).toBe(false);
  });

  it('keeps the modules a Debian-built node names in its binary and loads from /usr/share/nodejs', async () => {
    const layers = nodeImage();
    const libnode = Buffer.concat([elfFile({ needed: ['libc.so.6'] }), Buffer.from('\0internal/deps/lexer\0/usr/share/nodejs/cjs-module-lexer/dist/lexer.js\0/usr/share/nodejs/missing/x.js\0')]);
    layers[0]!.push(
      file('usr/lib/libnode.so.108', libnode),
      file('usr/bin/node', elfFile({ interpreter: LOADER, needed: ['libnode.so.108', 'libc.so.6'] }), 0o755),
      dir('usr/share'), dir('usr/share/nodejs'), dir('usr/share/nodejs/cjs-module-lexer'), dir('usr/share/nodejs/cjs-module-lexer/dist'),
      js('usr/share/nodejs/cjs-module-lexer/dist/lexer.js', '1\n'),
      js('usr/share/nodejs/cjs-module-lexer/lexer.js', '1\n'),
    );
    const img = await buildImage(layers, { config: { Entrypoint: ['/usr/bin/node', 'src/index.js'], WorkingDir: '/app' } });
    const image = await openImage(`oci:${writeDir(join(tmp, 'debian-node'), ociLayout(img, { refName: 'v1' }).files)}:v1`);
    const { plan } = await minify(image, { dryRun: true });
    expect(plan.kept.get('usr/share/nodejs/cjs-module-lexer/dist/lexer.js')).toEqual(['named in /usr/lib/libnode.so.108, which loads it at start-up']);
    expect(plan.kept.has('usr/share/nodejs/cjs-module-lexer/lexer.js')).toBe(false);
  });
});
