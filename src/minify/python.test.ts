import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elfFile } from '../../test/support/elf-writer.js';
import { buildImage, dir, file, ociLayout, symlink, writeDir, type TarMember } from '../../test/support/image-writer.js';
import { writeLdCache } from '../elf/ld-cache.js';
import { openImage } from '../transports/open.js';
import type { ImageConfig } from '../image/spec.js';
import { minify } from './index.js';
import { entryPointOf, parsePythonArgs } from './python.js';
import { scanPython } from './python-scan.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-python-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scanPython', () => {
  it.each([
    ['import os, sys as s\nimport a.b.c', [['os', 0, ''], ['sys', 0, ''], ['a.b.c', 0, '']], []],
    ['from x.y import (a,\n    b as c)\nfrom . import d\nfrom ..e import *', [['x.y', 0, 'a b'], ['', 1, 'd'], ['e', 2, '*']], []],
    ['try: import ujson as json\nexcept ImportError: import json', [['ujson', 0, ''], ['json', 0, '']], []],
    ['x = 1; import z', [['z', 0, '']], []],
    ['from a \\\n  import b', [['a', 0, 'b']], []],
    ['s = "import no"\nt = """\nimport no2\n"""\n# import no3\nr = rb\'from no4 import x\'', [], []],
    ['def f():\n    import inside\n', [['inside', 0, '']], []],
    ["m = importlib.import_module('pkg.mod')\n__import__(\"other\")", [['pkg.mod', 0, ''], ['other', 0, '']], []],
    ['importlib.import_module(name)\n__import__("a" + b)\ndef import_module(name): pass', [], [1, 2]],
    ['if TYPE_CHECKING:\n    import only_types\nelse:\n    import at_runtime\nif t.TYPE_CHECKING: import nor_this\nimport after', [['at_runtime', 0, ''], ['after', 0, '']], []],
    ['raise X from Y\nyield from g()\nfrom_ = 1', [], []],
    ['\ufeffimport bom_first\r\nimport crlf\r\n', [['bom_first', 0, ''], ['crlf', 0, '']], []],
  ] as const)('%s', (src, expected, computed) => {
    const r = scanPython(src);
    expect(r.imports.map((i) => [i.module, i.level, i.names.join(' ')])).toEqual(expected);
    expect(r.computed).toEqual(computed);
  });

  it('marks imports under `if __name__ == "__main__":` and gives line numbers across continuations and strings', () => {
    const r = scanPython('"""doc\nstring"""\nimport a\nx = (1,\n  2)\nif __name__ == "__main__":\n    import b\n    import c\nimport d\n');
    expect(r.imports.map((i) => [i.module, i.line, i.mainOnly ?? false])).toEqual([
      ['a', 3, false],
      ['b', 7, true],
      ['c', 8, true],
      ['d', 9, false],
    ]);
  });
});

describe('parsePythonArgs', () => {
  it.each([
    [['app.py', '-x'], { script: 'app.py', rest: ['-x'] }],
    [['-u', '-W', 'ignore', '/app/main.py'], { script: '/app/main.py', flags: ['u'], rest: [] }],
    [['-m', 'http.server', '8000'], { module: 'http.server', rest: ['8000'] }],
    [['-Im', 'pkg'], { module: 'pkg', flags: ['I'], rest: [] }],
    [['-c', 'import x'], { command: 'import x', rest: [] }],
    [['-SE'], { flags: ['S', 'E'] }],
  ] as const)('%j', (args, expected) => {
    const r = parsePythonArgs(args);
    expect({ ...r, flags: [...r.flags] }).toEqual({ flags: [], ...expected });
  });
});

describe('entryPointOf', () => {
  const ini = '[console_scripts]\nflask = flask.cli:main\n\n[gui_scripts]\nflask = other:main\n[flask.commands]\nroutes = flask.cli:routes [extra]\n';
  it.each([
    ['console_scripts', 'flask', 'flask.cli'],
    ['gui_scripts', 'flask', 'other'],
    ['flask.commands', 'routes', 'flask.cli'],
    ['console_scripts', 'missing', null],
  ])('[%s] %s → %s', (group, name, expected) => {
    expect(entryPointOf(ini, group, name)).toBe(expected);
  });
});

