// `whittle fix [Dockerfile] [--write] [--rule id…] [--unsafe] [--verify]`: applies the safe fixes
// (the lint rules' own and src/fix/fixers). Prints a unified diff by default; --write replaces the
// file atomically (src/internal/atomic.ts; the file keeps its mode). --unsafe adds the structural fixes (src/fix/structural);
// --rule selects fixes by rule id, structural ones too. --verify builds the original and the fixed
// Dockerfile (see src/fix/verify.ts) and fails when the fixed image is larger or runs differently
// (--write then leaves the file alone); without a Docker engine it prints one line and carries on
// as without --verify. Exit codes: 0 done
// (or nothing to fix), 1 a pass was rejected or verification failed, 2 unreadable input or bad usage.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { WhittleError, describeCause, wrap } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic.js';
import { fixText, type FixOptions } from '../fix/engine.js';
import { unifiedDiff } from '../fix/diff.js';
import type { ExternalFixer } from '../fix/fixers/index.js';
import { formatReport, verifyFixes, verifySteps } from '../fix/verify.js';
import { STRUCTURAL_FIXES } from '../fix/structural/index.js';
import { initShellParser } from '../shell/parser.js';
import type { CommandState } from './main.js';

interface FixFlags {
  write?: boolean;
  diff?: boolean;
  rule?: string[];
  unsafe?: boolean;
  verify?: boolean;
  context?: string;
}

/** structuralFor picks the structural fixers (STRUCTURAL_FIXES) --unsafe or --rule asks for. */
function structuralFor(flags: FixFlags): Record<string, ExternalFixer> {
  const out: Record<string, ExternalFixer> = {};
  for (const [id, f] of Object.entries(STRUCTURAL_FIXES)) if (flags.unsafe || flags.rule?.includes(id)) out[id] = f;
  return out;
}

export function registerFix(program: Command, state: CommandState): void {
  program
    .command('fix')
    .description('Apply safe fixes to a Dockerfile (diff by default, --write to apply).')
    .argument('[dockerfile]', 'Dockerfile to fix', 'Dockerfile')
    .option('--diff', 'print a unified diff (the default)')
    .option('--write', 'write the fixed Dockerfile in place')
    .option('--rule <id...>', 'apply only these rules\' fixes (structural ones too)')
    .option('--unsafe', 'also apply the structural fixes (cache order, multi-stage, slim base, non-root user)')
    .option('--verify', 'build the original and the fixed Dockerfile and compare size, layers and runtime config')
    .option('--context <dir>', 'build context for --verify (default: the Dockerfile\'s directory)')
    .action(async (file: string, flags: FixFlags) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new WhittleError('not-found', `${file}: ${describeCause(err)}`);
      }
      await initShellParser();
      const options: FixOptions = { file, extraFixers: structuralFor(flags), ...(flags.rule ? { only: flags.rule } : {}) };
      const result = fixText(text, options);
      if (!flags.write) process.stdout.write(unifiedDiff(text, result.output, path.basename(file)));
      for (const a of result.applied) process.stderr.write(`fixed ${file}:${a.line} ${a.ruleId}\n`);
      if (result.rejected) process.stderr.write(`whittle: ${file}: ${result.rejected}\n`);
      state.exitCode = result.rejected ? 1 : 0;
      let verified = true;
      if (flags.verify && result.output === text) {
        process.stderr.write('verify: nothing to verify: no fix applied\n');
      } else if (flags.verify) {
        const report = await verifyFixes({
          context: flags.context ?? path.dirname(file),
          original: text,
          steps: verifySteps(result, options),
          log: (line) => process.stderr.write(`verify: ${line}\n`),
        });
        for (const line of formatReport(report)) process.stderr.write(`${line}\n`);
        verified = report.status !== 'failed';
        if (!verified) state.exitCode = 1;
      }
      // With --verify, a fix that failed verification is not written.
      if (flags.write && verified && result.output !== text) await writeFileAtomic(file, result.output);
    });
}

