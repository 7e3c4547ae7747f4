// Bundles the compiled CLI (dist/, after tsc) into one ESM file per command module, in
// dist/cli-bundle/: the command-line entry point (cli/main.js) with that one command and everything
// it can load, so that `bin/whittle.js build …` reads and compiles one file instead of
// about eighty modules (or, when a package is needed only by what the command loads on demand, one
// file and chunks of those parts: packagesOnlyOnDemand below). On Node 20 a short run (a warm `whittle build`) spent about as long loading
// its modules as doing its work, and a file per module cost more than the bytes did (measured in
// docs/build.md, Figures). Each bundle holds one command: the others are left out (a stub that
// fails if called; bin/whittle.js never loads a bundle for another command), and --help, --version
// and anything that names no command run from the modules in dist/cli/ (src/cli/startup.test.ts).
// The packages whittle depends on stay imports from node_modules (web-tree-sitter finds its wasm
// from there), except commander, which every command loads and which is plain JavaScript.
// The modules in dist/ stay as they are, for the library and the tests.
// Usage: node scripts/bundle.mjs (npm run build runs it after tsc).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = `${root}dist/cli/main.js`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => name !== 'commander');
// the command modules are what main's table loads on demand: import('./NAME.js')
const commands = [...new Set([...readFileSync(main, 'utf8').matchAll(/import\('\.\/([a-z-]+)\.js'\)/g)].map((m) => m[1]))];
if (commands.length === 0) throw new Error(`bundle: found no command module imported by ${main}`);

const out = `${root}dist/cli-bundle`;
rmSync(out, { recursive: true, force: true });

/** onlyCommand replaces every other command module main imports by a stub. */
const onlyCommand = (keep) => ({
  name: 'only-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) => {
      const name = args.path.slice(2, -3);
      if (args.importer !== main || !commands.includes(name) || name === keep) return undefined;
      return { path: name, namespace: 'left-out-command' };
    });
    b.onLoad({ filter: /.*/, namespace: 'left-out-command' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`whittle: the ${args.path} command is not in the ${keep} bundle (bin/whittle.js picks the bundle)`)});`,
      loader: 'js',
    }));
  },
});

/** options of a command's bundle: one file, or (split) one file and chunks of what it loads on demand. */
const optionsFor = (command, split) => ({
  entryPoints: [{ in: main, out: command }],
  outdir: out,
  ...(split ? { splitting: true, chunkNames: `${command}-chunks/[name]-[hash]` } : {}),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // not minified: the report's page is the source of functions of the bundle (Function.prototype.toString,
  // src/report/html.ts), which must keep their names and their references to each other
  minify: false,
  external,
  // commander is CommonJS: its require() calls of node builtins need a require in an ES module
  banner: { js: "import { createRequire as __whittleRequire } from 'node:module'; const require = __whittleRequire(import.meta.url);" },
  plugins: [onlyCommand(command)],
  logLevel: 'warning',
});

/**
 * packagesOnlyOnDemand lists the packages a one-file bundle would import at start although only a
 * module the command loads on demand (import()) needs them: an ES module's imports all load before
 * it runs, so in one file analyze loaded dockerfile-ast and web-tree-sitter (about 40 ms) for the
 * --dockerfile it was rarely given. The command's own module counts as loaded at start.
 */
function packagesOnlyOnDemand(metafile, command) {
  const inputs = metafile.inputs;
  const mainKey = Object.keys(inputs).find((k) => `${root}${k}` === main || k === main);
  const start = new Set();
  const visit = (path) => {
    if (path === undefined || start.has(path) || !inputs[path]) return;
    start.add(path);
    for (const i of inputs[path].imports) {
      if (i.external) continue;
      const own = path === mainKey && i.kind === 'dynamic-import' && i.original === `./${command}.js`;
      if (i.kind !== 'dynamic-import' || own) visit(i.path);
    }
  };
  visit(mainKey);
  const atStart = new Set();
  const all = new Set();
  for (const [path, input] of Object.entries(inputs)) {
    for (const i of input.imports) {
      // an import statement is hoisted to the bundle's start; import() and require() stay where they are
      if (!i.external || i.kind !== 'import-statement' || i.path.startsWith('node:')) continue;
      all.add(i.path);
      if (start.has(path)) atStart.add(i.path);
    }
  }
  return [...all].filter((p) => !atStart.has(p));
}

// A command is split into chunks only when that keeps a package from loading at start: split, a
// warm `whittle build` took about 15 ms more (its chunks cost more than one file's bytes), and
// `whittle analyze` of a small image about 25 ms less, `analyze --help` 40 ms (docs/build.md).
await Promise.all(
  commands.map(async (command) => {
    const probe = await build({ ...optionsFor(command, false), metafile: true, write: false });
    const onDemand = packagesOnlyOnDemand(probe.metafile, command);
    await build(optionsFor(command, onDemand.length > 0));
  }),
);
