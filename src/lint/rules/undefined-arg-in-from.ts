import { covers, defineRule, docsPath } from '../define.js';

const PREDEFINED = new Set(['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETSTAGE', 'BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

export default defineRule({
  meta: {
    id: 'undefined-arg-in-from',
    description: 'FROM uses a variable that no ARG before the first FROM declares.',
    category: 'hygiene',
    severity: 'warning',
    messages: {
      undefined: '${{name}} in FROM is not declared by an ARG before the first FROM, so it expands to an empty string{{hint}}; add `ARG {{name}}=<default>` at the top of the file',
    },
    docs: docsPath('undefined-arg-in-from'),
    covers: covers({ buildkit: ['UndefinedArgInFrom'] }),
  },
  create(ctx) {
    const declared = new Set<string>();
    for (const a of ctx.model.globalArgs) for (const p of a.properties) declared.add(p.name);
    return {
      instruction(inst) {
        if (inst.keyword !== 'FROM') return;
        const text = ctx.model.text.slice(inst.span.start, inst.span.end);
        const re = /\$\{?([A-Za-z_]\w*)/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const name = m[1]!;
          if (declared.has(name) || PREDEFINED.has(name)) continue;
          const start = inst.span.start + m.index;
          const close = text[m.index + 1] === '{' ? text.indexOf('}', m.index) : -1;
          const end = close >= 0 ? inst.span.start + close + 1 : start + m[0].length;
          ctx.report({ messageId: 'undefined', span: { start, end }, data: { name, hint: close >= 0 && /:-/.test(text.slice(m.index, close)) ? ' (the :- default applies)' : '' } });
        }
      },
    };
  },
});
