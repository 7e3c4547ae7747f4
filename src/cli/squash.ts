// `whittle squash IMAGE -o OUT`: merge layers into one (all, those above the base, or the last N)
// and write the result to any transport.
import { Command, Option } from 'commander';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { defaultCompressionOf } from '../transports/write.js';
import { baseFromHistory, baseFromImage, type BaseLayers } from '../rewrite/base.js';
import { squash } from '../rewrite/squash.js';
import type { Image } from '../image/image.js';
import { formatBytes } from './format.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { progressFor } from './progress.js';
import { checkOutputSize, parseMaxOutput, usableLocalTarget, warn, writeWithProgress } from './write.js';
import { addImageSinkOptions, addImageSourceOptions, autoCompressionHelp, referencesHelp, sinkOptions, sourceOptions, type ImageSinkFlags, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';
import { counted } from '../internal/plural.js';
import { escapeControl } from '../internal/escape-text.js';

interface SquashFlags extends ImageSourceFlags, ImageSinkFlags {
  output: string;
  keepBase?: string | true;
  last?: string;
  compression: 'auto' | 'gzip' | 'none';
  json?: boolean;
  maxOutput?: string;
}

function count(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new WhittleError('usage', `${flag} needs a whole number of layers, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** squashStart turns --keep-base/--last into the first layer to merge. */
async function squashStart(image: Image, flags: SquashFlags): Promise<{ from: number; base?: BaseLayers }> {
  const layers = (await image.layers()).length;
  if (flags.keepBase !== undefined && flags.last !== undefined) throw new WhittleError('usage', '--keep-base and --last cannot be used together');
  if (flags.last !== undefined) {
    const n = count(flags.last, '--last');
    if (n < 1 || n > layers) throw new WhittleError('usage', `--last ${n}: the image has ${layers} layer(s)`);
    return { from: layers - n };
  }
  if (flags.keepBase === undefined) return { from: 0 };
  let base: BaseLayers;
  if (flags.keepBase === true) {
    const found = baseFromHistory((await image.config()).history, layers);
    if (!found) {
      throw new WhittleError('usage', `cannot tell the base layers of ${image.reference} from its history; give --keep-base N (a layer count) or --keep-base IMAGE`);
    }
    base = found;
  } else if (/^\d+$/.test(flags.keepBase)) {
    base = { count: Number(flags.keepBase), how: 'given' };
  } else {
    base = await baseFromImage(image, await openImage(flags.keepBase, sourceOptions(flags)));
  }
  if (base.count >= layers) throw new WhittleError('usage', `nothing to squash: the base has ${base.count} of the image's ${layers} layer(s)`);
  return { from: base.count, base };
}

export function registerSquash(program: Command, state: CommandState): void {
  const cmd = program.command('squash');
  addImageSinkOptions(addImageSourceOptions(cmd));
  cmd
    .description(SUMMARIES.squash)
    .argument('<image>', 'image to read (any transport, a path, a name, or - for stdin; see below)')
    .requiredOption('-o, --output <ref>', 'where to write (any transport, or PATH.tar; see below)')
    .option('--keep-base [layers|image]', 'keep the base layers: detected from history, a layer count, or the base image')
    .option('--last <n>', 'merge only the last n layers')
    .addOption(
      new Option('--compression <type>', `compression of the merged layer (auto: what the output usually holds: ${autoCompressionHelp()})`)
        .choices(['auto', 'gzip', 'none'])
        .default('auto'),
    )
    .option('--max-output <size>', 'stop once what is written would pass SIZE (e.g. 500M, 10G), removing it')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', referencesHelp({ fallbackTag: 'squashed' }))
    .addHelpText('after', examples(['whittle squash app:latest -o app-squashed.tar', 'whittle squash oci:build/layout:v1 --keep-base -o oci:build/squashed:v1', 'whittle squash docker://registry.example.com/app:1 --last 3 -o docker://registry.example.com/app:1-squashed']))
    .action(async (reference: string, flags: SquashFlags) => {
      const maxOutput = parseMaxOutput(flags.maxOutput);
      const image = await openImage(reference, sourceOptions(flags));
      const { from, base } = await squashStart(image, flags);
      const layers = (await image.layers()).length;
      const progress = progressFor();
      // the merged layer is written next to a local output, so the sink moves it into place
      const local = await usableLocalTarget(flags.output);
      let result;
      try {
        result = await squash(image, {
          from,
          ...(local ? { layerDir: local.dir, reserve: local.reserve } : {}),
          compression: flags.compression === 'auto' ? defaultCompressionOf(flags.output) : flags.compression,
          ...(maxOutput !== undefined ? { maxOutput } : {}),
          onWarning: warn,
          onProgress: (p) => progress.update({ bytes: p.bytes, layersDone: 0, layers, label: p.phase === 'scan' ? `reading ${layers} layers` : 'writing the merged layer' }),
        });
      } finally {
        progress.done();
      }
      try {
        await checkOutputSize(result.image, maxOutput);
        const written = await writeWithProgress(result.image, flags.output, { ...sinkOptions(flags), moveLayerFiles: true, fallbackTag: 'squashed' });
        const summary = {
          input: image.reference,
          output: written.reference,
          manifestDigest: written.manifestDigest,
          configDigest: written.configDigest,
          layersBefore: layers,
          layersAfter: from + 1,
          merged: result.merged,
          ...(base ? { base: { layers: base.count, how: base.how } } : {}),
          contentBytesBefore: result.plan.bytesIn,
          contentBytesAfter: result.plan.bytesOut,
          droppedBytes: result.plan.bytesIn - result.plan.bytesOut,
          mergedLayer: { digest: result.layer.digest, size: result.layer.size, uncompressedSize: result.layer.uncompressedSize },
        };
        if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        else {
          process.stdout.write(
            `squashed ${result.merged} of ${counted(layers, 'layer', 'layers')} into one${base ? ` (kept ${base.count} base layer(s): ${escapeControl(base.how)})` : ''}\n` +
              `file content ${formatBytes(summary.contentBytesBefore)} → ${formatBytes(summary.contentBytesAfter)} (dropped ${formatBytes(summary.droppedBytes)})\n` +
              `wrote ${escapeControl(written.reference)} (${written.manifestDigest})\n`,
          );
        }
      } finally {
        await result.dispose();
      }
      state.exitCode = 0;
    });
}
