// The command-line entry point: builds the commander program from one module per command and
// maps outcomes to exit codes (0 ok, 1 a gate or lint failure, 2 bad input or usage; 130, 143, 129
// after SIGINT, SIGTERM, SIGHUP, once the run's temporary files are removed: internal/cleanup.ts).
import { Command, CommanderError } from 'commander';
import { WhittleError } from '../errors.js';
import { escapeControl } from '../internal/escape-text.js';
import { examples } from './help.js';
import { SUMMARIES, VERSION } from './summaries.js';
import { installSignalCleanup, removeTemporaries } from '../internal/cleanup.js';

/** ExitCode is what every command returns to main. */
export const ExitCode = { ok: 0, failed: 1, badInput: 2 } as const;

/** CommandResult lets action handlers hand an exit code back to main. */
export interface CommandState {
  exitCode: number;
}

type Register = (program: Command, state: CommandState) => void;

/** The commands, each loaded only when needed (as citty's lazy sub-commands): a run pays for one. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: () => import('./analyze.js').then((m) => m.registerAnalyze),
  lint: () => import('./lint.js').then((m) => m.registerLint),
  rules: () => import('./lint.js').then((m) => m.registerLint), // registerLint adds lint and rules
  context: () => import('./context.js').then((m) => m.registerContext),
  fix: () => import('./fix.js').then((m) => m.registerFix),
  squash: () => import('./squash.js').then((m) => m.registerSquash),
  strip: () => import('./strip.js').then((m) => m.registerStrip),
  minify: () => import('./minify.js').then((m) => m.registerMinify),
  ls: () => import('./ls.js').then((m) => m.registerLs),
  report: () => import('./report.js').then((m) => m.registerReport),
  build: () => import('./build.js').then((m) => m.registerBuild),
  variants: () => import('./variants.js').then((m) => m.registerVariants),
};

/**
 * buildProgram builds the commander program. Given the arguments, it registers only the command
 * they name (or, for `help COMMAND`, the command asked about); with none (`--help`, `--version`, an
 * unknown command) it lists every command by its summary without loading any.
 */
export async function buildProgram(state: CommandState, argv?: readonly string[]): Promise<Command> {
  const program = new Command('whittle')
    .description('Make container images smaller and safer')
    .version(VERSION)
    .helpCommand('help [command]', 'Show help for a command')
    .addHelpText('after', examples(['whittle analyze alpine:3.20', 'whittle lint Dockerfile', 'whittle ls alpine:3.20 /etc -l']))
    .showHelpAfterError(false)
    .exitOverride()
    // main prints usage errors itself, as one line (usageLine); commander only reports them
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: () => {} });
  const words = argv?.filter((a) => !a.startsWith('-')) ?? [];
  const named = words[0] === 'help' ? words[1] : words[0];
  if (named !== undefined && Object.hasOwn(COMMANDS, named)) {
    (await COMMANDS[named]!())(program, state);
    return program;
  }
  for (const [name, summary] of Object.entries(SUMMARIES)) program.command(name).description(summary);
  return program;
}

/** commandOf is the command argv names (the first word that is one), for the usage hint. */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.find((a) => Object.hasOwn(COMMANDS, a));
}

/**
 * usageLine turns a command-line syntax error found by commander (an unknown option or command, a
 * missing argument or option value, a bad choice, too many arguments: `error: …`, sometimes with a
 * second line such as `(Did you mean --json?)`) into one line: `whittle: MESSAGE (see whittle
 * COMMAND --help)`. Errors in what a value names (WhittleError, e.g. `--top: not a whole number`)
 * are one `whittle: MESSAGE` line that names the flag, with no hint.
 */
export function usageLine(message: string, command: string | undefined): string {
  const text = message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ')
    .replace(/ \(Did you mean (.*)\?\)/, '; did you mean $1?')
    .replace(/\.\s+([A-Z])/g, (_, c: string) => `; ${c.toLowerCase()}`)
    .replace(/\.$/, '');
  return `whittle: ${escapeControl(text)} (see whittle ${command !== undefined ? `${command} ` : ''}--help)\n`;
}

let running: CommandState = { exitCode: ExitCode.ok };
let pipeGuarded = false;

/**
 * quietOnClosedPipe makes a write to a closed pipe (`whittle rules | head -1`) end the process
 * quietly with the exit code reached so far (0 for help), instead of an unhandled EPIPE error and a
 * stack trace.
 */
function quietOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(running.exitCode);
    throw err;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

/** main runs the CLI and resolves to the process exit code; it never throws. */
export async function main(argv: string[]): Promise<number> {
  const state: CommandState = { exitCode: ExitCode.ok };
  running = state;
  quietOnClosedPipe();
  installSignalCleanup();
  try {
    const [first, second] = argv;
    if (first === 'help' && second !== undefined && !second.startsWith('-') && !Object.hasOwn(COMMANDS, second)) {
      process.stderr.write(usageLine(`error: unknown command '${second}'`, undefined));
      return ExitCode.badInput;
    }
    const program = await buildProgram(state, argv);
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (err) {
    removeTemporaries(); // a failed run leaves nothing behind, even what a failed step did not clean up
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        return ExitCode.ok;
      }
      if (err.code === 'commander.help') return ExitCode.badInput; // no command given: the help went to stderr
      process.stderr.write(usageLine(err.message, commandOf(argv)));
      return ExitCode.badInput;
    }
    if (err instanceof WhittleError) {
      process.stderr.write(`whittle: ${escapeControl(err.message)}\n`);
      return ExitCode.badInput;
    }
    const report = ((err as Error)?.stack ?? String(err)).split('\n').map((l) => escapeControl(l)).join('\n');
    process.stderr.write(`whittle: internal error (please report): ${report}\n`);
    return 3;
  }
}
