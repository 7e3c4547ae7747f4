#!/usr/bin/env node
// A command runs from its bundle (one file: the entry point and that command, made by
// scripts/bundle.mjs), which loads in a fraction of the time of the modules it is made of; --help,
// --version and anything that names no command run from the modules in dist/cli/. The command word
// is found as cli/main.ts finds it (the first word, or the one after `help`), so the bundle holds
// the command main will run.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// After a full collection V8 lets the old generation grow to a multiple of what survived (up to 4×)
// before the next one. An analysis keeps most of what it allocates (one record per path), so that
// headroom is garbage held for nothing: on 300,000 entries it took the peak from about 240 MB to
// 280 MB, over the 256 MB bound of docs/security.md, for no time saved (bench/analyze.mjs).
// 1.5× keeps the peak under it; set before anything is allocated.
setFlagsFromString('--heap-growing-percent=50');

const argv = process.argv.slice(2);
const words = argv.filter((a) => !a.startsWith('-'));
const named = words[0] === 'help' ? words[1] : words[0];
const MODULE_OF = { rules: 'lint' }; // `rules` is registered by the lint command's module
let entry = new URL('../dist/cli/main.js', import.meta.url);
if (named !== undefined && /^[a-z]+$/.test(named)) {
  const bundle = new URL(`../dist/cli-bundle/${Object.hasOwn(MODULE_OF, named) ? MODULE_OF[named] : named}.js`, import.meta.url);
  if (existsSync(bundle)) entry = bundle;
}
const { main } = await import(entry.href);
process.exitCode = await main(argv);
