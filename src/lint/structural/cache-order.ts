// Structural fix for copy-before-dependency-install: `COPY . .` then `RUN npm ci` becomes
// `COPY package.json package-lock.json* ./`, `RUN npm ci`, `COPY . .`, so a source change no longer
// re-runs the install (Node: npm/yarn/pnpm; Python: pip -r FILE, poetry, uv, pipenv; Go: go mod
// download; Ruby: bundle; PHP: composer; Java: mvn dependency:go-offline). Lock files are copied with a `*` so a missing one is no
// error. Declined unless the RUN does nothing but install and clean caches, sits right after the
// COPY (anything between might change what the install sees), and has no flags or heredocs; the
// COPY must put the sources in the working directory the install runs in, and a pip requirements
// file must be named there. An install script that needs
// the sources (npm postinstall building the app) would break: `whittle fix --verify` builds both.
import type { Edit, Facts } from '../types.js';
import type { ShellCommand } from '../../shell/commands.js';
import { positionals } from '../helpers.js';
import { dependencyInstall } from '../../knowledge/package-managers.js';

/** Cache clean-ups that may share the RUN with the install (they read no sources). */
const CACHE_CLEANS: Readonly<Record<string, string>> = { npm: 'cache', yarn: 'cache', pnpm: 'store' };

/**
 * manifestsOf names the files an install command reads (optional lock files with `*`), [] for a
 * cache clean-up, null for anything else. It reads the install table of src/knowledge, and declines
 * where copying the manifests alone cannot be the same install: cargo (no target without sources),
 * manifests named by a glob (`*.csproj`: the project layout matters), and pip unless it installs a
 * requirements file next to the COPY destination and nothing from the sources.
 */
function manifestsOf(c: ShellCommand): string[] | null {
  if (CACHE_CLEANS[c.name] !== undefined && positionals(c)[0]?.text === CACHE_CLEANS[c.name]) return [];
  const install = dependencyInstall(c);
  if (!install || !install.manifestsSuffice) return null;
  if (install.tool === 'pip') {
    const req = install.manifests[0]!.name;
    if (req.includes('/') || req.includes('$') || c.words.some((w) => w.text === '.' || w.text === '-e')) return null;
  }
  if (install.manifests.some((m) => /[*?[]/.test(m.name))) return null;
  return install.manifests.map((m) => (m.optional ? `${m.name}*` : m.name));
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
