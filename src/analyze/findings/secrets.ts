// secrets: secret-looking files (.env, private keys, credential files) and .git directories in the final image,
// and secrets that a later layer deleted — they still ship in the lower layer.
// Which files are secrets is src/knowledge/secrets.ts (shared with `whittle context`); here only
// paths are known, so the name decides.
import { isSecretPath } from '../../knowledge/secrets.js';
import { forEachFinalFile, mainLayer, type FindingRule } from './rule.js';


/** gitDirOf returns the .git directory a path lies in (`src/.git` for `src/.git/HEAD`), or undefined. */
function gitDirOf(path: string): string | undefined {
  if (!path.includes('.git/')) return undefined; // most paths: no array per path
  const parts = path.split('/');
  const i = parts.indexOf('.git');
  return i >= 0 && i < parts.length - 1 ? parts.slice(0, i + 1).join('/') : undefined;
}

export const secrets: FindingRule = {
  meta: {
    id: 'secrets',
    title: 'Secret-looking files and .git directories',
    severity: 'high',
    messages: {
      present: '{{files|secret-looking file|secret-looking files}} added by layer {{layer}} {{files?ships|ship}} in the final image.',
      deleted: '{{files|secret-looking file|secret-looking files}} added by layer {{layer}} {{files?is|are}} deleted later, but still {{files?ships|ship}} in layer {{layer}}.',
      git: 'The .git directory {{dir}} ({{files|file|files}}) ships in the image.',
    },
    remedy: 'Keep secrets out of the build context (.dockerignore) and pass them with RUN --mount=type=secret; a delete in a later layer does not remove them — rebuild without them (squash is not enough once pushed).',
    removable: true,
  },
  check(ctx, report) {
    const present: { path: string; bytes: number; layer: number }[] = [];
    const git = new Map<string, { path: string; bytes: number; layer: number }[]>();
    forEachFinalFile(ctx, (path, r) => {
      const dir = gitDirOf(path);
      if (dir !== undefined) {
        let list = git.get(dir);
        if (!list) git.set(dir, (list = []));
        list.push({ path, bytes: r.size, layer: r.layer });
      } else if (isSecretPath(path)) present.push({ path, bytes: r.size, layer: r.layer });
    });
    // One finding per layer that added secrets, so each names the layer (and instruction) its files came from.
    const byLayer = new Map<number, typeof present>();
    for (const p of present) {
      let list = byLayer.get(p.layer);
      if (!list) byLayer.set(p.layer, (list = []));
      list.push(p);
    }
    for (const [layer, paths] of [...byLayer].sort((a, b) => a[0] - b[0])) report({ messageId: 'present', data: { files: paths.length, layer }, paths, layer });
    for (const [dir, items] of git) report({ messageId: 'git', data: { dir, files: items.length }, paths: items, layer: mainLayer(items), severity: 'medium' });
    const deleted = new Map<number, { path: string; bytes: number }[]>();
    for (const d of ctx.dropped) {
      if ((d.how === 'deleted' || d.how === 'opaque') && isSecretPath(d.path)) {
        let list = deleted.get(d.addedBy);
        if (!list) deleted.set(d.addedBy, (list = []));
        list.push({ path: d.path, bytes: d.bytes });
      }
    }
    for (const [layer, paths] of deleted) report({ messageId: 'deleted', data: { files: paths.length, layer }, paths, layer, bytes: 0 });
  },
};
