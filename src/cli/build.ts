// `whittle build [DIR] -o OUT --base REF`: a Node project to an image on a base, without an engine
// (src/build/). Flags and printing only.
import { Command } from 'commander';
import { createBuilder } from '../build/index.js';
import { watch, type SbomSummary, type Written } from './build-watch.js';
import { cacheDir } from '../build/cache.js';
import { chooseDefaultBase, DEFAULT_BASE, DISTROLESS_NODE_MAJORS, openDefaultBase } from '../build/default-base.js';
import { readProject } from '../build/project.js';
import type { Image } from '../image/image.js';
import { openImage } from '../transports/open.js';
import { escapeControl } from '../internal/escape-text.js';
import { formatBytes } from './format.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { writeWithProgress } from './write.js';
import { addImageSinkOptions, addImageSourceOptions, referencesHelp, sinkOptions, sourceOptions, type ImageSinkFlags, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES, VERSION } from './summaries.js';
import { dirname, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { parseSbomFormat, renderSbom, SBOM_FORMATS, type SbomFormat } from '../build/sbom.js';
import { WhittleError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic.js';
import { parseReference } from '../transports/reference.js';
import { attachArtifact, canAttach, localTargetOf } from '../transports/write.js';

/** epochTime is a build time as SBOMs write it: `YYYY-MM-DDThh:mm:ssZ`. */
const epochTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * defaultSbomPath is where --sbom writes without --sbom-output: next to a local output (the file or
 * directory's path plus .cdx.json / .spdx.json), or, for a registry or engine, the repository's last
 * name in the current directory (docker://reg/team/app:1 gives app.cdx.json).
 */
export function defaultSbomPath(output: string, format: SbomFormat): string {
  const suffix = SBOM_FORMATS[format].suffix;
  const { transport, path, ref } = parseReference(output);
  if (transport === 'docker' || transport === 'docker-daemon') {
    const name = `${path}${ref !== undefined ? `:${ref}` : ''}`.replace(/^\/\//, '').replace(/@.*$/, '');
    const last = name.slice(name.lastIndexOf('/') + 1).replace(/:.*$/, '');
    return `${last || 'image'}${suffix}`;
  }
  return `${path}${suffix}`;
}

/** checkDirectory fails before any work when the SBOM's directory does not exist. */
async function checkDirectory(file: string): Promise<void> {
  const dir = dirname(resolve(file));
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new WhittleError('not-found', `--sbom-output: ${dir} is not a directory`);
}

interface BuildFlags extends ImageSourceFlags, ImageSinkFlags {
  output: string;
  base?: string;
  entry?: string;
  prebuilt?: boolean;
  buildScript?: string;
  user: string;
  port?: string[];
  label?: string[];
  cache: boolean;
  json?: boolean;
  sbom?: string;
  sbomOutput?: string;
  watch?: boolean;
}

export function registerBuild(program: Command, state: CommandState): void {
  const cmd = program.command('build');
  addImageSinkOptions(addImageSourceOptions(cmd));
  cmd
    .description(SUMMARIES.build)
    .argument('[dir]', 'the Node project (package.json and its lock file)', '.')
    .requiredOption('-o, --output <ref>', 'where to write (any transport, or PATH.tar; see below)')
    .option('--base <ref>', `the base image: a Node runtime (any transport; see below); default ${DEFAULT_BASE}, the Node major chosen by engines.node`)
    .option('--entry <file>', 'the file node runs (default: package.json main, bin, or the start script\'s node FILE)')
    .option('--prebuilt', 'take the dependencies from the project\'s node_modules instead of installing them from the lock file')
    .option('--build-script <name>', 'run this package.json script first (dev dependencies installed, in a staging copy); its output goes in')
    .option('--user <uid:gid>', 'owner of the files and the user the image runs as', '65532:65532')
    .option('--port <port>', 'a port the image exposes (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--label <key=value>', 'a label to add (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-cache', 'neither read nor write the build cache (base facts, dependency layers; see docs/build.md)')
    .option('--sbom <format>', 'also write the production dependencies, the app and the base as an SBOM: cyclonedx (1.5 JSON) or spdx (2.3 JSON); attached to the image when pushing to docker://')
    .option('--sbom-output <path>', 'where the SBOM goes (default: next to the output, OUT.cdx.json or OUT.spdx.json; for docker:// and docker-daemon:, REPO-NAME.cdx.json in the current directory)')
    .option('--json', 'print the result as JSON (with --watch, one JSON object per line per build)')
    .option('--watch', 'build and write, then build and write again to the same output whenever a project file that goes into the image changes, until stopped (Ctrl-C, SIGTERM: exit 0); one line per build')
    .addHelpText(
      'after',
      `\nWithout --base, the base is Google's distroless Node runtime, ${DEFAULT_BASE}: node and glibc, no shell, no npm, no package manager, running as uid 65532 (the default --user). Its Node major is the first of ${DISTROLESS_NODE_MAJORS.join(', ')} that package.json engines.node allows. It is read from gcr.io: offline, give --base.\n`,
    )
    .addHelpText('after', '\nFiles are dated SOURCE_DATE_EPOCH, else the last git commit (the lock file\'s for the dependency layer); see docs/build.md.\n')
    .addHelpText(
      'after',
      '\n--watch keeps the base and the dependency layer in memory and builds again on the first change (changes during a build start one more build after it); a build that fails prints its error and the watch goes on; an image equal to the last one written is not written again. See docs/build.md.\n',
    )
    .addHelpText('after', referencesHelp({ fallbackTag: 'latest' }))
    .addHelpText('after', examples(['whittle build . --base docker-daemon:node-runtime:20 -o app.tar', 'whittle build . -o docker://registry.example.com/app:1 --sbom cyclonedx', 'whittle build app --base oci:bases/node:20 --build-script build -o docker://registry.example.com/app:1', 'whittle build . --base oci:bases/node:20 -o docker-daemon:app:dev --watch']))
    .action(async (dir: string, flags: BuildFlags) => {
      const sbomFormat = flags.sbom !== undefined ? parseSbomFormat(flags.sbom) : undefined;
      if (flags.sbomOutput !== undefined && sbomFormat === undefined) throw new WhittleError('usage', '--sbom-output needs --sbom cyclonedx|spdx');
      const sbomPath = sbomFormat ? (flags.sbomOutput ?? defaultSbomPath(flags.output, sbomFormat)) : undefined;
      if (sbomPath) await checkDirectory(sbomPath);
      // the build's own output, when it is inside the project, is not an app file (nor, watching, a change)
      const outputPath = localTargetOf(flags.output)?.path;
      const leaveOut = [...(outputPath ? [outputPath] : []), ...(sbomPath ? [resolve(sbomPath)] : [])];
      // the base's source keeps what it checked in the build cache (docs/build.md)
      const openOptions = { ...sourceOptions(flags), ...(flags.cache ? { cacheDir: cacheDir(process.env) } : {}) };
      let base: Image;
      let baseName: string;
      if (flags.base !== undefined) {
        base = await openImage(flags.base, openOptions);
        baseName = flags.base;
      } else {
        // the project is read first: its errors come before the base's, and engines.node picks the base
        const choice = chooseDefaultBase((await readProject(dir)).pkg.engines?.node);
        base = await openDefaultBase(choice, (ref) => openImage(ref, openOptions));
        baseName = choice.name;
      }
      const builder = createBuilder({
        dir,
        base,
        baseName,
        ...(flags.entry !== undefined ? { entry: flags.entry } : {}),
        ...(flags.prebuilt ? { prebuilt: true } : {}),
        ...(flags.buildScript !== undefined ? { buildScript: flags.buildScript } : {}),
        user: flags.user,
        ports: flags.port ?? [],
        labels: flags.label ?? [],
        cache: flags.cache,
        ...(sbomFormat ? { sbom: true } : {}),
        leaveOut,
        onWarning: (m) => process.stderr.write(`whittle: warning: ${escapeControl(m)}\n`),
      });
      // the blobs the output's repository holds, as the pushes of this process found or put them
      // (a registry output; each build of a watch pushes the same base and dependency blobs)
      const pushed = new Set<string>();
      /** buildAndWrite is one build: the image, written unless it is the one written last, and its SBOM. */
      const buildAndWrite = async (changed: readonly string[] | undefined, last: Written | null): Promise<Written> => {
        const result = await builder.build(changed);
        try {
          const imageDigest = await result.image.digest();
          if (last && last.imageDigest === imageDigest) return { ...last, result, written: false };
          const sink = sinkOptions(flags);
          const written = await writeWithProgress(result.image, flags.output, { ...sink, registry: { ...sink.registry, known: pushed }, fallbackTag: 'latest' }).catch((err: unknown) => {
            pushed.clear(); // the registry may have lost what it held (a failed push checks every blob again)
            throw err;
          });
          let sbom: SbomSummary | undefined;
          if (sbomFormat && sbomPath) {
            const bytes = renderSbom(sbomFormat, {
              app: result.app,
              base: { name: baseName, digest: await base.digest() },
              packages: result.packages ?? [],
              imageDigest: written.manifestDigest,
              created: epochTime(result.epoch.seconds),
              tool: { name: 'whittle', version: VERSION },
            });
            await writeFileAtomic(sbomPath, bytes);
            sbom = { path: sbomPath, format: sbomFormat };
            if (canAttach(flags.output)) {
              const rawManifest = await result.image.rawManifest();
              const mediaType = (await result.image.manifest()).mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
              sbom.attached = await attachArtifact(
                written.reference,
                { mediaType, digest: written.manifestDigest, size: rawManifest.byteLength },
                { artifactType: SBOM_FORMATS[sbomFormat].mediaType, blob: bytes, title: `sbom${SBOM_FORMATS[sbomFormat].suffix}`, annotations: { 'org.opencontainers.image.created': epochTime(result.epoch.seconds) } },
                sinkOptions(flags),
              );
            }
          }
          return { result, write: written, imageDigest, written: true, ...(sbom ? { sbom } : {}) };
        } finally {
          await result.dispose();
        }
      };
      const summaryOf = (w: Written) => {
        const { result, write: written, sbom } = w;
        const layer = (l: typeof result.appLayer) => ({ digest: l.digest, diffId: l.diffId, size: l.size, uncompressedSize: l.uncompressedSize });
        return {
          project: dir,
          output: written.reference,
          manifestDigest: written.manifestDigest,
          configDigest: written.configDigest,
          base: baseName,
          node: result.node,
          nodeVersion: result.base.nodeVersion?.version ?? null,
          entry: result.entry,
          files: { rule: result.fileRule, app: result.appFiles, dependencies: result.depFiles },
          epoch: result.epoch,
          cached: result.cached,
          dependencyLayer: layer(result.dependencyLayer),
          appLayer: layer(result.appLayer),
          ...(sbom ? { sbom } : {}),
        };
      };
      if (flags.watch) {
        await watch(dir, flags, leaveOut, buildAndWrite, summaryOf);
        return;
      }
      let once: Written;
      try {
        once = await buildAndWrite(undefined, null);
      } finally {
        await builder.close();
      }
      const { result, write: written, sbom } = once;
      if (flags.json) process.stdout.write(JSON.stringify(summaryOf(once), null, 2) + '\n');
      else {
        process.stdout.write(
          `dependencies: ${result.depFiles} entries, ${formatBytes(result.dependencyLayer.size)} (${result.dependencyLayer.digest})${result.cached.dependencies ? ', from the cache' : ''}\n` +
            `app: ${result.appFiles} files (${escapeControl(result.fileRule)}), ${formatBytes(result.appLayer.size)} (${result.appLayer.digest})\n` +
            `entrypoint: ${escapeControl(result.node)} /app/${escapeControl(result.entry)}\n` +
            `wrote ${escapeControl(written.reference)} (${written.manifestDigest})\n` +
            (sbom ? `sbom: ${sbom.format}, ${result.packages?.length ?? 0} packages, ${escapeControl(sbom.path)}${sbom.attached ? `; attached as ${sbom.attached.digest}${sbom.attached.tag ? ` (referrers tag ${sbom.attached.tag})` : ''}` : ''}\n` : ''),
        );
      }
      state.exitCode = 0;
    });
}
