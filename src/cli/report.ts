// `whittle report IMAGE -o report.html`: analyze the image (with its whole file tree), tie it to the
// Dockerfile when one is given, compare with a second image when asked, and write one
// self-contained HTML page atomically.
import type { Command } from 'commander';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { scanImage } from '../analyze/run.js';
import { analyze, type Analysis } from '../analyze/index.js';
import { formatBytes } from '../analyze/units.js';
import { writeFileAtomic } from '../internal/atomic.js';
import { escapeControl } from '../internal/escape-text.js';
import { escapeNamesInJson } from '../internal/name-bytes.js';
import { compareImages, factsOf, type FileFacts } from '../report/compare.js';
import { renderReport } from '../report/html.js';
import type { AnalysisDocument } from '../report/document.js';
import type { CommandState } from './main.js';
import { progressFor } from './progress.js';
import { examples } from './help.js';
import { addImageSourceOptions, referencesHelp, sourceOptions, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';

interface ReportFlags extends ImageSourceFlags {
  output: string;
  dockerfile?: string;
  target?: string;
  compare?: string;
  json?: boolean;
}

async function analyzed(reference: string, flags: ReportFlags, facts: boolean): Promise<{ analysis: Analysis; facts: Map<string, FileFacts>; config: Awaited<ReturnType<Awaited<ReturnType<typeof openImage>>['config']>> }> {
  const image = await openImage(reference, sourceOptions(flags));
  const progress = progressFor();
  let collected = new Map<string, FileFacts>();
  try {
    const input = await scanImage(image, { onProgress: (p) => progress.update(p), ...(facts ? { hashContents: 'all' as const } : {}) });
    const analysis = analyze(input, { files: true, ...(facts ? { inspectTree: (tree) => (collected = factsOf(tree)) } : {}) });
    return { analysis, facts: collected, config: input.config };
  } finally {
    progress.done();
  }
}

export function registerReport(program: Command, _state: CommandState): void {
  const cmd = program.command('report');
  addImageSourceOptions(cmd);
  cmd
    .description(SUMMARIES.report)
    .argument('<image>', 'image to read (any transport, a path, a name, or - for stdin; see below)')
    .requiredOption('-o, --output <file>', 'the HTML file to write (replaced atomically)')
    .option('--dockerfile <file>', 'tie the bytes to the lines of the Dockerfile that built the image (view "by Dockerfile line")')
    .option('--target <stage>', 'with --dockerfile: the stage the image was built from (default: the last)')
    .option('--json', 'print what was written as JSON: {output, bytes, image, files, attributed, compared}')
    .option('--compare <image>', 'show a second image side by side: sizes per directory and layer, files added, removed and changed')
    .addHelpText('after', referencesHelp())
    .addHelpText('after', examples(['whittle report app.tar -o report.html', 'whittle report app:1 --dockerfile Dockerfile -o report.html', 'whittle report app:1 --compare app:2 -o diff.html']))
    .action(async (reference: string, flags: ReportFlags) => {
      if (flags.target !== undefined && flags.dockerfile === undefined) throw new WhittleError('usage', '--target needs --dockerfile');
      const attributeModule = flags.dockerfile === undefined ? null : await import('../attribute/cli.js');
      const dockerfile = flags.dockerfile === undefined || attributeModule === null ? null : await attributeModule.readDockerfileInput(flags.dockerfile);
      const compare = flags.compare !== undefined;
      const a = await analyzed(reference, flags, compare);
      const document: AnalysisDocument = { ...a.analysis, gates: [] };
      if (dockerfile && attributeModule) document.attribution = await attributeModule.attributeDockerfile(a.analysis, a.config, dockerfile, flags.target);
      let comparison = null;
      if (compare) {
        const b = await analyzed(flags.compare!, flags, true);
        comparison = compareImages(a, b);
      }
      const html = renderReport({ analysis: document, compare: comparison });
      await writeFileAtomic(flags.output, html);
      const bytes = Buffer.byteLength(html);
      if (flags.json) {
        const attributed = document.attribution ? document.attribution.lines.filter((l) => l.layers.length > 0).length : null;
        process.stdout.write(`${JSON.stringify({ output: flags.output, bytes, image: a.analysis.image.reference, files: a.analysis.sizes.fileCount, attributed, compared: comparison ? comparison.b.reference : null }, escapeNamesInJson, 2)}\n`);
      } else {
        process.stderr.write(`wrote ${escapeControl(flags.output)} (${formatBytes(bytes)}): one self-contained page, open it in a browser\n`);
      }
    });
}
