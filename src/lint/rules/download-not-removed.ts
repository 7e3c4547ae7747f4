import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, globToRegExp, laterCommands, positionals, ships } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';

const ARCHIVE = /\.(?:tar|tgz|tbz2?|txz|tar\.(?:gz|bz2|xz|zst|lz4)|zip|gz|xz|bz2|zst|7z|deb|rpm|apk|whl|run|bin)$/i;

function basename(p: string): string {
  return p.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/^.*\//, '');
}

/** downloadedFile returns the path a curl/wget command writes, or null when it writes to stdout. */
export function downloadedFile(c: ShellCommand): string | null {
  const words = c.words.map((w) => w.text);
  const urls = words.filter((w) => /^(?:https?|ftp):\/\//i.test(w));
  if (c.name === 'curl') {
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (w === '-o' || w === '--output') return words[i + 1] === '-' ? null : (words[i + 1] ?? null);
      if (w.startsWith('--output=')) return w.slice(9);
      const short = /^-([a-zA-Z]*)o(.*)$/.exec(w);
      if (short && !w.startsWith('--')) {
        const value = short[2] !== '' ? short[2]! : (words[i + 1] ?? '');
        return value === '-' || value === '' ? null : value;
      }
    }
    if (words.some((w) => w === '-O' || w === '--remote-name' || (/^-[a-zA-Z]*O[a-zA-Z]*$/.test(w) && !w.startsWith('--')))) return urls[0] ? basename(urls[0]) : null;
    const out = c.redirects.find((r) => r.operator === '>' || r.operator === '>>');
    return out ? out.target : null;
  }
  if (c.name === 'wget') {
    let dir = '';
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (w === '-O' || w === '--output-document') return words[i + 1] === '-' ? null : (words[i + 1] ?? null);
      if (w.startsWith('--output-document=')) return w.slice(18) === '-' ? null : w.slice(18);
      const short = /^-([a-zA-Z]*)O(.*)$/.exec(w);
      if (short && !w.startsWith('--')) {
        const value = short[2] !== '' ? short[2]! : (words[i + 1] ?? '');
        return value === '-' || value === '' ? null : value;
      }
      if (w === '-P' || w === '--directory-prefix') dir = `${(words[i + 1] ?? '').replace(/\/+$/, '')}/`;
    }
    if (c.redirects.some((r) => r.operator === '>' || r.operator === '>>')) return c.redirects.find((r) => r.operator.startsWith('>'))!.target;
    return urls[0] ? dir + basename(urls[0]) : null;
  }
  return null;
}

function removes(l: ShellCommand, file: string): boolean {
  if (l.name !== 'rm') return false;
  const base = basename(file);
  for (const w of positionals(l)) {
    const arg = w.text.replace(/\/+$/, '');
    if (arg === file || basename(arg) === base && !arg.includes('*')) return true;
    if (file.startsWith(`${arg}/`)) return true;
    if (arg.includes('*') && (globToRegExp(arg).test(file) || globToRegExp(basename(arg)).test(base))) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'download-not-removed',
    description: 'An archive downloaded with curl or wget stays in the layer unless the same RUN deletes it.',
    category: 'caches',
    severity: 'warning',
    messages: {
      kept: '{{file}} is downloaded and never removed in this RUN, so the archive ships in this layer next to whatever was extracted from it; rm it in the same RUN, or stream it (curl … | tar -x)',
    },
    docs: docsPath('download-not-removed'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        if (!ships(ctx.stageOf(run.inst))) return; // nothing of a build-only stage ships but what is copied out
        for (const c of run.commands) {
          if (c.name !== 'curl' && c.name !== 'wget') continue;
          const file = downloadedFile(c);
          if (!file || !ARCHIVE.test(file) || file.startsWith('/dev/')) continue;
          if (file.startsWith('/') && cacheMount(run, [file])) continue;
          if (laterCommands(run, c.order).some((l) => removes(l, file))) continue;
          ctx.report({ messageId: 'kept', span: c.words[0]!.span, data: { file } });
        }
      },
    };
  },
});
