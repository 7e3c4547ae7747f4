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
import { examples } from './help.js';
import { elideMiddle, terminalWidth, wrapWords } from '../internal/width.js';
import { SUMMARIES } from './summaries.js';
import { escapeControl as esc } from '../internal/escape-text.js';

interface ContextFlags {
  file?: string;
  json?: boolean;
  writeDockerignore?: boolean;
  top: string;
  wide?: boolean;
}

/** TextLayout is the width text fits (null: no limit) and whether paths stay whole. */
export interface TextLayout {
  width: number | null;
  wide: boolean;
}

export function registerContext(program: Command, state: CommandState): void {
  program
    .command('context')
    .description(SUMMARIES.context)
    .argument('[dir]', 'build context directory', '.')
    .option('-f, --file <Dockerfile>', 'the Dockerfile (default DIR/Dockerfile; as docker build -f)')
    .option('--json', 'print the report as JSON')
    .option('--write-dockerignore', 'create or extend .dockerignore with what should be excluded')
    .option('--top <n>', 'how many directories and files to list', '10')
    .option('--wide', 'print whole paths, never shortened to the terminal width')
    .addHelpText('after', examples(['whittle context', 'whittle context services/api -f services/api/Dockerfile.prod --top 20', 'whittle context --write-dockerignore']))
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
      process.stdout.write(flags.json ? JSON.stringify({ ...report, wrote }, null, 2) + '\n' : formatText(report, wrote, { width: flags.wide ? null : terminalWidth(), wide: flags.wide === true }));
      state.exitCode = 0;
    });
}

/**
 * formatText renders the report; long paths are shortened in the middle and sentences wrapped to
 * layout.width, after their control characters are escaped (file names are the context's).
 */
export function formatText(r: ContextReport, wrote: { file: string; entries: string[] } | null, layout: TextLayout = { width: null, wide: false }): string {
  const out: string[] = [];
  const width = layout.width;
  /** fit: a path shortened to what is left after `used` columns (whole with --wide or no width). */
  const fit = (p: string, used: number) => (layout.wide || width === null ? esc(p) : elideMiddle(esc(p), Math.max(20, width - used)));
  /** wrapped: text after a prefix, wrapped with later lines indented by indent. */
  const wrapped = (prefix: string, text: string, indent: number) => wrapWords(esc(text), width, { first: prefix.length, indent }).map((l, k) => (k === 0 ? prefix + l : l));
  out.push(...wrapped('context ', `${r.contextDir}${r.dockerfile ? `, Dockerfile ${r.dockerfile}` : ', no Dockerfile'}${r.ignoreFile ? `, ignore file ${r.ignoreFile}` : ', no .dockerignore'}`, 8));
  out.push(`sent:     ${counted(r.sent.files, 'file', 'files')}, ${formatBytes(r.sent.bytes)}`);
  out.push(`excluded: ${counted(r.excluded.files, 'file', 'files')}, ${formatBytes(r.excluded.bytes)}`);
  if (r.largestDirectories.length > 0) {
    out.push('', 'largest directories sent:');
    for (const d of r.largestDirectories) {
      const prefix = `  ${formatBytes(d.bytes).padStart(9)}  ${String(d.files).padStart(6)} ${plural(d.files, 'file ', 'files')}  `;
      out.push(prefix + fit(`${d.path}/`, prefix.length));
    }
  }
  if (r.largestFiles.length > 0) {
    out.push('', 'largest files sent:');
    for (const f of r.largestFiles) {
      const prefix = `  ${formatBytes(f.bytes).padStart(9)}  `;
      out.push(prefix + fit(f.path, prefix.length));
    }
  }
  if (r.copies.length > 0) {
    out.push('', 'COPY/ADD sources:');
    for (const c of r.copies) {
      const what = c.bytes === null ? c.note ?? 'not evaluated' : `${counted(c.files ?? 0, 'file', 'files')}, ${formatBytes(c.bytes)}${c.files === 0 ? ' (matches nothing sent)' : ''}`;
      out.push(...wrapped(`  line ${c.line}: `, `${c.instruction} ${c.source}  ${what}`, 6));
    }
  }
  if (r.secrets.length > 0) {
    out.push('', 'secrets in the context:');
    for (const s of r.secrets) {
      const rest = `  ${s.kind}${s.copiedBy.length ? `  copied by line ${s.copiedBy.join(', ')}` : ''}`;
      out.push(`  ${fit(s.path, 2 + rest.length)}${rest}`);
    }
  }
  if (r.problems.length > 0) {
    out.push('', 'unreadable (docker build would fail on these unless excluded):');
    for (const p of r.problems) out.push(...wrapped(`  ${fit(p.rel, 24)}: `, p.message, 4));
  }
  if (r.suggestions.length > 0) {
    out.push('', 'suggestions:');
    for (const s of r.suggestions) out.push(...wrapped('  - ', s, 4));
  }
  if (wrote) {
    out.push('', ...(wrote.entries.length > 0 ? wrapped(`wrote ${esc(wrote.file)}: `, wrote.entries.join(', '), 4) : [`${esc(wrote.file)}: nothing to add`]));
  }
  return out.join('\n') + '\n';
}