const LOADER = '/lib64/ld-linux-x86-64.so.2';
const STD = 'usr/lib/python3.11';
const DIST = 'usr/lib/python3/dist-packages';
const EXT = 'cpython-311-x86_64-linux-gnu.so';

/** withDirs adds a directory entry for every parent of the members, first. */
function withDirs(members: TarMember[]): TarMember[] {
  const dirs = new Set<string>();
  for (const m of members) {
    const parts = m.name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const own = new Set(members.map((m) => m.name));
  return [...[...dirs].filter((d) => !own.has(d)).sort().map((d) => dir(d)), ...members];
}

/** pythonImage is a Debian-like Python: /usr/bin/python3 -> python3.11, its stdlib, dist-packages and an app. */
function pythonImage(): TarMember[] {
  return withDirs([
    symlink('lib64', 'usr/lib64'),
    file('usr/lib64/ld-linux-x86-64.so.2', elfFile({ static: true }), 0o755),
    file('usr/lib/libc.so.6', elfFile({})),
    file('usr/lib/libz.so.1', elfFile({ needed: ['libc.so.6'] })),
    file('usr/lib/libexpat.so.1', elfFile({ needed: ['libc.so.6'] })),
    file('usr/bin/python3.11', elfFile({ interpreter: LOADER, needed: ['libz.so.1', 'libc.so.6'] }), 0o755),
    symlink('usr/bin/python3', 'python3.11'),
    file('usr/bin/env', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }), 0o755),
    // the standard library
    file(`${STD}/os.py`, 'import abc, sys, stat\nfrom _collections_abc import _check_methods\nimport posixpath as path\n'),
    file(`${STD}/site.py`, 'import sys\nimport os\nimport builtins\nimport _sitebuiltins\n'),
    file(`${STD}/_sitebuiltins.py`, 'import sys\n'),
    ...['codecs', 'io', 'abc', 'stat', 'genericpath', '_collections_abc'].map((m) => file(`${STD}/${m}.py`, 'import sys\n')),
    file(`${STD}/posixpath.py`, 'import os\nimport genericpath\nfrom genericpath import *\n'),
    file(`${STD}/__pycache__/os.cpython-311.pyc`, 'bytecode'),
    file(`${STD}/__pycache__/os.cpython-310.pyc`, 'old bytecode'),
    file(`${STD}/__pycache__/unused.cpython-311.pyc`, 'bytecode'),
    file(`${STD}/unused.py`, 'import json\n'),
    file(`${STD}/_sysconfigdata__x86_64-linux-gnu.py`, 'build_time_vars = {}\n'),
    symlink(`${STD}/sitecustomize.py`, '/etc/python3.11/sitecustomize.py'),
    file('etc/python3.11/sitecustomize.py', 'import apport_hook_missing\n'),
    file(`${STD}/encodings/__init__.py`, 'import codecs\nfrom . import aliases\ndef search(n):\n    return __import__("encodings." + n)\n'),
    file(`${STD}/encodings/aliases.py`, 'aliases = {}\n'),
    file(`${STD}/encodings/utf_8.py`, 'import codecs\n'),
    file(`${STD}/encodings/euc_jp.py`, 'import _codecs_jp, codecs\n'),
    file(`${STD}/lib-dynload/_codecs_jp.${EXT}`, elfFile({ needed: ['libc.so.6'] })),
    file(`${STD}/lib-dynload/pyexpat.${EXT}`, elfFile({ needed: ['libexpat.so.1', 'libc.so.6'] })),
    file(`${STD}/lib-dynload/_unused.${EXT}`, elfFile({ needed: ['libc.so.6'] })),
    file(`${STD}/json/__init__.py`, 'from .decoder import JSONDecoder\n'),
    file(`${STD}/json/decoder.py`, 'import re\ntry:\n    from _json import scanstring\nexcept ImportError:\n    scanstring = None\n'),
    file(`${STD}/json/tool.py`, 'import argparse\n'),
    file(`${STD}/json/__pycache__/decoder.cpython-311.pyc`, 'bytecode'),
    file(`${STD}/re.py`, 'import enum\nif __name__ == "__main__":\n    import doctest\n'),
    file(`${STD}/enum.py`, 'import sys\n'),
    file(`${STD}/pkgutil.py`, 'def load(name):\n    return __import__(name)\n'),
    file(`${STD}/doctest.py`, 'import unittest\n'),
    file(`${STD}/xml/__init__.py`, ''),
    file(`${STD}/xml/parsers/__init__.py`, ''),
    file(`${STD}/xml/parsers/expat.py`, 'from pyexpat import *\n'),
    // dist-packages
    file(`${DIST}/webby/__init__.py`, 'from . import views\nfrom .helpers import h\nfrom ._speedups import fast\nimport typing as t\nif t.TYPE_CHECKING:\n    import typing_only\n'),
    file(`${DIST}/webby/views.py`, 'from xml.parsers import expat\n'),
    file(`${DIST}/webby/helpers.py`, 'from .. import nothing_above\n'),
    file(`${DIST}/webby/unused.py`, ''),
    file(`${DIST}/webby/_speedups.${EXT}`, elfFile({ needed: ['libc.so.6'] })),
    file(`${DIST}/webby/templates/page.html`, '<p>'),
    file(`${DIST}/Webby-2.0.egg-info/top_level.txt`, 'webby\n'),
    file(`${DIST}/Webby-2.0.egg-info/PKG-INFO`, 'Name: Webby\n'),
    file(`${DIST}/PyYAML-6.0.dist-info/top_level.txt`, '_yaml\nyaml\n'),
    file(`${DIST}/PyYAML-6.0.dist-info/METADATA`, 'Name: PyYAML\n'),
    file(`${DIST}/yaml/__init__.py`, ''),
    file(`${DIST}/other-1.0.dist-info/RECORD`, 'other.py,sha256=x,1\nother-1.0.dist-info/METADATA,,\n'),
    file(`${DIST}/other.py`, ''),
    file(`${DIST}/plugins/__init__.py`, 'import importlib\ndef load(name):\n    return importlib.import_module(name)\n'),
    file(`${DIST}/plugins/extra.py`, 'import enum\n'),
    file(`${DIST}/plugins/data.txt`, 'data'),
    file(`${DIST}/nsroot/ns/mod.py`, ''),
    file(`${DIST}/extra.pth`, '# a comment\nextradir\nimport pthhook\n'),
    file(`${DIST}/extradir/fromextra.py`, ''),
    file(`${DIST}/pthhook.py`, ''),
    // the app
    file('app/app.py', [
      'import json, os.path',
      'from webby import views as v, helpers',
      'from nsroot.ns import mod',
      'import yaml',
      'import missing_mod',
      'x = "import notthis"  # import notthis2',
      'import fromextra',
      'import local_helper',
      'import pkgutil',
      "if __name__ == '__main__':",
      '    import plugins',
    ].join('\n') + '\n'),
    file('app/local_helper.py', 'import sys\n'),
    file('app/unused_local.py', 'import enum\n'),
    file('app/templates/index.html', '<p>'),
    file('app/.git/HEAD', 'ref'),
  ]);
}

