import { covers, defineRule, docsPath } from '../define.js';
import { normPath as norm, positionals, ships } from '../helpers.js';
import type { Instruction } from '../../dockerfile/model.js';

export default defineRule({
  meta: {
    id: 'recursive-chown-after-copy',
    description: 'chown -R / chmod -R over files an earlier COPY added duplicates them into a new layer.',
    category: 'layers',
    severity: 'warning',
    messages: {
      duplicate: '{{command}} -R rewrites every file the COPY on line {{line}} added, so they ship twice (once per layer); use COPY --{{flag}}=… instead',
    },
    docs: docsPath('recursive-chown-after-copy'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        const stage = ctx.stageOf(run.inst);
        if (!stage || !ships(stage)) return;
        // Destinations of earlier COPY/ADD in this stage, resolved against WORKDIR.
        const copies: { dest: string; inst: Instruction }[] = [];
        let workdir = '/';
        for (const inst of stage.stage.instructions) {
          if (inst.index >= run.inst.index) break;
          if (inst.keyword === 'WORKDIR' && inst.args[0]) workdir = norm(inst.args[0].value, workdir);
          if ((inst.keyword === 'COPY' || inst.keyword === 'ADD') && inst.args.length >= 2 && !inst.flags.some((f) => f.name === 'chown' || f.name === 'chmod')) {
            copies.push({ dest: norm(inst.json ? inst.json[inst.json.length - 1]!.value : inst.args[inst.args.length - 1]!.value, workdir), inst });
          }
        }
        const runWorkdir = workdir;
        if (copies.length === 0) return;
        for (const c of run.commands) {
          if (c.name !== 'chown' && c.name !== 'chmod') continue;
          if (!c.words.some((w) => /^-[a-zA-Z]*R[a-zA-Z]*$/.test(w.text) || w.text === '--recursive')) continue;
          const targets = positionals(c).slice(1).map((w) => norm(w.text, runWorkdir));
          const hit = copies.find((cp) => targets.some((t) => t === cp.dest || cp.dest.startsWith(`${t === '/' ? '' : t}/`) || t.startsWith(`${cp.dest}/`)));
          if (!hit) continue;
          ctx.report({
            messageId: 'duplicate',
            span: c.words[0]!.span,
            data: { command: c.name, line: ctx.model.lines.positionAt(hit.inst.span.start).line + 1, flag: c.name },
          });
        }
      },
    };
  },
});
