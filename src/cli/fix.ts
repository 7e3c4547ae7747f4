// `whittle fix [Dockerfile] [--write] [--rule id…]`: applies the lint rules' safe fixes. Prints a
// unified diff by default; --write replaces the file atomically (temp file + rename). Exit codes: 0
// done (or nothing to fix), 1 a pass was rejected (the output would not parse or would lint worse),
// 2 unreadable input or bad usage.
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { WhittleError, describeCause, wrap } from '../errors.js';
import { fixText } from '../fix/engine.js';
import { unifiedDiff } from '../fix/diff.js';
import { initShellParser } from '../shell/parser.js';
import type { CommandState } from './main.js';

interface FixFlags {
  write?: boolean;
  diff?: boolean;
  rule?: string[];
}

export function registerFix(program: Command, state: CommandState): void {
  program
    .command('fix')
    .description('Apply safe fixes to a Dockerfile (diff by default, --write to apply).')
    .argument('[dockerfile]', 'Dockerfile to fix', 'Dockerfile')
    .option('--diff', 'print a unified diff (the default)')
    .option('--write', 'write the fixed Dockerfile in place')
    .option('--rule <id...>', 'apply only these rules\' fixes')
    .action(async (file: string, flags: FixFlags) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new WhittleError('not-found', `${file}: ${describeCause(err)}`);
      }
      await initShellParser();
      const result = fixText(text, { file, ...(flags.rule ? { only: flags.rule } : {}) });
      if (flags.write) {
        if (result.output !== text) await writeAtomic(file, result.output);
      } else {
        process.stdout.write(unifiedDiff(text, result.output, path.basename(file)));
      }
      for (const a of result.applied) process.stderr.write(`fixed ${file}:${a.line} ${a.ruleId}\n`);
      if (result.rejected) process.stderr.write(`whittle: ${file}: ${result.rejected}\n`);
      state.exitCode = result.rejected ? 1 : 0;
    });
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const mode = (await stat(file)).mode & 0o777;
    await writeFile(tmp, text, { mode });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw wrap(`writing ${file}`, err);
  }
}
