// unverified-download: what a RUN downloads and then runs or ships, with nothing checking it is the
// file its author meant: a plain-http URL (anyone on the path can change it), or a program fetched
// into a bin directory (or made executable) with no checksum or signature check in the same RUN.
// A check is `sha256sum -c` (sha1/sha512, `shasum -a … -c`), `gpg --verify`/`gpgv`, `cosign verify`,
// `minisign -V`; a downloaded file piped into a shell is curl-pipe-shell's.
import { covers, defineRule, docsPath } from '../define.js';
import { positionals, ships } from '../helpers.js';
import type { ShellCommand } from '../../shell/commands.js';
import { downloadedFile } from './download-not-removed.js';

const FETCHERS = new Set(['curl', 'wget']);

/** verifies: a command that checks a checksum or a signature. */
function verifies(c: ShellCommand): boolean {
  const words = c.words.map((w) => w.text);
  if (/^(?:sha(?:1|224|256|384|512)sum|md5sum|b2sum|shasum)$/.test(c.name)) return words.some((w) => w === '-c' || w === '--check' || /^-[a-zA-Z]*c$/.test(w));
  if (c.name === 'gpg' || c.name === 'gpg2') return words.includes('--verify');
  if (c.name === 'gpgv' || c.name === 'minisign' || c.name === 'signify') return true;
  if (c.name === 'cosign') return words[1] === 'verify-blob' || words[1] === 'verify';
  return false;
}

export default defineRule({
  meta: {
    id: 'unverified-download',
    description: 'A download over plain http, or a program downloaded into the image with no checksum or signature check.',
    category: 'safety',
    severity: 'warning',
    messages: {
      plainHttp: '{{fetch}} fetches {{url}} over plain http: anyone between the build and the server can change what the image gets; use https, and check a checksum (sha256sum -c) in the same RUN',
      unverified: '{{file}} is downloaded and {{how}} without a checksum or signature check: a changed or tampered release would ship unnoticed; check it in the same RUN (echo "<sha256>  {{file}}" | sha256sum -c)',
    },
    docs: docsPath('unverified-download'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        if (!ships(ctx.stageOf(run.inst))) return;
        if (run.commands.some(verifies)) return;
        for (const c of run.commands) {
          if (!FETCHERS.has(c.name)) continue;
          const http = c.words.find((w) => /^http:\/\//i.test(w.text) && !/^http:\/\/(?:localhost|127\.|\[::1\])/i.test(w.text));
          if (http) {
            ctx.report({ messageId: 'plainHttp', span: http.span, data: { fetch: c.name, url: http.text } });
            continue;
          }
          const file = downloadedFile(c);
          if (!file) continue;
          const into = /(?:^|\/)(?:s?bin)\/[^/]+$/.test(file);
          const later = run.commands.filter((o) => o.order > c.order && !o.fallback);
          const made = later.some((o) => o.name === 'chmod' && /\+x|^[0-7]*[1357]$/.test(positionals(o)[0]?.text ?? '') && positionals(o).slice(1).some((w) => w.text === file || w.text.endsWith(`/${file}`) || file.endsWith(`/${w.text}`)));
          if (!into && !made) continue;
          ctx.report({ messageId: 'unverified', span: { start: c.words[0]!.span.start, end: c.span.end }, data: { file, how: into ? 'installed as a program' : 'made executable' } });
        }
      },
    };
  },
});
