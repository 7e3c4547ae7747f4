// `whittle fix [Dockerfile] [--write] [--rule id]… [--unsafe] [--verify]`: applies the rules' safe
// fixes. Prints a unified diff by default; --write replaces the file atomically
// (src/internal/atomic.ts; the file keeps its mode; a symlink is written through to its target).
// An empty or binary file is refused as lint refuses it. --unsafe adds the rules' structural suggestions (src/lint/structural); --rule selects
// fixes by rule id (repeatable or comma-separated), suggestions of the named rules too. --verify builds the original and the fixed
// Dockerfile (see src/fix/verify.ts) and fails when the fixed image is larger or runs differently
// (--write then leaves the file alone); without a Docker engine it prints one line and carries on
// as without --verify. Exit codes: 0 done
// (or nothing to fix), 1 a pass was rejected or verification failed, 2 unreadable input or bad usage.
import { readFile, stat } from 'node:fs/promises';
import { checkDockerfileSize } from '../context/dockerfile-size.js';
import path from 'node:path';
import { Command } from 'commander';
import { WhittleError, describeCause, wrap } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic.js';
import { escapeControl, escapeControlLines } from '../internal/escape-text.js';
import { fixText, type FixOptions } from '../fix/engine.js';
import { unifiedDiff } from '../fix/diff.js';
import { findIgnoreFile } from '../context/dockerignore.js';
import { formatReport, verifyFixes, verifySteps } from '../fix/verify.js';
import { rules } from '../lint/rules/index.js';
import { decodeDockerfile } from '../lint/input.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { SUMMARIES } from './summaries.js';
import { requireRegularFile } from '../internal/regular-file.js';

interface FixFlags {
  write?: boolean;
  diff?: boolean;
  rule?: string[];
  unsafe?: boolean;
  verify?: boolean;
  context?: string;
  json?: boolean;
}

/** collectRules gathers --rule values: repeatable, each comma-separated, every id a known rule. */
function collectRules(value: string, previous: string[] = []): string[] {
  const ids = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const known = new Set(rules.map((r) => r.meta.id));
  for (const id of ids) if (!known.has(id)) throw new WhittleError('usage', `--rule ${id}: no such rule (whittle rules lists them)`);
  return [...previous, ...ids];
}

/** diffName is the file as given, for the diff's a/ and b/ headers, in git's form (no leading ./ or /): a relative path applies with `patch -p1` from where whittle ran. */
function diffName(file: string): string {
  return path.normalize(file).replace(/^(?:\.\/)+|^\/+/, '');
}

export function registerFix(program: Command, state: CommandState): void {
  program
    .command('fix')
    .description(SUMMARIES.fix)
    .argument('[dockerfile]', 'the Dockerfile to fix', 'Dockerfile')
    .option('--diff', 'print a unified diff (the default)')
    .option('--write', 'write the fixed Dockerfile in place')
    .option('--rule <id>', 'apply only this rule\'s fixes, structural ones too (repeatable, or comma-separated)', collectRules)
    .option('--unsafe', 'also apply the structural fixes (cache order, multi-stage, slim base, non-root user)')
    .option('--verify', 'build the original and the fixed Dockerfile and compare size, layers and runtime config')
    .option('--context <dir>', 'build context for --verify (default: the Dockerfile\'s directory)')
    .option('--json', 'print the result as JSON instead of a diff: file, output, applied, rejected, changed (docs/fix.md)')
    .addHelpText('after', examples(['whittle fix Dockerfile', 'whittle fix --write --rule apt-no-install-recommends services/api/Dockerfile', 'whittle fix --unsafe --verify --json > fix.json']))
    .action(async (file: string, flags: FixFlags) => {
      let bytes: Uint8Array;
      await requireRegularFile(file, 'a Dockerfile');
      try {
        checkDockerfileSize((await stat(file)).size, file);
        bytes = await readFile(file);
      } catch (err) {
        if (err instanceof WhittleError) throw err;
        throw new WhittleError('not-found', `${file}: ${describeCause(err)}`);
      }
      // Empty, binary and non-UTF-8 files are refused as lint refuses them (exit 2, one line).
      const text = decodeDockerfile(bytes, file, { keepBom: true });
      const options: FixOptions = { file, ...(flags.unsafe ? { unsafe: true } : {}), ...(flags.rule ? { only: flags.rule } : {}) };
      const result = await fixText(text, options);
      // On a terminal the diff's control characters are escaped; in a pipe it stays a patch that applies.
      const diff = !flags.write && !flags.json ? unifiedDiff(text, result.output, diffName(file)) : '';
      if (diff !== '') process.stdout.write(process.stdout.isTTY ? escapeControlLines(diff) : diff);
      if (!flags.json) for (const a of result.applied) process.stderr.write(`fixed ${escapeControl(file)}:${a.line} ${a.ruleId}\n`);
      if (result.rejected) process.stderr.write(`whittle: ${escapeControl(`${file}: ${result.rejected}`)}\n`);
      state.exitCode = result.rejected ? 1 : 0;
      let verified = true;
      let verification: string | null = null;
      if (flags.verify && result.output === text) {
        process.stderr.write('verify: nothing to verify: no fix applied\n');
      } else if (flags.verify) {
        const context = flags.context ?? path.dirname(file);
        // The builds use the legacy builder, which reads only the context's .dockerignore, never
        // BuildKit's <Dockerfile>.dockerignore: say so when the file that decides is the latter.
        const ignore = await findIgnoreFile(context, file);
        if (ignore && path.basename(ignore.path) !== '.dockerignore') {
          process.stderr.write(`verify: note: ${escapeControl(`${ignore.path} is read by BuildKit only; the legacy builder --verify runs sends the context by ${path.join(context, '.dockerignore')} instead`)}\n`);
        }
        const report = await verifyFixes({
          context,
          original: text,
          steps: verifySteps(result, options),
          log: (line) => process.stderr.write(`verify: ${escapeControl(line)}\n`),
        });
        for (const line of formatReport(report)) process.stderr.write(`${escapeControl(line)}\n`);
        verified = report.status !== 'failed';
        verification = report.status;
        if (!verified) state.exitCode = 1;
      }
      // With --verify, a fix that failed verification is not written.
      const write = flags.write === true && verified && result.output !== text;
      if (write) await writeFileAtomic(file, result.output);
      if (flags.json) {
        const applied = result.applied.map((a) => ({ ruleId: a.ruleId, line: a.line, pass: a.pass, message: a.message }));
        const summary = { file, output: result.output, applied, rejected: result.rejected, changed: result.output !== text, written: write, verify: verification };
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      }
    });
}

