#!/usr/bin/env node
// Keeps the sample outputs in docs/ true: every fenced block that follows a marker
//   <!-- sample: whittle ARGS -->
// is replaced by what `node bin/whittle.js ARGS` prints (stdout; `2>&1` at the end adds stderr),
// run from the repository root with colour off and an 100-column terminal. With --check it changes
// nothing and exits 1 naming every block that is out of date (the test suite runs it so). Samples
// use only the examples that ship in examples/ (examples/wasteful.tar is made first when missing), so
// they need no engine and no network. Run `npm run docs:samples` after changing an output.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const MARKER = /^<!-- sample: whittle (.+?) -->\n```(\w*)\n[\s\S]*?^```$/gm;

if (!existsSync(join(root, 'examples/wasteful.tar'))) execFileSync(process.execPath, [join(root, 'examples/make-wasteful.mjs')], { cwd: root, stdio: 'ignore' });

/** run prints what the sample's command prints, as a user's terminal would show it. */
function run(args) {
  const withStderr = args.endsWith(' 2>&1');
  const argv = (withStderr ? args.slice(0, -5) : args).trim().split(/\s+/);
  const r = spawnSync(process.execPath, [join(root, 'bin/whittle.js'), ...argv], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', COLUMNS: '100', FORCE_COLOR: '0' },
  });
  if (r.error) throw r.error;
  return (withStderr ? r.stdout + r.stderr : r.stdout).replace(/\n+$/, '');
}

const stale = [];
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
for (const doc of docs) {
  const path = join(root, doc);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(MARKER, (_block, args, lang) => `<!-- sample: whittle ${args} -->\n\`\`\`${lang}\n${run(args)}\n\`\`\``);
  if (next === text) continue;
  stale.push(doc);
  if (!check) {
    writeFileSync(`${path}.tmp`, next);
    renameSync(`${path}.tmp`, path);
  }
}
if (check && stale.length > 0) {
  process.stderr.write(`docs-samples: out of date (run npm run docs:samples): ${stale.join(', ')}\n`);
  process.exit(1);
}
if (!check) process.stdout.write(stale.length > 0 ? `updated ${stale.join(', ')}\n` : 'docs samples are up to date\n');