async function plan(name: string, config: NonNullable<ImageConfig['config']>, extra: TarMember[] = []) {
  const img = await buildImage([pythonImage(), withDirs(extra)], { config: { Env: ['PATH=/usr/local/bin:/usr/bin'], ...config } });
  const image = await openImage(`oci:${writeDir(join(tmp, name), ociLayout(img, { refName: 'v1' }).files)}:v1`);
  return (await minify(image, { dryRun: true })).plan;
}

describe('the Python tracer', () => {
  it('follows the import graph from the entry script on the sys.path of the image (Debian layout)', async () => {
    const p = await plan('debian', { Cmd: ['python3', '/app/app.py'] });
    const kept = [...p.kept.keys()];
    for (const path of [
      'usr/bin/python3', 'usr/bin/python3.11', 'usr/lib/libz.so.1', 'app/app.py', 'app/local_helper.py',
      `${STD}/os.py`, `${STD}/__pycache__/os.cpython-311.pyc`, `${STD}/site.py`, `${STD}/_sitebuiltins.py`, `${STD}/posixpath.py`, `${STD}/genericpath.py`,
      `${STD}/sitecustomize.py`, 'etc/python3.11/sitecustomize.py', `${STD}/_sysconfigdata__x86_64-linux-gnu.py`,
      `${STD}/encodings/__init__.py`, `${STD}/encodings/utf_8.py`, `${STD}/encodings/euc_jp.py`, `${STD}/lib-dynload/_codecs_jp.${EXT}`,
      `${STD}/json/__init__.py`, `${STD}/json/decoder.py`, `${STD}/json/__pycache__/decoder.cpython-311.pyc`, `${STD}/re.py`, `${STD}/enum.py`,
      `${STD}/xml/parsers/expat.py`, `${STD}/lib-dynload/pyexpat.${EXT}`, 'usr/lib/libexpat.so.1',
      `${DIST}/webby/__init__.py`, `${DIST}/webby/views.py`, `${DIST}/webby/helpers.py`, `${DIST}/webby/_speedups.${EXT}`,
      `${DIST}/Webby-2.0.egg-info/PKG-INFO`, `${DIST}/Webby-2.0.egg-info/top_level.txt`, `${DIST}/PyYAML-6.0.dist-info/METADATA`, `${DIST}/yaml/__init__.py`,
      `${DIST}/nsroot/ns/mod.py`, `${DIST}/extra.pth`, `${DIST}/pthhook.py`, `${DIST}/extradir/fromextra.py`,
      `${DIST}/plugins/__init__.py`, `${DIST}/plugins/extra.py`, `${DIST}/plugins/data.txt`,
    ]) expect(kept, path).toContain(path);
    for (const path of [
      `${STD}/unused.py`, `${STD}/__pycache__/unused.cpython-311.pyc`, `${STD}/__pycache__/os.cpython-310.pyc`, `${STD}/json/tool.py`, `${STD}/doctest.py`,
      `${STD}/lib-dynload/_unused.${EXT}`, `${DIST}/webby/unused.py`, `${DIST}/webby/templates/page.html`, `${DIST}/other.py`, `${DIST}/other-1.0.dist-info/RECORD`,
      'usr/bin/env', 'app/.git/HEAD',
    ]) expect(kept, path).not.toContain(path);
    // a computed import outside the standard library keeps the app's directory whole (frameworks load its modules and templates by name)
    const whole = "in the app's directory (sys.path[0]), kept whole: /usr/lib/python3/dist-packages/plugins/__init__.py:3 imports a computed name";
    expect(p.kept.get('app/templates/index.html')).toEqual([whole]);
    expect(p.kept.get('app/unused_local.py')).toEqual([whole]);
    expect(p.warnings).toContain("/usr/lib/python3/dist-packages/plugins/__init__.py:3: import of a computed name outside the standard library: the app's directory /app is kept whole");
    expect(p.kept.get('app/app.py')).toContain('the entry of /usr/bin/python3.11 (the entrypoint)');
    expect(p.kept.get(`${DIST}/webby/views.py`)).toEqual(['imported by /usr/lib/python3/dist-packages/webby/__init__.py:1', 'imported by /app/app.py:2']);
    expect(p.kept.get(`${STD}/json/decoder.py`)).toEqual(['imported by /usr/lib/python3.11/json/__init__.py:1']);
    expect(p.kept.get(`${STD}/site.py`)).toEqual(['Python start-up module (/usr/bin/python3.11)']);
    expect(p.kept.get(`${DIST}/webby/_speedups.${EXT}`)).toEqual(['extension module webby._speedups (imported by /usr/lib/python3/dist-packages/webby/__init__.py:3)']);
    expect(p.kept.get('usr/lib/libexpat.so.1')?.[0]).toMatch(/^DT_NEEDED of \/usr\/lib\/python3\.11\/lib-dynload\/pyexpat/);
    expect(p.kept.get(`${DIST}/PyYAML-6.0.dist-info/METADATA`)).toEqual(['metadata of the distribution of yaml, read by importlib.metadata (/usr/bin/python3.11)']);
    expect(p.kept.get(`${DIST}/plugins/extra.py`)).toEqual(['in the package of /usr/lib/python3/dist-packages/plugins/__init__.py, which imports a computed name (line 3)']);
    expect(p.warnings).toContain('/usr/lib/python3/dist-packages/plugins/__init__.py:3: import of a computed name: the whole package /usr/lib/python3/dist-packages/plugins is kept');
    expect(p.warnings).toContain('/app/app.py:5: cannot find module "missing_mod" on /usr/bin/python3.11\'s sys.path (add --keep for it if it loads at run time)');
    // the standard library's own computed imports outside packages are one warning
    expect(p.warnings).toContain('/usr/bin/python3.11: 1 module of the standard library imports computed names (/usr/lib/python3.11/pkgutil.py:2): what they import at run time is not known (add --keep for it)');
    // optional imports of the standard library and site-packages are not warned about
    expect(p.warnings.filter((w) => /_json|typing_only|apport|nothing_above/.test(w))).toEqual([]);
  });

  it('runs a console script in a virtual environment on the venv\'s own site-packages', async () => {
    const venv = 'opt/venv';
    const p = await plan('venv', { Entrypoint: ['/opt/venv/bin/tool'], Cmd: ['serve'] }, [
      file(`${venv}/pyvenv.cfg`, 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n'),
      symlink(`${venv}/bin/python`, '/usr/bin/python3.11'),
      file(`${venv}/bin/tool`, '#!/opt/venv/bin/python\nimport sys\nfrom toolpkg.cli import main\nimport webby\nsys.exit(main())\n', 0o755),
      file(`${venv}/lib/python3.11/site-packages/toolpkg/__init__.py`, ''),
      file(`${venv}/lib/python3.11/site-packages/toolpkg/cli.py`, 'import json\nimport importlib\nplugin = importlib.import_module(sys.argv[1])\n'),
      file(`${venv}/bin/activate`, '# sourced by a shell\n'),
      file(`${venv}/lib/python3.11/site-packages/toolpkg-1.0.dist-info/entry_points.txt`, '[console_scripts]\ntool = toolpkg.cli:main\n'),
    ]);
    const kept = [...p.kept.keys()];
    for (const path of [`${venv}/bin/tool`, `${venv}/bin/python`, `${venv}/pyvenv.cfg`, `${venv}/lib/python3.11/site-packages/toolpkg/cli.py`, `${venv}/lib/python3.11/site-packages/toolpkg-1.0.dist-info/entry_points.txt`, `${STD}/json/decoder.py`]) {
      expect(kept, path).toContain(path);
    }
    expect(p.kept.get(`${venv}/pyvenv.cfg`)).toEqual(['pyvenv.cfg of the virtual environment /usr/bin/python3.11 starts in']);
    // the system's dist-packages are not on the venv's sys.path
    expect(kept).not.toContain(`${DIST}/webby/__init__.py`);
    expect(kept).not.toContain(`${DIST}/extra.pth`);
    // a computed import: the venv's bin (sys.path[0] of the console script) is not the app's directory
    expect(kept).not.toContain(`${venv}/bin/activate`);
    expect(p.warnings).toContain('/opt/venv/bin/tool:4: cannot find module "webby" on /usr/bin/python3.11\'s sys.path (add --keep for it if it loads at run time)');
  });

  it('follows a setuptools console script to the entry point its distribution names, and Python files and module:attr in its arguments', async () => {
    const script = [
      '#!/usr/bin/python3',
      "# EASY-INSTALL-ENTRY-SCRIPT: 'Webby==2.0','console_scripts','webby'",
      'import re',
      'import sys',
      'from importlib.metadata import distribution',
      "if __name__ == '__main__':",
      "    sys.exit(load_entry_point('Webby==2.0', 'console_scripts', 'webby')())",
    ].join('\n');
    const p = await plan('console', { Entrypoint: ['webby', '--app=/app/served.py', 'wsgi:application'], WorkingDir: '/srv' }, [
      file('usr/bin/webby', script, 0o755),
      file(`${DIST}/Webby-2.0.egg-info/entry_points.txt`, '[console_scripts]\nwebby = webby.cli:main\n'),
      file(`${DIST}/webby/cli.py`, 'import json\n'),
      file('app/served.py', 'import served_helper\n'),
      file('app/served_helper.py', ''),
      file('srv/wsgi.py', 'import yaml\n'),
    ]);
    expect(p.kept.get(`${DIST}/webby/cli.py`)).toEqual(['entry point console_scripts/webby of Webby, loaded by /usr/bin/webby:7']);
    expect(p.kept.get(`${DIST}/Webby-2.0.egg-info/entry_points.txt`)).toContain('entry points of Webby, read by /usr/bin/webby:7');
    expect(p.kept.get('app/served.py')).toContain('named in the arguments of /usr/bin/python3.11 (interpreter (#!) of /usr/bin/webby)');
    expect(p.kept.get('app/served_helper.py')).toEqual(['imported by /app/served.py:1']);
    expect(p.kept.get('srv/wsgi.py')).toEqual(['named in the arguments of /usr/bin/python3.11 (interpreter (#!) of /usr/bin/webby)']);
    expect(p.kept.has(`${DIST}/yaml/__init__.py`)).toBe(true);
  });

  it("finds python.org's layout: /usr/local prefix, libpython, site-packages, the version from the standard library beside an unversioned name", async () => {
    const L = 'usr/local/lib/python3.12';
    const layers = withDirs([
      symlink('lib64', 'usr/lib64'),
      file('usr/lib64/ld-linux-x86-64.so.2', elfFile({ static: true }), 0o755),
      file('usr/lib/libc.so.6', elfFile({})),
      file('usr/local/lib/libpython3.12.so.1.0', elfFile({ needed: ['libc.so.6'] })),
      file('usr/local/bin/python3', elfFile({ interpreter: LOADER, needed: ['libpython3.12.so.1.0', 'libc.so.6'], runpath: '/usr/local/lib' }), 0o755),
      symlink('usr/local/bin/python', 'python3'),
      ...['os', 'site', 'codecs', 'io', 'abc', 'stat', 'posixpath', 'genericpath', '_collections_abc', '_sitebuiltins', 'unused'].map((m) => file(`${L}/${m}.py`, '')),
      file(`${L}/encodings/__init__.py`, ''),
      file(`${L}/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so`, elfFile({ needed: ['libc.so.6'] })),
      file(`${L}/ssl.py`, 'import _ssl\n'),
      file(`${L}/site-packages/requestsish/__init__.py`, 'import ssl\n'),
      file(`${L}/site-packages/requestsish-1.0.dist-info/METADATA`, 'Name: requestsish\n'),
      file(`${L}/site-packages/unusedpkg/__init__.py`, ''),
      file('srv/app.py', 'import requestsish\n'),
    ]);
    const img = await buildImage([layers], { config: { Cmd: ['python', 'app.py'], WorkingDir: '/srv', Env: ['PATH=/usr/local/bin:/usr/bin'] } });
    const image = await openImage(`oci:${writeDir(join(tmp, 'python-org'), ociLayout(img, { refName: 'v1' }).files)}:v1`);
    const { plan: p } = await minify(image, { dryRun: true });
    const kept = [...p.kept.keys()];
    for (const path of ['usr/local/bin/python', 'usr/local/bin/python3', 'usr/local/lib/libpython3.12.so.1.0', 'srv/app.py', `${L}/site-packages/requestsish/__init__.py`, `${L}/site-packages/requestsish-1.0.dist-info/METADATA`, `${L}/ssl.py`, `${L}/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so`, `${L}/encodings/__init__.py`]) {
      expect(kept, path).toContain(path);
    }
    for (const path of [`${L}/unused.py`, `${L}/site-packages/unusedpkg/__init__.py`]) expect(kept, path).not.toContain(path);
    expect(p.kept.get(`${L}/site.py`)).toEqual(['Python start-up module (/usr/local/bin/python3)']);
  });

  it("finds what Debian's pip installs as root: /usr/local/lib/python3.X/dist-packages first, a top-level C extension and the library it links (ld.so.cache)", async () => {
    // the Flask app of test/engine/variants-apps.test.ts: `pip install -r requirements.txt ./ext` as root on Debian's python3,
    // `python3 app.py` in WorkingDir /app; the extension links libffi, found in the multiarch directory through the cache
    const LOCAL = 'usr/local/lib/python3.11/dist-packages';
    const ML = 'usr/lib/x86_64-linux-gnu';
    const p = await plan('pip-local', { Cmd: ['python3', 'app.py'], WorkingDir: '/app' }, [
      file(`${ML}/libffi.so.8.1.2`, elfFile({ needed: ['libc.so.6'] })),
      symlink(`${ML}/libffi.so.8`, 'libffi.so.8.1.2'),
      file(`${ML}/libunused.so.1`, elfFile({ needed: ['libc.so.6'] })),
      file('etc/ld.so.cache', writeLdCache([
        { name: 'libffi.so.8', path: `/${ML}/libffi.so.8`, flags: 0x0303 },
        { name: 'libunused.so.1', path: `/${ML}/libunused.so.1`, flags: 0x0303 },
      ])),
      file(`${LOCAL}/fastffi.${EXT}`, elfFile({ needed: ['libffi.so.8', 'libc.so.6'] })),
      file(`${LOCAL}/fastffi-1.0.dist-info/METADATA`, 'Name: fastffi\n'),
      file(`${LOCAL}/flaskish/__init__.py`, 'from .app import Flask\n'),
      file(`${LOCAL}/flaskish/app.py`, 'import json\nimport webby\n'),
      file(`${LOCAL}/flaskish-2.2.2.dist-info/RECORD`, 'flaskish/__init__.py,,\nflaskish/app.py,,\n'),
      // pip's copy of webby shadows Debian's: /usr/local comes first on sys.path
      file(`${LOCAL}/webby/__init__.py`, 'import enum\n'),
      file('app/app.py', 'import fastffi\nfrom flaskish import Flask\n'),
      // the build tree pip left in the context copy, and the wheels: not on sys.path
      file(`app/ext/build/lib.linux-x86_64-cpython-311/fastffi.${EXT}`, elfFile({ needed: ['libffi.so.8', 'libc.so.6'] })),
      file('app/ext/fastffi.c', '#include <ffi.h>\n'),
      file('app/wheels/flaskish-2.2.2-py3-none-any.whl', 'PK'),
    ]);
    const kept = [...p.kept.keys()];
    for (const path of [
      'app/app.py', `${LOCAL}/fastffi.${EXT}`, `${ML}/libffi.so.8`, `${ML}/libffi.so.8.1.2`, `${LOCAL}/flaskish/__init__.py`, `${LOCAL}/flaskish/app.py`,
      `${LOCAL}/webby/__init__.py`, `${STD}/json/__init__.py`, `${STD}/encodings/__init__.py`, `${STD}/encodings/utf_8.py`, `${STD}/os.py`, `${STD}/site.py`,
      'usr/bin/python3.11', 'usr/lib/libc.so.6',
    ]) expect(kept, path).toContain(path);
    for (const path of [`${DIST}/webby/__init__.py`, `${DIST}/webby/views.py`, `app/ext/build/lib.linux-x86_64-cpython-311/fastffi.${EXT}`, 'app/ext/fastffi.c', 'app/wheels/flaskish-2.2.2-py3-none-any.whl', `${ML}/libunused.so.1`]) {
      expect(kept, path).not.toContain(path);
    }
    expect(p.kept.get(`${LOCAL}/fastffi.${EXT}`)).toEqual(['extension module fastffi (imported by /app/app.py:1)']);
    expect(p.kept.get(`${ML}/libffi.so.8`)?.[0]).toBe(`symlink on the way to /${ML}/libffi.so.8.1.2`);
    expect(p.kept.get(`${ML}/libffi.so.8.1.2`)).toEqual([`DT_NEEDED of /${LOCAL}/fastffi.${EXT} (found through ld.so.cache)`]);
    expect(p.kept.get(`${LOCAL}/webby/__init__.py`)).toEqual(['imported by /usr/local/lib/python3.11/dist-packages/flaskish/app.py:2']);
  });

  it('runs -m from the working directory and keeps the whole standard library for a compiled-only entry', async () => {
    const m = await plan('dash-m', { Cmd: ['python3', '-m', 'svc'], WorkingDir: '/srv', Env: ['PATH=/usr/bin', 'PYTHONPATH=/libs'] }, [
      file('srv/svc/__init__.py', ''),
      file('srv/svc/__main__.py', 'import fromlibs\n'),
      file('srv/notes.txt', 'not imported, no computed import: not kept'),
      file('libs/fromlibs.py', ''),
    ]);
    for (const path of ['srv/svc/__init__.py', 'srv/svc/__main__.py', 'libs/fromlibs.py']) expect([...m.kept.keys()], path).toContain(path);
    expect(m.kept.has(`${STD}/unused.py`)).toBe(false);
    expect(m.kept.has('srv/notes.txt')).toBe(false);

    const c = await plan('compiled', { Cmd: ['python3', '/app/app.pyc'] }, [file('app/app.pyc', Buffer.from([0xa7, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]))]);
    for (const path of [`${STD}/unused.py`, `${STD}/json/tool.py`, `${STD}/lib-dynload/_unused.${EXT}`, `${DIST}/other.py`, 'app/app.pyc']) expect([...c.kept.keys()], path).toContain(path);
    expect(c.warnings).toContain('/usr/bin/python3.11: its script /app/app.pyc is compiled or zipped, not Python source: the whole standard library and site-packages are kept');
  });

  it('reads the sources it follows from the scan\'s spool as it reaches them: the layers are read again only for programs, not once per link of an import chain', async () => {
    // app.py → chain.a → chain.b → chain.c → chain.d, each a level the closure could only see once the one before was read
    const chain = ['a', 'b', 'c', 'd'].map((m, i, all) => file(`${DIST}/chain/${m}.py`, i + 1 < all.length ? `from chain import ${all[i + 1]}\n` : 'import json\n'));
    const img = await buildImage([pythonImage(), withDirs([file('app/app.py', 'import chain.a\n'), file(`${DIST}/chain/__init__.py`, ''), ...chain])], { config: { Cmd: ['python3', '/app/app.py'] } });
    const image = await openImage(`oci:${writeDir(join(tmp, 'spooled'), ociLayout(img, { refName: 'v1' }).files)}:v1`);
    let reads = 0;
    const counted = new Proxy(image, {
      get(target, prop) {
        if (prop !== 'layers') return Reflect.get(target, prop, target);
        return async () => (await target.layers()).map((l) => Object.assign(Object.create(l) as typeof l, { read: () => (reads++, l.read()) }));
      },
    });
    const { plan: p } = await minify(counted, { dryRun: true });
    for (const m of ['a', 'b', 'c', 'd']) expect(p.kept.get(`${DIST}/chain/${m}.py`)).toBeDefined();
    expect(p.kept.has(`${STD}/json/decoder.py`)).toBe(true);
    // the scan (two layers), then python3.11's ELF facts and those of the extension modules in dist-packages
    expect(reads).toBeLessThanOrEqual(4);
  });

  it('follows the imports of python -c CODE', async () => {
    const p = await plan('why', { Cmd: ['python3', '-c', 'import json'] });
    expect(p.kept.get(`${STD}/json/__init__.py`)).toEqual(['imported by /usr/bin/python3.11 -c:1']);
    expect(p.kept.has(`${DIST}/webby/__init__.py`)).toBe(false);
  });
});
