// The command-line entry point: builds the commander program from one module per command and
// maps outcomes to exit codes (0 ok, 1 a gate or lint failure, 2 bad input or usage).
import { Command, CommanderError } from 'commander';
import { WhittleError } from '../errors.js';
import { registerAnalyze } from './analyze.js';
import { registerLint } from './lint.js';
import { registerContext } from './context.js';
import { registerFix } from './fix.js';
import { registerSquash } from './squash.js';
import { registerStrip } from './strip.js';

/** ExitCode is what every command returns to main. */
export const ExitCode = { ok: 0, failed: 1, badInput: 2 } as const;

/** CommandResult lets action handlers hand an exit code back to main. */
export interface CommandState {
  exitCode: number;
}

export function buildProgram(state: CommandState): Command {
  const program = new Command('whittle')
    .description('Make container images smaller and safer.')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerAnalyze(program, state);
  registerLint(program, state);
  registerContext(program, state);
  registerFix(program, state);
  registerSquash(program, state);
  registerStrip(program, state);
  return program;
}

/** main runs the CLI and resolves to the process exit code; it never throws. */
export async function main(argv: string[]): Promise<number> {
  const state: CommandState = { exitCode: ExitCode.ok };
  const program = buildProgram(state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        return ExitCode.ok;
      }
      return ExitCode.badInput; // commander already printed the message
    }
    if (err instanceof WhittleError) {
      process.stderr.write(`whittle: ${err.message}\n`);
      return ExitCode.badInput;
    }
    process.stderr.write(`whittle: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
    return 3;
  }
}
