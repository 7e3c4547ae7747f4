// Structural fix for copy-before-dependency-install: `COPY . .` then `RUN npm ci` becomes
// `COPY package.json package-lock.json* ./`, `RUN npm ci`, `COPY . .`, so a source change no longer
// re-runs the install (Node: npm/yarn/pnpm; Python: pip -r FILE, poetry, uv, pipenv; Go: go mod
// download; Ruby: bundle; PHP: composer; Java: mvn dependency:go-offline). Lock files are copied with a `*` so a missing one is no
// error. Declined unless the RUN does nothing but install and clean caches, sits right after the
// COPY (anything between might change what the install sees), and has no flags or heredocs; the
// COPY must put the sources in the working directory the install runs in. pip's other context
// paths (`./ext`, `--find-links wheels`, `-c constraints.txt`) are copied first too, each to its own
// place; pip reading the whole tree (`.`, `-e .`) is declined. What the context's files name in
// turn (a requirements file's `-e .`, an npm postinstall building the app) cannot be seen from the
// Dockerfile and would break: `whittle fix --verify` builds both.
import type { Edit, Facts } from '../types.js';
import type { ShellCommand } from '../../shell/commands.js';
import { positionals } from '../helpers.js';
import { dependencyInstall } from '../../knowledge/package-managers.js';

/** Cache clean-ups that may share the RUN with the install (they read no sources). */
const CACHE_CLEANS: Readonly<Record<string, string>> = { npm: 'cache', yarn: 'cache', pnpm: 'store' };

/** copyable: a path of the context that one COPY can put at the same place under the working directory (not a glob: `*.csproj` needs the project's layout). */
function copyable(p: string): string | null {
  const rel = p.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
  if (rel === '' || rel.startsWith('/') || /[$*?[\\:]/.test(rel) || rel.split('/').some((s) => s === '..' || s === '.' || s === '')) return null;
  return rel;
}

/**
 * manifestsOf names the files an install command reads (optional lock files with `*`) and, for pip,
 * the other context paths it reads (local packages, `--find-links` directories), each copied to its
 * own place; empty for a cache clean-up, null for anything else. It reads the install table of
 * src/knowledge, and declines where copying those paths alone cannot be the same install: cargo (no
 * target without sources), manifests named by a glob (`*.csproj`: the project layout matters), and
 * pip reading the whole source tree (`.`, `-e .`) or a path outside the context.
 */
function manifestsOf(c: ShellCommand): { files: string[]; paths: string[] } | null {
  if (CACHE_CLEANS[c.name] !== undefined && positionals(c)[0]?.text === CACHE_CLEANS[c.name]) return { files: [], paths: [] };
  const install = dependencyInstall(c);
  if (!install || !install.manifestsSuffice) return null;
  const files: string[] = [];
  const paths: string[] = [];
  for (const m of install.manifests) {
    const rel = copyable(m.name);
    if (rel === null) return null;
    if (rel.includes('/')) paths.push(rel);
    else files.push(m.optional ? `${rel}*` : rel);
  }
  for (const p of install.paths) {
    const rel = copyable(p);
    if (rel === null) return null;
    paths.push(rel);
  }
  return { files, paths };
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
  const paths = new Set<string>();
  let installs = 0;
  for (const c of run.commands) {
    if (c.conditional) return null;
    if (c.name === 'rm' && c.words.every((w) => w.literal)) continue; // cache clean-up
    const m = manifestsOf(c);
    if (m === null) return null;
    if (m.files.length + m.paths.length > 0) installs++;
    for (const f of m.files) files.add(f);
    for (const p of m.paths) paths.add(p);
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
  // a path with a directory part, or one that may be a directory, gets a COPY of its own to the same
  // place: `COPY ext ./ext` copies a file to that name and a directory's contents into it
  const copies = [...(files.size > 0 ? [`COPY ${[...flags, ...files, dir].join(' ')}`] : []), ...[...paths].map((p) => `COPY ${[...flags, p, dir + p].join(' ')}`)];
  return [
    { range: [copy.span.start, copy.span.start], text: `${copies.join(eol)}${eol}${runText}${eol}` },
    { range: [run.inst.span.start, run.inst.span.end + after.length], text: '' },
  ];
}
