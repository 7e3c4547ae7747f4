import { covers, defineRule, docsPath } from '../define.js';

const ERREXIT_FLAG = /^-[a-zA-Z]*e[a-zA-Z]*$/;

export default defineRule({
  meta: {
    id: 'heredoc-without-errexit',
    description: 'A RUN heredoc script with several commands and no `set -e`: failures of earlier lines do not fail the build.',
    category: 'hygiene',
    severity: 'warning',
    messages: {
      missing: 'this heredoc script runs {{count}} statements without `set -e`, so only the last one\'s exit status counts: if `{{first}}` fails the build carries on with a broken layer; start the script with `set -e` (or `set -eux`)',
    },
    docs: docsPath('heredoc-without-errexit'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        const doc = run.inst.heredocs[0];
        if (!run.shell || !doc?.contentSpan || run.errexit) return;
        const body = doc.contentSpan;
        // Only when the heredoc body is the script (not data fed to `cat <<EOF`).
        const first = run.commands.find((c) => !c.nested);
        if (!first || first.span.start < body.start || first.span.end > body.end) return;
        if (run.shell.statements < 2) return;
        // `RUN bash -e <<EOF` already stops on the first failure (a SHELL with -e is in run.errexit).
        const argsStart = run.inst.argsSpan?.start ?? body.start;
        const firstLine = ctx.model.text.slice(argsStart, ctx.model.text.indexOf('\n', argsStart));
        if (firstLine.split(/\s+/).some((w) => ERREXIT_FLAG.test(w))) return;
        ctx.report({ messageId: 'missing', span: run.inst.keywordSpan, data: { count: run.shell.statements, first: first.words.map((w) => w.text).join(' ').slice(0, 60) } });
      },
    };
  },
});
