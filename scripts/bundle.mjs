// Bundles the compiled CLI (dist/, after tsc) into one ESM file per command module, in
// dist/cli-bundle/: the command-line entry point (cli/main.js) with that one command and everything
// it can load, so that `bin/whittle.js build …` reads and compiles one file instead of
// about eighty modules. On Node 20 a short run (a warm `whittle build`) spent about as long loading
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

await Promise.all(
  commands.map((command) =>
    build({
      entryPoints: [main],
      outfile: `${out}/${command}.js`,
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
    }),
  ),
);
