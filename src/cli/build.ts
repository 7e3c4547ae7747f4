// `whittle build [DIR] -o OUT --base REF`: a Node project to an image on a base, without an engine
// (src/build/). Flags and printing only.
import { Command } from 'commander';
import { build } from '../build/index.js';
import { cacheDir } from '../build/cache.js';
import { openImage } from '../transports/open.js';
import { escapeControl } from '../internal/escape-text.js';
import { formatBytes } from './format.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { writeWithProgress } from './write.js';
import { addImageSinkOptions, addImageSourceOptions, referencesHelp, sinkOptions, sourceOptions, type ImageSinkFlags, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';

interface BuildFlags extends ImageSourceFlags, ImageSinkFlags {
  output: string;
  base: string;
  entry?: string;
  prebuilt?: boolean;
  buildScript?: string;
  user: string;
  port?: string[];
  label?: string[];
  cache: boolean;
  json?: boolean;
}

export function registerBuild(program: Command, state: CommandState): void {
  const cmd = program.command('build');
  addImageSinkOptions(addImageSourceOptions(cmd));
  cmd
    .description(SUMMARIES.build)
    .argument('[dir]', 'the Node project (package.json and its lock file)', '.')
    .requiredOption('-o, --output <ref>', 'where to write (any transport, or PATH.tar; see below)')
    .requiredOption('--base <ref>', 'the base image: a Node runtime (any transport; see below)')
    .option('--entry <file>', 'the file node runs (default: package.json main, bin, or the start script\'s node FILE)')
    .option('--prebuilt', 'take the dependencies from the project\'s node_modules instead of installing them from the lock file')
    .option('--build-script <name>', 'run this package.json script first (dev dependencies installed, in a staging copy); its output goes in')
    .option('--user <uid:gid>', 'owner of the files and the user the image runs as', '65532:65532')
    .option('--port <port>', 'a port the image exposes (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--label <key=value>', 'a label to add (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-cache', 'neither read nor write the build cache (base facts, dependency layers; see docs/build.md)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nFiles are dated SOURCE_DATE_EPOCH, else the last git commit (the lock file\'s for the dependency layer); see docs/build.md.\n')
    .addHelpText('after', referencesHelp({ fallbackTag: 'latest' }))
    .addHelpText('after', examples(['whittle build . --base docker-daemon:node-runtime:20 -o app.tar', 'whittle build app --base oci:bases/node:20 --build-script build -o docker://registry.example.com/app:1']))
    .action(async (dir: string, flags: BuildFlags) => {
      const base = await openImage(flags.base, { ...sourceOptions(flags), ...(flags.cache ? { cacheDir: cacheDir(process.env) } : {}) });
      const result = await build({
        dir,
        base,
        baseName: flags.base,
        ...(flags.entry !== undefined ? { entry: flags.entry } : {}),
        ...(flags.prebuilt ? { prebuilt: true } : {}),
        ...(flags.buildScript !== undefined ? { buildScript: flags.buildScript } : {}),
        user: flags.user,
        ports: flags.port ?? [],
        labels: flags.label ?? [],
        cache: flags.cache,
        onWarning: (m) => process.stderr.write(`whittle: warning: ${escapeControl(m)}\n`),
      });
      try {
        const written = await writeWithProgress(result.image, flags.output, { ...sinkOptions(flags), fallbackTag: 'latest' });
        const layer = (l: typeof result.appLayer) => ({ digest: l.digest, diffId: l.diffId, size: l.size, uncompressedSize: l.uncompressedSize });
        const summary = {
          project: dir,
          output: written.reference,
          manifestDigest: written.manifestDigest,
          configDigest: written.configDigest,
          base: flags.base,
          node: result.node,
          nodeVersion: result.base.nodeVersion?.version ?? null,
          entry: result.entry,
          files: { rule: result.fileRule, app: result.appFiles, dependencies: result.depFiles },
          epoch: result.epoch,
          cached: result.cached,
          dependencyLayer: layer(result.dependencyLayer),
          appLayer: layer(result.appLayer),
        };
        if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        else {
          process.stdout.write(
            `dependencies: ${result.depFiles} entries, ${formatBytes(result.dependencyLayer.size)} (${result.dependencyLayer.digest})${result.cached.dependencies ? ', from the cache' : ''}\n` +
              `app: ${result.appFiles} files (${escapeControl(result.fileRule)}), ${formatBytes(result.appLayer.size)} (${result.appLayer.digest})\n` +
              `entrypoint: ${escapeControl(result.node)} /app/${escapeControl(result.entry)}\n` +
              `wrote ${escapeControl(written.reference)} (${written.manifestDigest})\n`,
          );
        }
      } finally {
        await result.dispose();
      }
      state.exitCode = 0;
    });
}
