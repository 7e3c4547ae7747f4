// `whittle variants [DIR]`: builds every variant of the app's image, measures and checks each, and
// prints the table (text, --json or --markdown); writes the winner's Dockerfile or image on request.
// Every image and container it made is removed at the end, on failure, and on SIGINT/SIGTERM.
import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WhittleError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic.js';
import { registerUndo } from '../internal/cleanup.js';
import { escapeControl } from '../internal/escape-text.js';
import { openImage } from '../transports/open.js';
import { parseBaseMap } from '../variants/base-map.js';
import { parseCheck } from '../variants/check.js';
import { DockerEngine } from '../variants/docker-engine.js';
import { VARIANT_MAKERS } from '../variants/makers.js';
import { renderMarkdown, renderText, toJson } from '../variants/render.js';
import { runVariants, type VariantsReport } from '../variants/run.js';
import { engineProblem } from '../internal/docker-cli.js';
import { examples } from './help.js';
import type { CommandState } from './main.js';
import { SUMMARIES } from './summaries.js';
import { addImageSinkOptions, referencesHelp, sinkOptions, type ImageSinkFlags } from './image-options.js';
import { writeWithProgress } from './write.js';
import { formatBytes } from './format.js';

interface VariantsFlags extends ImageSinkFlags {
  file?: string;
  baseMap?: string[];
  buildBase?: string;
  registry?: string;
  checkCmd?: string;
  checkHttp?: string;
  runs: string;
  json?: boolean;
  markdown?: boolean;
  writeDockerfile?: string;
  output?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** smallestDockerfile is the passing Dockerfile variant with the least compressed size. */
function smallestDockerfile(report: VariantsReport) {
  const ok = report.variants.filter((r) => r.dockerfile !== null && r.sizes !== null && (r.status === 'passed' || (r.status === 'unchecked' && r.reason === null)));
  return ok.sort((a, b) => a.sizes!.compressed - b.sizes!.compressed)[0] ?? null;
}

export function registerVariants(program: Command, state: CommandState): void {
  const cmd = program.command('variants');
  addImageSinkOptions(cmd);
  cmd
    .description(SUMMARIES.variants)
    .argument('[dir]', 'build context directory', '.')
    .option('-f, --file <Dockerfile>', 'the Dockerfile (default DIR/Dockerfile; as docker build -f)')
    .option('--base-map <from=to>', 'build FROM images named FROM from TO instead (repeatable; offline and mirrored setups)', collect)
    .option('--build-base <ref>', 'the base the built row (whittle build of a Node project) builds onto (default: the one whittle build takes, distroless Node for package.json engines.node; --base-map applies)')
    .option('--registry <host:port>', 'push each variant to this registry and time its pull (e.g. a local registry on 127.0.0.1:5000)')
    .option('--check-cmd <args>', 'check: `docker run --rm IMAGE ARGS`, exit code and stdout must match as-is')
    .option('--check-http <port/path>', 'check: run the image detached, GET PATH on its PORT; status and body must match as-is')
    .option('--runs <n>', 'timed runs of the check after a warm-up', '3')
    .option('--json', 'print the table as JSON (schema: docs/variants.md)')
    .option('--markdown', 'print the table as Markdown, for a pull-request comment')
    .option('--write-dockerfile <file>', 'write the smallest passing Dockerfile variant to FILE')
    .option('-o, --output <ref>', 'write the smallest passing image (any transport, or PATH.tar)')
    .addHelpText('after', '\nWithout --check-cmd or --check-http the check is the image\'s HEALTHCHECK; with none, variants are built and measured, not proven.\n')
    .addHelpText('after', referencesHelp({ fallbackTag: 'variant' }))
    .addHelpText('after', examples(["whittle variants . --check-http 3000/health", "whittle variants app -f app/Dockerfile --check-cmd 'node -e \"console.log(1)\"' --markdown", 'whittle variants --base-map node:20=mirror.example.com/node:20 --registry 127.0.0.1:5000 --write-dockerfile Dockerfile.small']))
    .action(async (dir: string, flags: VariantsFlags) => {
      if (flags.json && flags.markdown) throw new WhittleError('usage', '--json and --markdown cannot be used together');
      if (!/^\d+$/.test(flags.runs) || Number(flags.runs) < 1 || Number(flags.runs) > 100) throw new WhittleError('usage', `--runs needs a whole number from 1 to 100, got ${JSON.stringify(flags.runs)}`);
      const check = parseCheck(flags);
      const baseMap = parseBaseMap(flags.baseMap ?? []);
      if (flags.registry !== undefined && !/^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:]+\](?::\d{1,5})?$/.test(flags.registry)) {
        throw new WhittleError('usage', `--registry needs HOST[:PORT] (e.g. 127.0.0.1:5000), got ${JSON.stringify(flags.registry)}`);
      }
      if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new WhittleError('usage', `${dir}: not a directory`);
      const file = flags.file ?? path.join(dir, 'Dockerfile');
      const dockerfile = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new WhittleError('usage', `reading ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      const problem = await engineProblem();
      if (problem !== null) throw new WhittleError('io', `whittle variants needs a Docker engine: ${problem}`);
      const tagPrefix = `whittle-variants-${process.pid}-${randomBytes(3).toString('hex')}`;
      const engine = new DockerEngine({ context: dir, tmpPrefix: `${tagPrefix}-`, ...(sinkOptions(flags).registry ? { registry: sinkOptions(flags).registry! } : {}) });
      // interrupted (SIGINT, SIGTERM, SIGHUP: src/internal/cleanup.ts), what was made so far is removed before the process ends
      const forgetUndo = registerUndo(() => {
        process.stderr.write('whittle: interrupted: removing the images and containers made so far\n');
        engine.cleanupSync();
      });
      try {
        const report = await runVariants({
          dockerfile,
          engine,
          makers: VARIANT_MAKERS,
          check,
          runs: Number(flags.runs),
          baseMap,
          context: dir,
          ...(flags.buildBase !== undefined ? { buildBase: flags.buildBase } : {}),
          ...(flags.registry !== undefined ? { registry: flags.registry } : {}),
          tagPrefix,
          log: (line) => process.stderr.write(`variants: ${line}\n`),
        });
        process.stdout.write(flags.json ? JSON.stringify(toJson(report), null, 2) + '\n' : flags.markdown ? renderMarkdown(report) : renderText(report));
        state.exitCode = report.smallest === null ? 1 : 0;
        if (flags.writeDockerfile !== undefined) {
          const best = smallestDockerfile(report);
          if (!best) {
            process.stderr.write('whittle: --write-dockerfile: no Dockerfile variant passed the check; nothing written\n');
            state.exitCode = 1;
          } else {
            await writeFileAtomic(flags.writeDockerfile, best.dockerfile!);
            process.stderr.write(`variants: wrote the ${best.id} Dockerfile to ${escapeControl(flags.writeDockerfile)} (${formatBytes(best.sizes!.compressed)} compressed)\n`);
          }
        }
        if (flags.output !== undefined) {
          const best = report.variants.find((r) => r.id === report.smallest);
          if (!best?.tag) {
            process.stderr.write('whittle: -o: no variant passed the check; nothing written\n');
            state.exitCode = 1;
          } else {
            const written = await writeWithProgress(await openImage(`docker-daemon:${best.tag}`), flags.output, { ...sinkOptions(flags), fallbackTag: 'variant' });
            process.stderr.write(`variants: wrote the ${best.id} image to ${escapeControl(written.reference)} (${written.manifestDigest})\n`);
          }
        }
      } finally {
        await engine.cleanup();
        forgetUndo();
      }
    });
}
