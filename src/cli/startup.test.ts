// What `whittle --help` and `whittle --version` load: the command list comes from the summaries, so
// no command module (nor the linter or image code they import) is loaded for them; and each summary
// is the description the command's own help shows. A command runs from its bundle (scripts/bundle.mjs:
// one file, and chunks of what it loads on demand), not from the modules of dist/. Runs the built CLI (npm test builds dist/).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SUMMARIES } from './summaries.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'whittle.js');
const tmp = mkdtempSync(join(tmpdir(), 'whittle-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** loadedModules runs the CLI with a module hook that records every dist/ module it loads. */
function loadedModules(...args: string[]): string[] {
  return loadedFiles(...args).filter((u) => u.includes('/dist/')).map((u) => u.replace(/^.*\/dist\//, ''));
}

/** loadedFiles runs the CLI with a module hook that records every file: module it loads but bin/whittle.js. */
function loadedFiles(...args: string[]): string[] {
  const log = join(tmp, `loaded-${args.join('_')}.txt`);
  const hooks = join(tmp, 'hooks.mjs');
  writeFileSync(hooks, "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.WHITTLE_LOAD_LOG, url + '\\n');\n  return next(url, context);\n}\n");
  writeFileSync(log, '');
  const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, bin, ...args], { encoding: 'utf8', env: { ...process.env, WHITTLE_LOAD_LOG: log } });
  expect(r.status).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:') && !u.endsWith('/bin/whittle.js'));
}

describe('whittle --help and --version', () => {
  it.each([['--help'], ['--version']])('%s loads no command module', (flag) => {
    const loaded = loadedModules(flag);
    expect(loaded).toContain('cli/main.js');
    // internal/cleanup.js: the signal handlers every run installs first (node:fs only); escape-text and name-bytes: error lines
    expect(loaded.filter((m) => !['cli/main.js', 'cli/help.js', 'cli/summaries.js', 'errors.js', 'internal/cleanup.js', 'internal/escape-text.js', 'internal/name-bytes.js'].includes(m))).toEqual([]);
  });

  it('lists every command by the description its own help shows', () => {
    // help wraps at the terminal's width: compare with whitespace runs collapsed
    const flat = (s: string) => s.replace(/\s+/g, ' ');
    const top = flat(spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout);
    for (const [name, summary] of Object.entries(SUMMARIES)) {
      expect(top).toContain(` ${name} ${summary} `);
      expect(flat(spawnSync(process.execPath, [bin, name, '--help'], { encoding: 'utf8' }).stdout)).toContain(` ${summary} `);
    }
  });
});

describe('a command', () => {
  it.each([
    [['build', '--help'], 'build'],
    [['help', 'build'], 'build'],
    [['rules', '--help'], 'lint'], // rules is registered by the lint module
    [['ls', '--help'], 'ls'],
  ])('%j runs from the %s bundle and its chunks, no module of dist/ besides', (args, bundle) => {
    const loaded = loadedModules(...args);
    expect(loaded[0]).toBe(`cli-bundle/${bundle}.js`);
    expect(loaded.filter((m) => !m.startsWith(`cli-bundle/${bundle}-chunks/`)).slice(1)).toEqual([]);
  });

  it('analyze loads neither the Dockerfile parser nor the shell grammar unless --dockerfile asks for them', () => {
    // they are imported only by what --dockerfile loads on demand: a bundle in one file imported them at start
    const packages = loadedFiles('analyze', '--help').filter((u) => u.includes('/node_modules/'));
    expect(packages.filter((u) => /\/node_modules\/(dockerfile-ast|web-tree-sitter|tree-sitter-bash)\//.test(u))).toEqual([]);
  });

  it('build loads nothing from node_modules for its help: commander is in the bundle', () => {
    expect(loadedFiles('build', '--help').filter((u) => u.includes('/node_modules/'))).toEqual([]);
  });
});
