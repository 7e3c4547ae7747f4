import { covers, defineRule, docsPath } from '../define.js';
import { KNOWN_FLAGS } from '../../dockerfile/model.js';
import { MAX_LINE_CHARS, MAX_NESTING, MAX_SCRIPT_CHARS } from '../../shell/commands.js';

export default defineRule({
  meta: {
    id: 'unknown-syntax',
    description: 'Instructions, flags or structure whittle does not know; reported, never fatal.',
    category: 'syntax',
    severity: 'warning',
    messages: {
      instruction: 'unknown instruction {{keyword}}: BuildKit will refuse it unless a custom # syntax= frontend defines it; whittle skipped it',
      flag: 'unknown flag --{{flag}} for {{keyword}} (known: {{known}}); it may need a newer # syntax= frontend',
      noFrom: 'no FROM instruction: this is not a buildable Dockerfile',
      beforeFrom: '{{keyword}} before the first FROM: only ARG (and comments or parser directives) may come first',
      runTooBig: 'this RUN script is longer than whittle analyses ({{limit}} characters, {{line}} in one line once continuations are joined): its commands were not checked (the rest of the file was)',
      runTooDeep: 'this RUN script nests deeper than the {{limit}} levels whittle follows: its commands were not checked (the rest of the file was)',
    },
    docs: docsPath('unknown-syntax'),
    covers: covers({ hadolint: ['DL3061'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (!inst.known) {
          ctx.report({ messageId: 'instruction', span: inst.keywordSpan, data: { keyword: inst.keyword } });
          return;
        }
        if (inst.stage < 0 && inst.keyword !== 'ARG') {
          ctx.report({ messageId: 'beforeFrom', span: inst.keywordSpan, data: { keyword: inst.keyword } });
        }
        const known = KNOWN_FLAGS[inst.keyword] ?? [];
        for (const f of inst.flags) {
          if (!known.includes(f.name)) {
            ctx.report({ messageId: 'flag', span: f.span, data: { flag: f.name, keyword: inst.keyword, known: known.length ? known.map((k) => `--${k}`).join(', ') : 'none' } });
          }
        }
      },
      run(run) {
        // a note, not a warning: the script may be fine, whittle only says what it did not read
        const n = (v: number) => v.toLocaleString('en-US');
        if (run.shell?.unanalyzed === 'too-big') {
          ctx.report({ messageId: 'runTooBig', span: run.inst.keywordSpan, data: { limit: n(MAX_SCRIPT_CHARS), line: n(MAX_LINE_CHARS) }, severity: 'info' });
        } else if (run.shell?.unanalyzed === 'too-deep') {
          ctx.report({ messageId: 'runTooDeep', span: run.inst.keywordSpan, data: { limit: n(MAX_NESTING) }, severity: 'info' });
        }
      },
      end() {
        if (ctx.model.stages.length === 0 && ctx.model.instructions.length > 0) {
          ctx.report({ messageId: 'noFrom', span: ctx.model.instructions[0]!.keywordSpan, severity: 'error' });
        }
      },
    };
  },
});
