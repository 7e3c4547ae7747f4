import { covers, defineRule, docsPath } from '../define.js';

const SIMPLE = /^[A-Za-z0-9_./:=@%+,-]+$/;

export default defineRule({
  meta: {
    id: 'json-args-recommended',
    description: 'Shell-form CMD/ENTRYPOINT runs under /bin/sh -c, which does not forward signals.',
    category: 'hygiene',
    severity: 'warning',
    fixable: 'code',
    messages: {
      shellForm: 'shell-form {{keyword}} runs as `/bin/sh -c "…"`: the shell is PID 1 and does not pass SIGTERM on, so docker stop waits 10 s and kills the app; use the JSON form {{keyword}} ["…", "…"] (or `exec` the command)',
    },
    docs: docsPath('json-args-recommended'),
    covers: covers({ hadolint: ['DL3025'], buildkit: ['JSONArgsRecommended'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'CMD' && inst.keyword !== 'ENTRYPOINT') return;
        if (inst.json !== null || inst.args.length === 0 || !inst.argsSpan) return;
        const stage = ctx.stageOf(inst);
        if (stage && !stage.ships) return;
        if (!ctx.shellAt(inst).posix) return; // pwsh/cmd: JSON form advice about /bin/sh does not apply
        const first = inst.args[0]!.value;
        if (first === 'exec') return; // `CMD exec app` replaces the shell
        const span = inst.argsSpan;
        const text = ctx.model.text.slice(span.start, span.end);
        const simple = !text.includes('\n') && inst.args.every((a) => SIMPLE.test(a.value));
        // A shell-form ENTRYPOINT ignores CMD (`/bin/sh -c "app --flag" x` runs `app --flag`), the exec
        // form appends it (`app --flag x`): with a CMD in the stage the rewrite would change what the
        // container runs. (A CMD inherited from the base is reset by ENTRYPOINT, so only the stage's
        // own counts.)
        const changesCommand = inst.keyword === 'ENTRYPOINT' && (ctx.model.stages[inst.stage]?.instructions.some((i) => i.keyword === 'CMD') ?? false);
        ctx.report({
          messageId: 'shellForm',
          span: inst.keywordSpan,
          data: { keyword: inst.keyword },
          ...(simple && !changesCommand ? { fix: (f) => f.replace(span, JSON.stringify(inst.args.map((a) => a.value)).replace(/","/g, '", "')) } : {}),
        });
      },
    };
  },
});
