// Structural fix for copy-before-dependency-install: `COPY . .` then `RUN npm ci` becomes
// `COPY package.json package-lock.json* ./`, `RUN npm ci`, `COPY . .`, so a source change no longer
// re-runs the install (Node: npm/yarn/pnpm; Python: pip -r FILE, poetry, uv, pipenv; Go: go mod
// download; Ruby: bundle; PHP: composer). Lock files are copied with a `*` so a missing one is no
// error. Declined unless the RUN does nothing but install and clean caches, sits right after the
// COPY (anything between might change what the install sees), and has no flags or heredocs; the
// COPY must put the sources in the working directory the install runs in, and a pip requirements
// file must be named there. An install script that needs
// the sources (npm postinstall building the app) would break: `whittle fix --verify` builds both.
import type { Edit, Facts } from '../types.js';
import type { ShellCommand } from '../../shell/commands.js';
import { pipInstall, positionals } from '../helpers.js';

/** manifestsOf names the files an install command reads (locks with `*`), null for anything else. */
function manifestsOf(c: ShellCommand): string[] | null {
  const verb = positionals(c)[0]?.text ?? '';
  switch (c.name) {
    case 'npm':
      if (verb === 'cache') return [];
      return ['install', 'i', 'ci'].includes(verb) && positionals(c).length === 1 ? ['package.json', 'package-lock.json*', 'npm-shrinkwrap.json*'] : null;
    case 'yarn':
      if (verb === 'cache') return [];
      return verb === '' || verb === 'install' ? ['package.json', 'yarn.lock*'] : null;
    case 'pnpm':
      if (verb === 'store') return [];
      return verb === 'install' || verb === 'i' ? ['package.json', 'pnpm-lock.yaml*'] : null;
    case 'bundle':
      return verb === 'install' ? ['Gemfile', 'Gemfile.lock*'] : null;
    case 'composer':
      return verb === 'install' ? ['composer.json', 'composer.lock*'] : null;
    case 'poetry':
      return verb === 'install' ? ['pyproject.toml', 'poetry.lock*'] : null;
    case 'uv':
      return verb === 'sync' ? ['pyproject.toml', 'uv.lock*'] : null;
    case 'pipenv':
      return verb === 'install' ? ['Pipfile', 'Pipfile.lock*'] : null;
    case 'go':
      return verb === 'mod' && c.words.some((w) => w.text === 'download') ? ['go.mod', 'go.sum*'] : null;
    default: {
      if (!pipInstall(c)) return null;
      const words = c.words.map((w) => w.text);
      const i = words.findIndex((w) => w === '-r' || w === '--requirement');
      const req = i >= 0 ? words[i + 1] : undefined;
      // only a requirements file next to the COPY destination, and nothing else installed from the sources
      if (!req || req.includes('/') || req.includes('$') || words.some((w) => w === '.' || w === '-e')) return null;
      return [req];
    }
  }
}

export function fixCacheOrder(facts: Facts, offset: number, messageId: string): Edit[] | null {
  const text = facts.model.text;
  const { model, analysis } = facts;
  const copy = model.instructions.find((i) => i.keyword === 'COPY' && (i.argsSpan ?? i.span).start === offset);
  if (!copy || copy.json !== null || copy.heredocs.length > 0) return null;
  const stage = model.stages[copy.stage];
  if (!stage) return null;
  const at = stage.instructions.indexOf(copy);
  const next = stage.instructions[at + 1];
  const run = next && analysis.runs.find((r) => r.inst === next);
  if (!run || !run.shell || run.shell.hasErrors || run.inst.json !== null || run.inst.flags.length > 0 || run.inst.heredocs.length > 0) return null;
  const files = new Set<string>();
  let installs = 0;
  for (const c of run.commands) {
    if (c.conditional) return null;
    if (c.name === 'rm' && c.words.every((w) => w.literal)) continue; // cache clean-up
    const m = manifestsOf(c);
    if (m === null) return null;
    if (m.length > 0) installs++;
    for (const f of m) files.add(f);
  }
  if (installs === 0) return null;
  const args = copy.args;
  const dest = args[args.length - 1]?.value;
  if (!dest || args.length < 2 || dest.includes('$')) return null;
  // the install reads its manifests from the working directory: the COPY must put them there
  const workdir = stage.instructions.slice(0, at).filter((i) => i.keyword === 'WORKDIR').pop()?.args[0]?.value;
  const here = dest === '.' || dest === './' || (workdir !== undefined && workdir.startsWith('/') && dest.replace(/\/+$/, '') === workdir.replace(/\/+$/, ''));
  if (!here) return null;
  const dir = dest === '.' ? './' : dest.endsWith('/') ? dest : `${dest}/`;
  const flags = copy.flags.filter((f) => f.name === 'chown' || f.name === 'chmod').map((f) => text.slice(f.span.start, f.span.end));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const runText = text.slice(run.inst.span.start, run.inst.span.end);
  const after = text.slice(run.inst.span.end).match(/^[ \t]*\r?\n/)?.[0] ?? '';
  return [
    { range: [copy.span.start, copy.span.start], text: `COPY ${[...flags, ...files, dir].join(' ')}${eol}${runText}${eol}` },
    { range: [run.inst.span.start, run.inst.span.end + after.length], text: '' },
  ];
}
