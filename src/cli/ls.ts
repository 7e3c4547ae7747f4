// `whittle ls IMAGE [PATH] [--layer N] [-l] [--json] [--wide]`: the files of an image's merged
// filesystem, or of one layer with the changes it makes, one per line (dive's file pane, for pipes).
import { Command } from 'commander';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { listImage, modeString, type Change, type ListedPath } from '../analyze/ls.js';
import { elideMiddle, terminalWidth } from '../internal/width.js';
import { escapeControl } from '../internal/escape-text.js';
import { escapeName } from '../internal/name-bytes.js';
import type { CommandState } from './main.js';
import { examples } from './help.js';
import { progressFor } from './progress.js';
import { addImageSourceOptions, referencesHelp, sourceOptions, type ImageSourceFlags } from './image-options.js';
import { SUMMARIES } from './summaries.js';

interface LsFlags extends ImageSourceFlags {
  layer?: string;
  long?: boolean;
  json?: boolean;
  wide?: boolean;
}

const MARK: Record<Change, string> = { added: 'A', modified: 'M', deleted: 'D', opaque: 'D' };

function layerFlag(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new WhittleError('usage', `--layer needs a whole number (0 = base, -1 = top), got ${JSON.stringify(value)}`);
  return Number(value);
}

/** name is how a path is printed: `-> target` for a symlink, `link to X` for a hard link, `/*` after an opaque directory; control characters escaped. */
function name(p: ListedPath): string {
  return escapeControl(rawName(p));
}

function rawName(p: ListedPath): string {
  if (p.change === 'opaque') return `${p.path === '/' ? '' : p.path}/*`;
  if (p.type === 'symlink') return `${p.path} -> ${p.target ?? ''}`;
  if (p.type === 'hardlink') return `${p.path} link to ${p.target ?? ''}`;
  return p.path;
}

/** jsonLine is one JSON Lines record, keys in a fixed order. */
export function jsonLine(p: ListedPath): string {
  const { path, type, mode, uid, gid, size, layer, target, change } = p;
  return JSON.stringify({ path: escapeName(path), type, mode: mode === null ? null : modeString(type, mode), uid, gid, size, layer, target: target === null ? null : escapeName(target), change });
}

/** textLines renders the listing: the change mark with --layer, the long columns with -l, and the name fitted to width. */
export function* textLines(paths: readonly ListedPath[], opts: { long: boolean; layer: boolean; width: number | null }): Generator<string> {
  const owner = (p: ListedPath) => (p.uid === null ? '?' : `${p.uid}:${p.gid}`);
  const size = (p: ListedPath) => (p.size === null ? '?' : String(p.size));
  const at = (p: ListedPath) => (p.layer === null ? '-' : String(p.layer));
  const w = { owner: 0, size: 0, layer: 0 };
  if (opts.long) {
    for (const p of paths) {
      w.owner = Math.max(w.owner, owner(p).length);
      w.size = Math.max(w.size, size(p).length);
      w.layer = Math.max(w.layer, at(p).length);
    }
  }
  for (const p of paths) {
    let prefix = opts.layer ? `${p.change ? MARK[p.change] : ' '} ` : '';
    if (opts.long) prefix += `${modeString(p.type, p.mode)} ${owner(p).padEnd(w.owner)} ${size(p).padStart(w.size)} ${at(p).padStart(w.layer)} `;
    yield prefix + elideMiddle(name(p), opts.width === null ? null : Math.max(20, opts.width - prefix.length));
  }
}

/** writeLines writes lines to stdout as they come, waiting when the pipe is full (bounded memory for long listings). */
async function writeLines(lines: Iterable<string>): Promise<void> {
  let buffer = '';
  for (const line of lines) {
    buffer += line + '\n';
    if (buffer.length < 64 * 1024) continue;
    if (!process.stdout.write(buffer)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    buffer = '';
  }
  if (buffer !== '') process.stdout.write(buffer);
}

function* mapped<T>(items: readonly T[], fn: (item: T) => string): Iterable<string> {
  for (const item of items) yield fn(item);
}

export function registerLs(program: Command, state: CommandState): void {
  const cmd = program.command('ls');
  addImageSourceOptions(cmd);
  cmd
    .description(SUMMARIES.ls)
    .argument('<image>', 'image to read (any transport, a path, a name, or - for stdin; see below)')
    .argument('[path]', 'directory or file to list (a directory lists its whole subtree)', '/')
    .option('--layer <n>', 'list only this layer\'s entries, whiteouts included (0 = base, -1 = top)')
    .option('-l, --long', 'also print mode, uid:gid, size in bytes and the layer that wrote each path')
    .option('--json', 'print one JSON object per path (JSON Lines; keys in docs/ls.md)')
    .option('--wide', 'print whole paths, never shortened to the terminal width')
    .addHelpText('after', referencesHelp())
    .addHelpText('after', examples(['whittle ls alpine:3.20 /etc -l', 'whittle ls docker-archive:app.tar --layer -1', 'whittle ls oci:build/layout:v1 /usr/lib --json | jq -r \'select(.size > 1000000) | .path\'']))
    .action(async (reference: string, path: string, flags: LsFlags) => {
      const layer = flags.layer === undefined ? undefined : layerFlag(flags.layer);
      const image = await openImage(reference, sourceOptions(flags));
      const progress = progressFor();
      let listing;
      try {
        listing = await listImage(image, {
          path,
          ...(layer !== undefined ? { layer } : {}),
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.done();
      }
      if (flags.json) await writeLines(mapped(listing.paths, jsonLine));
      else {
        const width = flags.wide ? null : terminalWidth();
        await writeLines(textLines(listing.paths, { long: flags.long === true, layer: listing.layer !== null, width }));
      }
      state.exitCode = 0;
    });
}
