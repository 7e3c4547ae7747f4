// The options every image-reading or image-writing command shares, declared once: which platform
// to pick, and how to reach a registry (skopeo's names: --creds/--src-creds for reading,
// --dest-creds for writing, plain http with --insecure/--dest-insecure; localhost needs neither).
// WHITTLE_REGISTRY_CREDS and WHITTLE_INSECURE_REGISTRY still apply; these flags win over them.
import type { Command } from 'commander';
import { WhittleError } from '../errors.js';
import { parseCreds, type Credentials } from '../internal/credentials.js';
import { escapeControl } from '../internal/escape-text.js';
import { TRANSPORTS, type OpenOptions, type WriteOptions } from '../transports/index.js';

export interface ImageSourceFlags {
  platform?: string;
  creds?: string;
  srcCreds?: string;
  insecure?: boolean;
  srcInsecure?: boolean;
}

export interface ImageSinkFlags {
  destCreds?: string;
  destInsecure?: boolean;
}

function credentials(value: string, flag: string): Credentials {
  const creds = parseCreds(value);
  if (creds.username === '') throw new WhittleError('usage', `${flag} needs USER:PASSWORD`);
  return creds;
}

export function addImageSourceOptions(cmd: Command): Command {
  return cmd
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--creds <user:password>', 'registry credentials for reading (default: docker config.json, credential helpers)')
    .option('--src-creds <user:password>', 'the same as --creds (skopeo\'s name)')
    .option('--insecure', 'read from a registry over plain http (localhost needs no flag)')
    .option('--src-insecure', 'the same as --insecure');
}

export function addImageSinkOptions(cmd: Command): Command {
  return cmd
    .option('--dest-creds <user:password>', 'registry credentials for writing to docker://')
    .option('--dest-insecure', 'write to a registry over plain http');
}

export function sourceOptions(flags: ImageSourceFlags): OpenOptions {
  const creds = flags.creds ?? flags.srcCreds;
  const registry = {
    ...(creds !== undefined ? { creds: credentials(creds, flags.creds !== undefined ? '--creds' : '--src-creds') } : {}),
    ...(flags.insecure || flags.srcInsecure ? { insecure: true } : {}),
  };
  return {
    ...(flags.platform ? { platform: flags.platform } : {}),
    ...(Object.keys(registry).length ? { registry } : {}),
    // one line on stderr (stdout stays clean for --json): which image a bare name turned out to be
    onResolve: (reference) => process.stderr.write(`whittle: using ${escapeControl(reference)}\n`),
  };
}

export function sinkOptions(flags: ImageSinkFlags): WriteOptions {
  const registry = {
    ...(flags.destCreds !== undefined ? { creds: credentials(flags.destCreds, '--dest-creds') } : {}),
    ...(flags.destInsecure ? { insecure: true } : {}),
  };
  return Object.keys(registry).length ? { registry } : {};
}

/**
 * referencesHelp lists the image references a command takes, from the transport table, for the end
 * of its help. With `output`, it also says how a bare output path is written and tagged.
 */
export function referencesHelp(output?: { fallbackTag: string }): string {
  const rows: [string, string][] = [
    ...TRANSPORTS.map((t): [string, string] => [t.syntax, t.description]),
    ['PATH', 'any of the files above, format detected'],
    ['NAME[:TAG]', 'the engine\'s image if any, else the registry\'s'],
    ['-', 'a `docker save` stream on stdin'],
  ];
  const width = Math.max(...rows.map(([s]) => s.length));
  const list = (r: [string, string][]) => r.map(([s, d]) => `  ${s.padEnd(width)}  ${d}`).join('\n');
  let text = `\nImage references:\n${list(rows)}\n`;
  if (output) {
    text +=
      `\nOutput (-o): a transport above, or PATH.tar: a docker-archive tagged with the\n` +
      `image's own tag, else whittle/NAME:${output.fallbackTag} (NAME from the file name).\n`;
  }
  return text.trimEnd(); // commander ends each text with a newline
}

/** autoCompressionHelp says what `--compression auto` writes for each transport, from the table. */
export function autoCompressionHelp(): string {
  const prefix = (syntax: string) => syntax.slice(0, syntax.search(/[A-Z]/)); // docker-archive:, docker://
  const by = (c: 'gzip' | 'none') => TRANSPORTS.filter((t) => t.defaultCompression === c).map((t) => prefix(t.syntax)).join(', ');
  return `none for ${by('none')} and PATH.tar; gzip for ${by('gzip')}`;
}
