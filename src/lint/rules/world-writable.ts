// world-writable: `chmod 777`, `chmod -R o+w`, `COPY --chmod=777`: any process in the container, under
// any user, may then rewrite those files (the app's code, its config, the binaries on PATH) — the
// step from a compromised unprivileged process to a persistent one. Sticky-bit modes (1777, the
// /tmp convention) are left alone: there each user can only delete their own files.
import { covers, defineRule, docsPath } from '../define.js';
import { positionals, ships } from '../helpers.js';

/** worldWritable: a chmod mode (octal or symbolic) that gives others write, without the sticky bit. */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    const sticky = (Number(digits[0]) & 1) === 1;
    return !sticky && (Number(digits[3]) & 2) === 2;
  }
  // symbolic: o+w, a+w, +w (umask aside, +w alone gives everyone write), ugo=rwx …
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([+=])([rwxXst]*)$/.exec(clause);
    if (!m || !m[3]!.includes('w') || m[3]!.includes('t')) return false;
    return m[1] === '' || m[1]!.includes('o') || m[1]!.includes('a');
  });
}

export default defineRule({
  meta: {
    id: 'world-writable',
    description: 'chmod (or COPY --chmod) that lets every user of the container write the files.',
    category: 'safety',
    severity: 'warning',
    messages: {
      chmod: '{{command}} lets any process in the container, under any user, rewrite {{target}}: a compromised app could then change its own code, config or binaries; give write access to the user that needs it (chown, or COPY --chown) instead',
    },
    docs: docsPath('world-writable'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'COPY' && inst.keyword !== 'ADD') return;
        if (!ships(ctx.stageOf(inst))) return;
        const chmod = inst.flags.find((f) => f.name === 'chmod');
        const dest = (inst.json ?? inst.args).at(-1)?.value ?? '';
        if (chmod?.value && worldWritable(chmod.value)) ctx.report({ messageId: 'chmod', span: chmod.span, data: { command: `${inst.keyword} --chmod=${chmod.value}`, target: dest } });
      },
      run(run) {
        if (!ships(ctx.stageOf(run.inst))) return;
        for (const c of run.commands) {
          if (c.name !== 'chmod') continue;
          const [mode, ...targets] = positionals(c).map((w) => w.text);
          if (!mode || targets.length === 0 || !worldWritable(mode)) continue;
          const recursive = c.words.some((w) => /^-[a-zA-Z]*R/.test(w.text) || w.text === '--recursive');
          ctx.report({ messageId: 'chmod', span: { start: c.words[0]!.span.start, end: c.span.end }, data: { command: `chmod ${recursive ? '-R ' : ''}${mode}`, target: targets.join(' ') } });
        }
      },
    };
  },
});
