import { covers, defineRule, docsPath } from '../define.js';
import { cacheMount, laterCommands, ships, varFor, verb } from '../helpers.js';
import { cacheDir, GOPATH_DEFAULT } from '../../knowledge/package-managers.js';

const BUILDS = new Set(['build', 'install', 'test', 'generate', 'mod', 'get']);

export default defineRule({
  meta: {
    id: 'go-build-cache',
    description: 'go build and go mod download fill /root/.cache/go-build and /go/pkg/mod.',
    category: 'caches',
    severity: 'warning',
    messages: {
      shipped: 'go {{verb}} leaves the build cache ({{gocache}}) and module cache ({{gomodcache}}) in this layer (often hundreds of MB); build in a separate stage and COPY --from only the binary, or run `go clean -cache -modcache` in the same RUN',
      buildStage: 'go {{verb}} re-downloads modules and recompiles everything on every source change: add RUN --mount=type=cache,target={{gocache}} --mount=type=cache,target={{gomodcache}}',
    },
    docs: docsPath('go-build-cache'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      run(run) {
        for (const c of run.commands) {
          if (c.name !== 'go') continue;
          const v = verb(c, ['-C', '-o', '-ldflags', '-tags']);
          if (!v || !BUILDS.has(v)) continue;
          if (v === 'mod' && c.words.every((w) => w.text !== 'download')) continue;
          const env = (name: string): string | undefined => varFor(run, c, name, ctx.envAt(run.inst, name)) || undefined;
          const gocache = env('GOCACHE') ?? cacheDir('go-build');
          const gopath = env('GOPATH') ?? GOPATH_DEFAULT;
          const gomodcache = env('GOMODCACHE') ?? `${gopath}/pkg/mod`;
          const needsBuildCache = v !== 'mod' && v !== 'get';
          const buildOk = !needsBuildCache || cacheMount(run, [gocache]);
          const modOk = cacheMount(run, [gomodcache]);
          const data = { verb: v, gocache, gomodcache };
          if (ships(ctx.stageOf(run.inst))) {
            const cleaned = laterCommands(run, c.order).some((l) => l.name === 'go' && verb(l) === 'clean' && l.words.some((w) => /-(?:cache|modcache)/.test(w.text)));
            if ((buildOk && modOk) || cleaned) continue;
            ctx.report({ messageId: 'shipped', span: c.words[0]!.span, data });
          } else {
            if (buildOk && modOk) continue;
            ctx.report({ messageId: 'buildStage', span: c.words[0]!.span, data, severity: 'info' });
          }
          return;
        }
      },
    };
  },
});
