// `whittle lint [Dockerfile…]` and `whittle rules`. Exit codes: 0 clean (nothing at or above the fail
// level), 1 findings at or above it, 2 unreadable input or bad usage.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { WhittleError, isWhittleError } from '../errors.js';
import { fileURLToPath } from 'node:url';
import { ignoredRules, loadConfig, parseFailLevel, type FailLevel } from '../lint/config.js';
import { lintTextSync, type LintResult } from '../lint/engine.js';
import { formatJson } from '../lint/format/json.js';
import { formatSarif, repositoryLinks } from '../lint/format/sarif.js';
import { formatText } from '../lint/format/text.js';
import { readDockerfileInput } from '../lint/input.js';
import { rules } from '../lint/rules/index.js';
import { severityRank } from '../lint/types.js';
import { initShellParser } from '../shell/parser.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { terminalWidth, useColor, wrapWords } from '../internal/width.js';
import { SUMMARIES } from './summaries.js';
import { escapeControl } from '../internal/escape-text.js';

// Same values as main.ts's ExitCode; imported as a type only so this module does not load main.
const ExitCode = { ok: 0, failed: 1, badInput: 2 } as const;

interface LintFlags {
  format: 'text' | 'json' | 'sarif';
  failLevel?: string;
  config?: string;
  target?: string;
  color?: boolean;
  json?: boolean;
  ignore?: string[];
  image?: string;
}

/** collect gathers a repeatable, comma-separated option. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
}

/** docsLink is the file of a rule's page in this installation (docs/ ships in the package). */
function docsLink(ruleId: string): string | null {
  const rule = rules.find((r) => r.meta.id === ruleId);
  return rule ? fileURLToPath(new URL(`../../${rule.meta.docs}`, import.meta.url)) : null;
}

/** DEFAULT_FAIL_LEVEL: warnings fail the build, info (advice) does not; see docs/lint.md. */
export const DEFAULT_FAIL_LEVEL: FailLevel = 'warning';

/** packageRepository reads the `repository` field of whittle's package.json (two levels above src/cli and dist/cli). */
async function packageRepository(): Promise<unknown> {
  try {
    return (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { repository?: unknown }).repository;
  } catch {
    return undefined;
  }
}

export function failed(results: readonly LintResult[], level: FailLevel): boolean {
  if (level === 'none') return false;
  const min = severityRank(level);
  return results.some((r) => r.diagnostics.some((d) => severityRank(d.severity) >= min));
}

