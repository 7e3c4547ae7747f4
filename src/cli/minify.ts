// `whittle minify IMAGE -o OUT`: cut an image down to the static closure of what its config runs,
// written as one layer; --explain / --json give each kept path its reasons, --why one path's answer.
import { Command, Option } from 'commander';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { defaultCompressionOf } from '../transports/write.js';
import { minify, type MinifyPlan } from '../minify/index.js';
import { formatBytes } from './format.js';
import type { CommandState } from './main.js';
import type { Image } from '../image/image.js';
import type { Check } from '../minify/verify.js';
import { examples } from './help.js';
import { progressFor } from './progress.js';
import { usableLocalTarget, writeWithProgress } from './write.js';
import { addImageSinkOptions, addImageSourceOptions, autoCompressionHelp, referencesHelp, sinkOptions, sourceOptions, type ImageSinkFlags, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';
import { counted } from '../internal/plural.js';
import { resolve } from '../analyze/resolve.js';
import { checkFrom, EngineImages, formatVerification, requireEngine, timeoutOf, verificationJson, verifying, verifyMinified, type MinifyVerification, type VerifyFlags } from './minify-verify.js';
import { probeOriginal, type ProbeRun } from '../minify/probe.js';
import { formatProbe, probeJson } from './minify-probe.js';

interface MinifyFlags extends ImageSourceFlags, ImageSinkFlags, VerifyFlags {
  output?: string;
  keep?: string[];
  explain?: boolean;
  json?: boolean;
  why?: string;
  split?: boolean;
  compression: 'auto' | 'gzip' | 'none';
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** why answers for one path: its reasons when kept, else why not. */
export function why(plan: MinifyPlan, asked: string): { path: string; kept: boolean; reasons: string[] } {
  const path = asked.replace(/^\/+/, '').replace(/\/+$/, '');
  const reasons = plan.kept.get(path);
  if (reasons) return { path: `/${path}`, kept: true, reasons };
  if (!plan.tree.has(path)) {
    const r = resolve(plan.tree, path);
    const target = r !== null && r !== path ? plan.kept.get(r) : undefined;
    if (target) return { path: `/${path}`, kept: true, reasons: [`resolves to /${r} through kept symlinks`, ...target] };
    return { path: `/${path}`, kept: false, reasons: ['not in the image'] };
  }
  return { path: `/${path}`, kept: false, reasons: [`nothing the entrypoint runs reaches it (--keep /${path} keeps it)`] };
}

export function registerMinify(program: Command, state: CommandState): void {
  const cmd = program.command('minify');
  addImageSinkOptions(addImageSourceOptions(cmd));
  cmd
    .description(SUMMARIES.minify)
    .argument('<image>', 'image to read (any transport, a path, a name, or - for stdin; see below)')
    .option('-o, --output <ref>', 'where to write (any transport, or PATH.tar; see below); not needed with --why')
    .option('--keep <glob>', 'also keep paths matching the glob (`**` any depth), with what a kept program needs (repeatable)', collect)
    .option('--split', 'write two layers: the system files, then the app (what is under WorkingDir and the entry\'s own package), so apps on the same base share the first')
    .option('--explain', 'list every kept path with the reasons it was kept')
    .option('--why <path>', 'say why one path is kept, or why not (writes nothing unless -o is given)')
    .addOption(new Option('--compression <type>', `compression of the layer whittle writes (auto: what the output usually holds: ${autoCompressionHelp()})`).choices(['auto', 'gzip', 'none']).default('auto'))
    .option('--verify', 'run the original and the minified image with the same check (an engine is needed) and write nothing when they answer differently')
    .option('--check-cmd <args>', 'the check: run the image with these arguments; exit status and stdout compared (implies --verify)')
    .option('--check-http <port/path>', 'the check: start the image with its own command and GET PORT/PATH on 127.0.0.1; status and body compared (implies --verify)')
    .option('--check-timeout <seconds>', 'how long each image gets to answer the check (default 60)')
    .option('--probe', "run the original under the check (the --check flags, or its HEALTHCHECK) with strace from this machine tracing every file it touches, and keep those too (an engine on this machine is needed)")
    .option('--json', 'print the kept paths with their reasons, the warnings and the result as JSON')
    .addHelpText('after', referencesHelp({ fallbackTag: 'minified' }))
    .addHelpText('after', examples(['whittle minify app:latest -o app-min.tar', 'whittle minify app:latest --explain -o oci:build/min:v1', "whittle minify app:latest --keep '/usr/share/zoneinfo/**' -o app-min.tar", 'whittle minify app:latest --why /etc/ssl/certs/ca-certificates.crt', "whittle minify app:latest --check-http 8080/health -o docker-archive:app-min.tar:app:min"]))
    .action(async (reference: string, flags: MinifyFlags) => {
      if (!flags.output && flags.why === undefined) throw new WhittleError('usage', 'minify needs -o OUT (or --why PATH)');
      const source = sourceOptions(flags);
      let resolved = reference; // a bare name found in the engine is run there as it is by --verify
      const image = await openImage(reference, { ...source, onResolve: (r) => ((resolved = r), source.onResolve?.(r)) });
      const check = await checkFrom(flags, image);
      const timeoutMs = timeoutOf(flags.checkTimeout);
      if (verifying(flags) && !flags.output) throw new WhittleError('usage', '--verify needs -o OUT: it checks the image it would write');
      if (check) await requireEngine(verifying(flags) ? '--verify runs both images' : '--probe runs the original');
      const engine = check ? new EngineImages() : null;
      try {
        let probed: ProbeRun | undefined;
        if (flags.probe && check && engine) probed = await probeOriginal(await engine.original(image, resolved), await image.config(), check, { timeoutMs });
        await minifyAndReport(image, resolved, flags, check, timeoutMs, probed, engine, state);
      } finally {
        await engine?.dispose();
      }
    });
}

async function minifyAndReport(image: Image, resolved: string, flags: MinifyFlags, check: Check | null, timeoutMs: number, probed: ProbeRun | undefined, engine: EngineImages | null, state: CommandState): Promise<void> {
  const progress = progressFor();
  const layers = (await image.layers()).length;
  const local = flags.output ? await usableLocalTarget(flags.output) : null;
  let result;
  try {
    result = await minify(image, {
      ...(local ? { layerDir: local.dir, reserve: local.reserve } : {}),
      keep: flags.keep ?? [],
      ...(flags.split ? { split: true } : {}),
      ...(probed ? { probe: probed.trace.touched } : {}),
      dryRun: !flags.output,
      compression: flags.compression !== 'auto' ? flags.compression : flags.output ? defaultCompressionOf(flags.output) : 'none',
      onProgress: (p) =>
        progress.update({ bytes: p.bytes, layersDone: 0, layers, label: p.phase === 'scan' ? `reading ${layers} layers` : p.phase === 'trace' ? 'reading programs and libraries' : 'writing the closure' }),
    });
  } finally {
    progress.done();
  }
  try {
    let verified: MinifyVerification | undefined;
    if (check && engine && verifying(flags) && result.image) verified = await verifyMinified(engine, image, resolved, result.image, result.plan, check, timeoutMs);
    const failed = verified !== undefined && verified.difference !== null;
    const written = result.image && flags.output && !failed ? await writeWithProgress(result.image, flags.output, { ...sinkOptions(flags), moveLayerFiles: true, fallbackTag: 'minified' }) : undefined;
    const { plan } = result;
    const answer = flags.why !== undefined ? why(plan, flags.why) : undefined;
    if (flags.json) {
      process.stdout.write(
        JSON.stringify(
          {
            input: image.reference,
            ...(written ? { output: written.reference, manifestDigest: written.manifestDigest, configDigest: written.configDigest } : {}),
            before: plan.before,
            after: plan.after,
            ...(answer ? { why: answer } : {}),
            ...(plan.split ? { split: plan.split } : {}),
            ...(probed ? { probe: probeJson(probed, plan) } : {}),
            ...(verified ? { verify: verificationJson(verified) } : {}),
            warnings: plan.warnings,
            kept: [...plan.kept].map(([path, reasons]) => ({ path: `/${path}`, reasons, ...(plan.created.has(path) ? { created: true } : {}) })),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const lines: string[] = [];
      if (answer) lines.push(`${answer.path}: ${answer.kept ? 'kept' : 'not kept'}`, ...answer.reasons.map((r) => `  ${r}`));
      if (flags.explain) for (const [path, reasons] of plan.kept) lines.push(`/${path}${plan.created.has(path) ? ' (created)' : ''}`, ...reasons.map((r) => `  ${r}`));
      if (!answer || written) {
        lines.push(
          `kept ${counted(plan.after.paths, 'path', 'paths')} of ${plan.before.paths}, ${formatBytes(plan.after.bytes)} of ${formatBytes(plan.before.bytes)} of file content`,
        );
      }
      if (plan.split) lines.push(`split: ${counted(plan.split.systemPaths, 'path', 'paths')} in the system layer, ${counted(plan.split.appPaths, 'path', 'paths')} in the app layer (${plan.split.appRoots.join(', ')})`);
      if (probed) lines.push(...formatProbe(probed, plan));
      for (const w of plan.warnings) lines.push(`warning: ${w}`);
      if (verified) lines.push(...formatVerification(verified));
      if (written) lines.push(`wrote ${written.reference} (${written.manifestDigest})`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    if (failed) {
      process.stderr.write(`whittle: verify failed: ${verified!.difference}; nothing was written\n`);
      state.exitCode = 1;
      return;
    }
  } finally {
    await result.dispose();
  }
  state.exitCode = 0;
}
