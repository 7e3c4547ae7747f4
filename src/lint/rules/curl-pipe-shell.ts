import { covers, defineRule, docsPath } from '../define.js';

const INTERPRETERS = /^(?:sh|bash|ash|dash|zsh|ksh|python\d?(?:\.\d+)?|perl|ruby|node|php)$/;
/** An argument that is the output of a download: `$(curl …)`, `` `wget …` ``, `<(curl …)`. */
const FETCH_ARG = /(?:\$\(|`|<\()\s*(?:\S*\/)?(curl|wget)\b/;

export default defineRule({
  meta: {
    id: 'curl-pipe-shell',
    description: 'A download run straight by a shell or interpreter (curl … | sh, sh -c "$(curl …)").',
    category: 'safety',
    severity: 'warning',
    messages: {
      substitution: '{{shell}} runs the output of {{fetch}} directly: nothing checks what is executed (no checksum or signature), and a failed or truncated download still runs; download to a file, verify it (sha256sum -c or a signature), then run it',
      pipe: '{{fetch}} output runs directly in {{shell}}: nothing checks what is executed (no checksum or signature), and {{pipefail}}; download to a file, verify it (sha256sum -c or a signature), then run it',
    },
    docs: docsPath('curl-pipe-shell'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        const pipefail = run.pipefail ? 'a failed download still runs whatever arrived' : 'without `set -o pipefail` a failed download can run a truncated script and the build still passes';
        for (const c of run.commands) {
          // `sh -c "$(curl …)"` and `bash <(curl …)`: the download is an argument of the interpreter.
          if (INTERPRETERS.test(c.name)) {
            const w = c.words.slice(1).find((x) => FETCH_ARG.test(x.text));
            if (w) {
              const fetch = FETCH_ARG.exec(w.text)![1]!;
              ctx.report({ messageId: 'substitution', span: { start: c.words[0]!.span.start, end: w.span.end }, data: { fetch, shell: c.name } });
            }
          }
          if (c.name !== 'curl' && c.name !== 'wget') continue;
          const target = c.pipesTo === null ? undefined : run.commands[c.pipesTo];
          if (!target) continue;
          const shell = INTERPRETERS.test(target.name) ? target.name : null;
          if (!shell) continue;
          ctx.report({
            messageId: 'pipe',
            span: { start: c.words[0]!.span.start, end: target.span.end },
            data: {
              fetch: c.name,
              shell,
              pipefail,
            },
          });
        }
      },
    };
  },
});
