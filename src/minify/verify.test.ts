import { describe, expect, it } from 'vitest';
import type { MergedRecord } from '../analyze/merge.js';
import type { FinalTree } from '../analyze/resolve.js';
import { missingFiles } from './missing.js';
import { differs, healthcheckOf, parseCheckHttp, splitWords, type Transcript } from './verify.js';

const rec = (type: MergedRecord['type'], linkTarget?: string): MergedRecord => ({ type, size: 1, mode: 0o644, uid: 0, gid: 0, layer: 0, linkTarget });
const tree: FinalTree = new Map<string, MergedRecord>([
  ['app', rec('dir')],
  ['app/data', rec('dir')],
  ['app/data/answer.txt', rec('file')],
  ['app/conf', rec('symlink', 'app/data')],
  ['app/node_modules', rec('dir')],
  ['app/node_modules/left-pad', rec('dir')],
  ['app/node_modules/left-pad/index.js', rec('file')],
  ['usr/lib/x86_64-linux-gnu/libz.so.1', rec('symlink', 'usr/lib/x86_64-linux-gnu/libz.so.1.2.13')],
  ['usr/lib/x86_64-linux-gnu/libz.so.1.2.13', rec('file')],
  ['my dir', rec('dir')],
  ['bin', rec('symlink', 'usr/bin')],
  ['usr/bin/sh', rec('file')],
  ['usr/bin/curl', rec('file')],
  ['my dir/x', rec('file')],
  ['usr/lib/python3/dist-packages/yaml', rec('dir')],
  ['usr/lib/python3/dist-packages/yaml/__init__.py', rec('file')],
  ['usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so', rec('file')],
  ['app/plugins.py', rec('file')],
]);

describe('missingFiles', () => {
  it.each([
    ['cat: /app/data/answer.txt: No such file or directory', 'file', '/app/data/answer.txt', ['/app/data/answer.txt'], '--keep /app/data/answer.txt'],
    ["Error: ENOENT: no such file or directory, open '/app/data/answer.txt'", 'file', '/app/data/answer.txt', ['/app/data/answer.txt'], '--keep /app/data/answer.txt'],
    ["node:fs:1: Error: ENOENT: no such file or directory, scandir 'data'", 'file', 'data', ['/app/data'], "--keep '/app/data/**'"],
    ["sh: 1: can't open '/app/data/answer.txt': No such file", 'file', '/app/data/answer.txt', ['/app/data/answer.txt'], '--keep /app/data/answer.txt'],
    ["Error: Cannot find module 'left-pad'\nRequire stack: ... code: 'MODULE_NOT_FOUND'", 'module', 'left-pad', ['/app/node_modules/left-pad'], "--keep '/app/node_modules/left-pad/**'"],
    ["Error: Cannot find module '/app/data/answer.txt'", 'file', '/app/data/answer.txt', ['/app/data/answer.txt'], '--keep /app/data/answer.txt'],
    ['/usr/bin/x: error while loading shared libraries: libz.so.1: cannot open shared object file: No such file or directory', 'library', 'libz.so.1', ['/usr/lib/x86_64-linux-gnu/libz.so.1'], '--keep /usr/lib/x86_64-linux-gnu/libz.so.1'],
    ['OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown', 'file', '/bin/sh', ['/usr/bin/sh'], '--keep /usr/bin/sh'],
    ['exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown', 'file', 'curl', ['/usr/bin/curl'], '--keep /usr/bin/curl'],
    ["ENOENT: no such file or directory, open '/my dir/x'", 'file', '/my dir/x', ['/my dir/x'], "--keep '/my dir/x'"],
    ["FileNotFoundError: [Errno 2] No such file or directory: '/app/data/answer.txt'", 'file', '/app/data/answer.txt', ['/app/data/answer.txt'], '--keep /app/data/answer.txt'],
    ["ModuleNotFoundError: No module named 'yaml'", 'module', 'yaml', ['/usr/lib/python3/dist-packages/yaml'], "--keep '/usr/lib/python3/dist-packages/yaml/**'"],
    ["ModuleNotFoundError: No module named '_ssl'", 'module', '_ssl', ['/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so'], '--keep /usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so'],
    ["ModuleNotFoundError: No module named 'plugins'", 'module', 'plugins', ['/app/plugins.py'], '--keep /app/plugins.py'],
  ])('%s', (output, kind, named, paths, keep) => {
    const found = missingFiles(output, tree, '/app').find((m) => m.kind === kind && m.named === named);
    expect(found).toEqual({ named, kind, paths, keep });
  });

  it('a file the original lacks too has no --keep', () => {
    expect(missingFiles('cat: /nope: No such file or directory', tree)).toEqual([{ named: '/nope', kind: 'file', paths: [], keep: null }]);
  });

  it('output naming nothing missing gives nothing', () => {
    expect(missingFiles('hello\nall fine', tree)).toEqual([]);
  });
});

