import { covers, defineRule, docsPath } from '../define.js';
import { flag } from '../../dockerfile/parse.js';
import { Matcher, parseDockerignore } from '../../context/dockerignore.js';

const MUST_EXCLUDE = ['.git', 'node_modules', '.env'];
const WHAT: Readonly<Record<string, string>> = { '.git': '.git history', node_modules: 'node_modules', '.env': '.env secrets' };

/** excludes tells whether .dockerignore patterns exclude a top-level entry named `name` (the matcher of `whittle context`). */
export function excludes(dockerignore: string, name: string): boolean {
  return new Matcher(parseDockerignore(dockerignore)).excluded(name);
}

export default defineRule({
  meta: {
    id: 'dockerignore-missing',
    description: 'COPY . with no .dockerignore, or one that lets .git, node_modules or .env into the context.',
    category: 'context',
    severity: 'warning',
    messages: {
      missing: 'COPY {{source}} sends the whole directory ({{what}}) into the image and busts the cache on every change; add a .dockerignore beside the Dockerfile excluding at least {{names}}',
      incomplete: 'COPY {{source}} copies {{names}}: the .dockerignore does not exclude {{names}}, so they ship (and .env may hold secrets); add them to .dockerignore',
    },
    docs: docsPath('dockerignore-missing'),
    covers: covers({}),
  },
  create(ctx) {
    let done = false;
    return {
      instruction(inst) {
        if (done || ctx.dockerignore === undefined) return;
        if (inst.keyword !== 'COPY' && inst.keyword !== 'ADD') return;
        if (flag(inst, 'from')) return;
        const args = inst.json ?? inst.args;
        const src = args.slice(0, -1).find((a) => a.value === '.' || a.value === './' || a.value === './.');
        if (!src) return;
        done = true;
        // Where the context is known, only what is there can be copied.
        const present = ctx.contextEntries ? MUST_EXCLUDE.filter((n) => ctx.contextEntries!.includes(n)) : MUST_EXCLUDE;
        if (present.length === 0) return;
        if (ctx.dockerignore === null) {
          ctx.report({ messageId: 'missing', span: src.span, data: { source: src.value, what: present.map((n) => WHAT[n]).join(', '), names: present.join(', ') } });
          return;
        }
        const ignore = ctx.dockerignore;
        const leaked = present.filter((n) => !excludes(ignore, n));
        if (leaked.length > 0) ctx.report({ messageId: 'incomplete', span: src.span, data: { source: src.value, names: leaked.join(', ') } });
      },
    };
  },
});
