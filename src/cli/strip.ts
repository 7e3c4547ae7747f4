// `whittle strip IMAGE -o OUT`: remove caches, docs, foreign locales, bytecode and (on request)
// build tools, never what the entrypoint, users, certificates or linked libraries need.
import { Command, Option } from 'commander';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { defaultCompressionOf } from '../transports/write.js';
import { CATEGORIES, strip } from '../rewrite/strip/index.js';
import { formatBytes } from './format.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { elideMiddle, terminalWidth } from '../internal/width.js';
import { escapeControl } from '../internal/escape-text.js';
import { escapeNamesInJson } from '../internal/name-bytes.js';
import { progressFor } from './progress.js';
import { checkOutputSize, parseMaxOutput, usableLocalTarget, warn, writeWithProgress } from './write.js';
import { addImageSinkOptions, addImageSourceOptions, autoCompressionHelp, referencesHelp, sinkOptions, sourceOptions, type ImageSinkFlags, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';
import { counted, plural } from '../internal/plural.js';

interface StripFlags extends ImageSourceFlags, ImageSinkFlags {
  output?: string;
  squash?: boolean;
  dryRun?: boolean;
  json?: boolean;
  strip?: string[];
  skip?: string[];
  remove?: string[];
  keep?: string[];
  compression: 'auto' | 'gzip' | 'none';
  wide?: boolean;
  maxOutput?: string;
}

/** SHOWN is how many of a category's largest paths the text output lists (--json lists all). */
const SHOWN = 5;

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter((v) => v !== '')];

function chosenCategories(flags: StripFlags): string[] {
  const known = new Set(CATEGORIES.map((c) => c.id));
  for (const id of [...(flags.strip ?? []), ...(flags.skip ?? [])]) {
    if (!known.has(id)) throw new WhittleError('usage', `unknown category ${JSON.stringify(id)} (known: ${[...known].join(', ')})`);
  }
  const chosen = new Set(CATEGORIES.filter((c) => c.byDefault).map((c) => c.id));
  for (const id of flags.strip ?? []) chosen.add(id);
  for (const id of flags.skip ?? []) chosen.delete(id);
  return [...chosen];
}

