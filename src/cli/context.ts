// `whittle context [DIR] [-f Dockerfile] [--json] [--write-dockerignore] [--top N]`: what `docker
// build` sends. Exit codes: 0 report printed, 2 missing directory/Dockerfile or bad flags.
import { counted, plural } from '../internal/plural.js';
import { Command } from 'commander';
import path from 'node:path';
import { analyzeContext, copyPlans, ignoreEntriesFor, sentDirsOf, type ContextReport } from '../context/analyze.js';
import { writeDockerignore } from '../context/write.js';
import { WhittleError } from '../errors.js';
import { readFile } from 'node:fs/promises';
import { formatBytes } from './format.js';
import type { CommandState } from './main.js';

interface ContextFlags {
  file?: string;
  json?: boolean;
  writeDockerignore?: boolean;
  top: string;
}

export function registerContext(program: Command, state: CommandState): void {
  program
    .command('context')
    .description('Show what `docker build` sends: files and bytes after .dockerignore, COPY sources, secrets.')
    .argument('[dir]', 'build context directory', '.')
    .option('-f, --file <Dockerfile>', 'Dockerfile (default DIR/Dockerfile)')
    .option('--json', 'print the report as JSON')
    .option('--write-dockerignore', 'create or extend .dockerignore with what should be excluded')
    .option('--top <n>', 'how many directories and files to list', '10')
    .action(async (dir: string, flags: ContextFlags) => {
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 0) throw new WhittleError('usage', `--top: not a whole number: ${flags.top}`);
      const report = await analyzeContext(dir, { ...(flags.file !== undefined ? { dockerfile: flags.file } : {}), top });
      let wrote: { file: string; entries: string[] } | null = null;
      if (flags.writeDockerignore) {
        const plans = report.dockerfile ? copyPlans(await readFile(report.dockerfile, 'utf8')) : [];
        const entries = ignoreEntriesFor(report, sentDirsOf(report), plans);
        const file = report.ignoreFile ?? path.join(dir, '.dockerignore');
        const changed = await writeDockerignore(file, entries);
        wrote = { file, entries: changed ? entries : [] };
      }
      process.stdout.write(flags.json ? JSON.stringify({ ...report, wrote }, null, 2) + '\n' : formatText(report, wrote));
      state.exitCode = 0;
    });
}

export function formatText(r: ContextReport, wrote: { file: string; entries: string[] } | null): string {
  const out: string[] = [];
  out.push(`context ${r.contextDir}${r.dockerfile ? `, Dockerfile ${r.dockerfile}` : ', no Dockerfile'}${r.ignoreFile ? `, ignore file ${r.ignoreFile}` : ', no .dockerignore'}`);
  out.push(`sent:     ${counted(r.sent.files, 'file', 'files')}, ${formatBytes(r.sent.bytes)}`);
  out.push(`excluded: ${counted(r.excluded.files, 'file', 'files')}, ${formatBytes(r.excluded.bytes)}`);
  if (r.largestDirectories.length > 0) {
    out.push('', 'largest directories sent:');
    for (const d of r.largestDirectories) out.push(`  ${formatBytes(d.bytes).padStart(9)}  ${String(d.files).padStart(6)} ${plural(d.files, 'file ', 'files')}  ${d.path}/`);
  }
  if (r.largestFiles.length > 0) {
    out.push('', 'largest files sent:');
    for (const f of r.largestFiles) out.push(`  ${formatBytes(f.bytes).padStart(9)}  ${f.path}`);
  }
  if (r.copies.length > 0) {
    out.push('', 'COPY/ADD sources:');
    for (const c of r.copies) {
      const what = c.bytes === null ? c.note ?? 'not evaluated' : `${counted(c.files ?? 0, 'file', 'files')}, ${formatBytes(c.bytes)}${c.files === 0 ? ' (matches nothing sent)' : ''}`;
      out.push(`  line ${c.line}: ${c.instruction} ${c.source}  ${what}`);
    }
  }
  if (r.secrets.length > 0) {
    out.push('', 'secrets in the context:');
    for (const s of r.secrets) out.push(`  ${s.path}  ${s.kind}${s.copiedBy.length ? `  copied by line ${s.copiedBy.join(', ')}` : ''}`);
  }
  if (r.problems.length > 0) {
    out.push('', 'unreadable (docker build would fail on these unless excluded):');
    for (const p of r.problems) out.push(`  ${p.rel}: ${p.message}`);
  }
  if (r.suggestions.length > 0) {
    out.push('', 'suggestions:');
    for (const s of r.suggestions) out.push(`  - ${s}`);
  }
  if (wrote) {
    out.push('', wrote.entries.length > 0 ? `wrote ${wrote.file}: ${wrote.entries.join(', ')}` : `${wrote.file}: nothing to add`);
  }
  return out.join('\n') + '\n';
}
