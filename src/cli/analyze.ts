// `whittle analyze IMAGE`: parse flags, open the image, run the analysis, print, and gate.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { WhittleError, wrap } from '../errors.js';
import { openImage } from '../transports/open.js';
import { analyzeImage } from '../analyze/run.js';
import { evaluateGates, parseDiveCi, type GateConfig } from '../analyze/gates.js';
import { renderText } from '../analyze/render-text.js';
import { renderJson } from '../analyze/render-json.js';
import { parseBytes, parseRatio } from './format.js';
import type { CommandState } from './main.js';
import { progressFor } from './progress.js';
import { examples } from './help.js';
import { terminalWidth, useColor } from '../internal/width.js';
import { requireRegularFile } from '../internal/regular-file.js';
import { addImageSourceOptions, referencesHelp, sourceOptions, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';

interface AnalyzeFlags extends ImageSourceFlags {
  json?: boolean;
  maxSize?: string;
  minEfficiency?: string;
  maxWasted?: string;
  diveCi?: string;
  color?: boolean;
  wide?: boolean;
  dockerfile?: string;
  target?: string;
  files?: boolean;
}

/** gatesFromFlags turns --max-size/--min-efficiency/--max-wasted into a GateConfig. */
export function gatesFromFlags(flags: AnalyzeFlags): GateConfig {
  const gates: GateConfig = {};
  if (flags.maxSize !== undefined) gates.maxSize = parseBytes(flags.maxSize, '--max-size');
  if (flags.minEfficiency !== undefined) gates.minEfficiency = parseRatio(flags.minEfficiency, '--min-efficiency');
  if (flags.maxWasted !== undefined) {
    if (flags.maxWasted.trim().endsWith('%')) gates.maxWastedRatio = parseRatio(flags.maxWasted, '--max-wasted');
    else gates.maxWastedBytes = parseBytes(flags.maxWasted, '--max-wasted');
  }
  return gates;
}

async function diveCiGates(path: string): Promise<GateConfig> {
  let text: string;
  await requireRegularFile(path, 'a .dive-ci file');
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw wrap(`reading ${path}`, err);
  }
  return parseDiveCi(text, path);
}

export function registerAnalyze(program: Command, state: CommandState): void {
  const cmd = program.command('analyze');
  addImageSourceOptions(cmd);
  cmd
    .description(SUMMARIES.analyze)
    .argument('<image>', 'image to read (any transport, a path, a name, or - for stdin; see below)')
    .option('--json', 'print the analysis as JSON (schema: docs/analyze-json.md)')
    .option('--max-size <size>', 'fail (exit 1) if the image is larger, e.g. 200MB')
    .option('--min-efficiency <ratio>', 'fail if dive-compatible efficiency is lower, e.g. 0.95 or 95%')
    .option('--max-wasted <size|percent>', 'fail if wasted bytes exceed this, e.g. 20MB or 10%')
    .option('--dive-ci <file>', 'read gates from a dive .dive-ci file (lowest-efficiency, highest-wasted-bytes, highest-user-wasted-percent)')
    .option('--dockerfile <file>', 'tie every layer to the Dockerfile line that made it: bytes, waste and findings per line (docs/analyze.md)')
    .option('--target <stage>', 'with --dockerfile: the stage the image was built from (default: the last)')
    .option('--files', 'with --json: add `files`, the whole final file tree and every dropped copy (what whittle report draws)')
    .option('--wide', 'print whole paths, never shortened to the terminal width')
    .option('--no-color', 'never use colour (also when NO_COLOR is set or stdout is not a terminal)')
    .addHelpText('after', referencesHelp())
    .addHelpText('after', examples(['whittle analyze alpine:3.20', 'whittle analyze docker-archive:app.tar --max-wasted 10% --min-efficiency 95%', 'whittle analyze oci:build/layout:v1 --json > analysis.json']))
    .action(async (reference: string, flags: AnalyzeFlags) => {
      const gates: GateConfig = { ...(flags.diveCi ? await diveCiGates(flags.diveCi) : {}), ...gatesFromFlags(flags) };
      if (flags.target !== undefined && flags.dockerfile === undefined) throw new WhittleError('usage', '--target needs --dockerfile');
      // the Dockerfile is read and checked before the image, so a bad path fails at once
      // (attribution and lint load only when asked for: analyze alone starts without them)
      const attributeModule = flags.dockerfile === undefined ? null : await import('../attribute/cli.js');
      const dockerfile = flags.dockerfile === undefined || attributeModule === null ? null : await attributeModule.readDockerfileInput(flags.dockerfile);
      const image = await openImage(reference, sourceOptions(flags));
      const progress = progressFor();
      let analysis;
      try {
        analysis = await analyzeImage(image, { onProgress: (p) => progress.update(p), ...(flags.files ? { analyze: { files: true } } : {}) });
      } finally {
        progress.done();
      }
      const results = evaluateGates(analysis, gates);
      const attribution = dockerfile === null || attributeModule === null ? null : await attributeModule.attributeDockerfile(analysis, await image.config(), dockerfile, flags.target);
      if (flags.json) {
        process.stdout.write(renderJson(analysis, results, attribution) + '\n');
      } else {
        process.stdout.write(renderText(analysis, { color: useColor(flags.color), width: terminalWidth(), wide: flags.wide === true, gates: results }));
        if (attribution && dockerfile && attributeModule) process.stdout.write('\n' + attributeModule.renderAttribution(attribution, dockerfile.text, { color: useColor(flags.color), width: flags.wide ? null : terminalWidth() }));
      }
      if (results.some((r) => !r.passed)) state.exitCode = 1;
    });
}