describe('check flags', () => {
  it.each([
    ['8080/health', { port: 8080, path: '/health' }],
    ['80', { port: 80, path: '/' }],
    ['3000/a/b?x=1', { port: 3000, path: '/a/b?x=1' }],
  ])('--check-http %s', (text, want) => expect(parseCheckHttp(text)).toEqual(want));
  it.each(['x/health', '0/', '70000/', ''])('--check-http %j is refused', (text) => expect(() => parseCheckHttp(text)).toThrow(/expected PORT\/PATH/));

  it.each([
    ['node server.js --check', ['node', 'server.js', '--check']],
    [`sh -c 'cat /a && echo "x y"'`, ['sh', '-c', 'cat /a && echo "x y"']],
    [`echo "a \\"b\\"" ''`, ['echo', 'a "b"', '']],
  ])('--check-cmd %s', (text, want) => expect(splitWords(text)).toEqual(want));
  it('an unclosed quote is refused', () => expect(() => splitWords(`echo 'x`)).toThrow(/unclosed/));

  it('HEALTHCHECK forms', () => {
    expect(healthcheckOf({ config: { Healthcheck: { Test: ['CMD', 'curl', '-f', 'http://localhost/'] } } })).toEqual(['curl', '-f', 'http://localhost/']);
    expect(healthcheckOf({ config: { Healthcheck: { Test: ['CMD-SHELL', 'test -f /ok'] } } })).toEqual(['/bin/sh', '-c', 'test -f /ok']);
    expect(healthcheckOf({ config: { Healthcheck: { Test: ['NONE'] } } })).toBeNull();
    expect(healthcheckOf({ config: {} })).toBeNull();
  });
});

describe('differs', () => {
  const t = (o: Partial<Transcript>): Transcript => ({ command: [], exitCode: 0, stdout: '', stderr: '', ...o });
  it('compares exit status and stdout of a command, not stderr', () => {
    const check = { kind: 'cmd', args: ['x'] } as const;
    expect(differs(check, t({ stdout: 'a', stderr: 'w1' }), t({ stdout: 'a', stderr: 'w2' }))).toBeNull();
    expect(differs(check, t({ stdout: 'a' }), t({ stdout: 'b' }))).toMatch(/different output/);
    expect(differs(check, t({}), t({ exitCode: 1 }))).toBe('the command exited 0 in the original and 1 in the minified image');
  });
  it('compares status and body of an HTTP answer', () => {
    const check = { kind: 'http', port: 80, path: '/' } as const;
    expect(differs(check, t({ status: 200, body: 'x' }), t({ status: 200, body: 'x', stderr: 'other logs' }))).toBeNull();
    expect(differs(check, t({ status: 200, body: 'x' }), t({ status: null, body: '' }))).toBe('GET answered 200 from the original and nothing from the minified image');
    expect(differs(check, t({ status: 200, body: 'x' }), t({ status: 200, body: 'y' }))).toMatch(/different body/);
  });
});