export function registerLint(program: Command, state: CommandState): void {
  program
    .command('lint')
    .description(SUMMARIES.lint)
    .argument('[dockerfiles...]', 'the Dockerfiles (or directories holding one); - reads stdin', ['Dockerfile'])
    .addOption(new Option('-f, --format <format>', 'output format (hadolint\'s -f)').choices(['text', 'json', 'sarif']).default('text'))
    .option('--json', 'print JSON (the same as --format json)')
    .option('--ignore <rule>', 'turn a rule off: a whittle id or a hadolint id it covers (repeatable, or comma-separated)', collect)
    .option('--fail-level <level>', `exit 1 when a finding is at or above this level: error, warning, info, none (default: ${DEFAULT_FAIL_LEVEL})`)
    .option('-c, --config <path>', 'config file (default: .whittle.json or whittle.config.json in the current directory)')
    .option('-t, --target <stage>', 'the stage being built, as docker build --target (default: the last stage)')
    .option('--image <ref>', 'the image this Dockerfile built: each finding gets the bytes it costs there (one Dockerfile)')
    .option('--no-color', 'never use colour (also when NO_COLOR is set or stdout is not a terminal)')
    .addHelpText('after', examples(['whittle lint', 'whittle lint services/*/Dockerfile --fail-level error', 'whittle lint -f sarif Dockerfile > lint.sarif']))
    .action(async (files: string[], flags: LintFlags) => {
      const config = await loadConfig(rules, flags.config, process.cwd());
      if (flags.ignore) Object.assign(config.rules, ignoredRules(flags.ignore, rules, '--ignore'));
      if (flags.json && flags.format !== 'text' && flags.format !== 'json') throw new WhittleError('usage', `--json and --format ${flags.format} ask for two formats`);
      if (flags.json) flags.format = 'json';
      const failLevel = flags.failLevel !== undefined ? parseFailLevel(flags.failLevel, '--fail-level') : (config.failLevel ?? DEFAULT_FAIL_LEVEL);
      await initShellParser();
      const results: LintResult[] = [];
      let unreadable = false;
      // Read all inputs concurrently; lint (CPU-bound) and report in argument order.
      const inputs = await Promise.allSettled(files.map((arg) => readDockerfileInput(arg)));
      for (const settled of inputs) {
        try {
          if (settled.status === 'rejected') throw settled.reason;
          const input = settled.value;
          const opts: Parameters<typeof lintTextSync>[1] = { file: input.file, rules, settings: config.rules };
          if (flags.target !== undefined) opts.target = flags.target;
          if (input.dockerignore !== undefined) opts.dockerignore = input.dockerignore;
          if (input.contextEntries !== undefined) opts.contextEntries = input.contextEntries;
          if (input.contextDir !== undefined) opts.contextDir = input.contextDir;
          const result = lintTextSync(input.text, opts);
          if (!result.targetFound) throw new WhittleError('usage', `${input.file}: no stage named ${JSON.stringify(flags.target)} (--target)`);
          results.push(result);
        } catch (err) {
          if (!isWhittleError(err)) throw err;
          process.stderr.write(`whittle: ${escapeControl(err.message)}\n`);
          unreadable = true;
        }
      }
      if (flags.image !== undefined) {
        if (files.length !== 1) throw new WhittleError('usage', '--image measures the findings of one Dockerfile: give one');
        const input = inputs[0]!.status === 'fulfilled' ? inputs[0]!.value : null;
        if (input && results[0]) {
          const [{ openImage }, { measureImageCosts }] = await Promise.all([import('../transports/open.js'), import('../attribute/cli.js')]);
          await measureImageCosts(results[0], input.text, await openImage(flags.image), flags.target);
        }
      }
      const version = program.version() ?? '0.0.0';
      if (flags.format === 'json') process.stdout.write(formatJson(results, rules));
      else if (flags.format === 'sarif') process.stdout.write(formatSarif(results, rules, { version, ...(repositoryLinks(await packageRepository()) ?? {}) }));
      else process.stdout.write(formatText(results, useColor(flags.color), docsLink));
      state.exitCode = unreadable ? ExitCode.badInput : failed(results, failLevel) ? ExitCode.failed : ExitCode.ok;
    });

  program
    .command('rules')
    .description(SUMMARIES.rules)
    .option('--json', 'print the rules as JSON')
    .addHelpText('after', examples(['whittle rules', 'whittle rules | grep DL3009', 'whittle rules --json | jq -r \'.[] | select(.fixable) | .id\'']))
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rules.map((r) => ({ id: r.meta.id, category: r.meta.category, severity: r.meta.severity, fixable: r.meta.fixable ?? null, hasSuggestions: r.meta.hasSuggestions ?? false, description: r.meta.description, docs: r.meta.docs, covers: r.meta.covers })), null, 2)}\n`);
        return;
      }
      const width = Math.max(...rules.map((r) => r.meta.id.length));
      const columns = terminalWidth();
      let out = '';
      for (const r of rules) {
        const other = [...r.meta.covers.hadolint, ...r.meta.covers.trivy, ...r.meta.covers.checkov, ...r.meta.covers.buildkit];
        const fix = [r.meta.fixable ? 'safe' : '', r.meta.hasSuggestions ? 'unsafe' : ''].filter((x) => x !== '').join('+');
        const prefix = `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.category.padEnd(11)}  ${fix.padEnd(11)}  `;
        // on a terminal the description wraps under itself (below the columns, indented 4, when they
        // leave under 30); in a pipe each rule stays one line, for grep
        const text = `${r.meta.description}${other.length ? ` [${other.join(', ')}]` : ''}`;
        if (columns !== null && columns - prefix.length < 30) out += `${prefix.trimEnd()}\n    ${wrapWords(text, columns, { first: 4, indent: 4 }).join('\n')}\n`;
        else out += `${prefix}${wrapWords(text, columns, { first: prefix.length, indent: prefix.length }).join('\n')}\n`;
      }
      process.stdout.write(out);
    });
}