export function registerStrip(program: Command, state: CommandState): void {
  const cmd = program.command('strip');
  addImageSinkOptions(addImageSourceOptions(cmd));
  cmd
    .description(SUMMARIES.strip)
    .argument('<image>', 'image to read (any transport, a path, a name, or - for stdin; see below)')
    .option('-o, --output <ref>', 'where to write (any transport, or PATH.tar; see below); not needed with --dry-run')
    .option('--squash', 'merge all layers so the removed bytes leave the image (default: add a layer of whiteouts)')
    .option('--dry-run', 'list what would go and the bytes per category; write nothing')
    .option('--wide', 'print whole paths, never shortened to the terminal width')
    .option('--strip <category>', `also strip a category (repeatable, comma-separated): ${CATEGORIES.map((c) => c.id).join(', ')}`, collect)
    .option('--skip <category>', 'leave a category alone (repeatable, comma-separated)', collect)
    .option('--remove <glob>', 'also remove paths matching the glob (`**` any depth)', collect)
    .option('--keep <glob>', 'never remove paths matching the glob', collect)
    .addOption(new Option('--compression <type>', `compression of the layer whittle writes (auto: what the output usually holds: ${autoCompressionHelp()})`).choices(['auto', 'gzip', 'none']).default('auto'))
    .option('--max-output <size>', 'stop once what is written would pass SIZE (e.g. 500M, 10G), removing it')
    .option('--json', 'print the plan and result as JSON')
    .addHelpText('after', referencesHelp({ fallbackTag: 'stripped' }))
    .addHelpText('after', examples(['whittle strip app:latest --dry-run', 'whittle strip app:latest --squash -o app-stripped.tar', 'whittle strip oci:build/layout:v1 --strip build-tools --keep \'/usr/share/doc/mylib/**\' -o oci:build/stripped:v1']))
    .action(async (reference: string, flags: StripFlags) => {
      if (!flags.dryRun && !flags.output) throw new WhittleError('usage', 'strip needs -o OUT (or --dry-run)');
      const maxOutput = parseMaxOutput(flags.maxOutput);
      const image = await openImage(reference, sourceOptions(flags));
      const progress = progressFor();
      const layers = (await image.layers()).length;
      // a merged layer is written next to a local output, so the sink moves it into place
      const local = flags.squash && flags.output && !flags.dryRun ? await usableLocalTarget(flags.output) : null;
      let result;
      try {
        result = await strip(image, {
          ...(local ? { layerDir: local.dir, reserve: local.reserve } : {}),
          categories: chosenCategories(flags),
          ...(flags.remove ? { remove: flags.remove } : {}),
          ...(flags.keep ? { keep: flags.keep } : {}),
          squash: flags.squash === true,
          dryRun: flags.dryRun === true,
          ...(maxOutput !== undefined ? { maxOutput } : {}),
          onWarning: warn,
          compression: flags.compression !== 'auto' ? flags.compression : flags.output && !flags.dryRun ? defaultCompressionOf(flags.output) : 'none',
          onProgress: (p) => progress.update({ bytes: p.bytes, layersDone: 0, layers, label: p.phase === 'scan' ? `reading ${layers} layers` : p.phase === 'elf' ? 'reading programs and libraries' : 'writing' }),
        });
      } finally {
        progress.done();
      }
      try {
        if (result.image && flags.output) await checkOutputSize(result.image, maxOutput);
        const written = result.image && flags.output ? await writeWithProgress(result.image, flags.output, { ...sinkOptions(flags), moveLayerFiles: true, fallbackTag: 'stripped' }) : undefined;
        const { plan } = result;
        if (flags.json) {
          process.stdout.write(
            JSON.stringify(
              {
                input: image.reference,
                ...(written ? { output: written.reference, manifestDigest: written.manifestDigest, configDigest: written.configDigest } : {}),
                dryRun: flags.dryRun === true,
                squashed: flags.squash === true && written !== undefined,
                removedBytes: plan.bytes,
                removedCount: plan.removed.length,
                byCategory: plan.byCategory,
                removed: plan.removed,
                protected: plan.protected,
              },
              escapeNamesInJson,
              2,
            ) + '\n',
          );
        } else {
          const width = flags.wide ? null : terminalWidth();
          const lines: string[] = [];
          for (const [c, v] of Object.entries(plan.byCategory).sort((a, b) => b[1].bytes - a[1].bytes)) {
            lines.push(`  ${c.padEnd(16)} ${String(v.count).padStart(6)} ${plural(v.count, 'path ', 'paths')}  ${formatBytes(v.bytes).padStart(9)}`);
            if (!flags.dryRun) continue;
            // a dry run shows each category's largest paths
            const largest = plan.removed.filter((r) => r.category === c).sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
            for (const r of largest.slice(0, SHOWN)) lines.push(`    ${formatBytes(r.bytes).padStart(9)}  ${elideMiddle(escapeControl(`/${r.path}`), width === null ? null : Math.max(20, width - 15))}`);
            if (largest.length > SHOWN) lines.push(`    … ${largest.length - SHOWN} more (--json lists them all)`);
          }
          process.stdout.write(
            `${flags.dryRun ? 'would remove' : 'removed'} ${counted(plan.removed.length, 'path', 'paths')}, ${formatBytes(plan.bytes)} of file content\n` +
              (lines.length ? lines.join('\n') + '\n' : '') +
              (plan.protected.length ? `kept ${counted(plan.protected.length, 'matching path', 'matching paths')} the image needs (--json lists them with the reason)\n` : '') +
              (written
                ? `wrote ${escapeControl(written.reference)} (${written.manifestDigest})${flags.squash ? '' : '\nthe bytes still ship in the lower layers: add --squash to drop them'}\n`
                : !flags.dryRun
                  ? 'nothing to remove: no output written\n'
                  : ''),
          );
        }
      } finally {
        await result.dispose();
      }
      state.exitCode = 0;
    });
}
