// secrets: secret-looking files (.env, private keys, credential files) and .git directories in the final image,
// and secrets that a later layer deleted — they still ship in the lower layer.
import { finalEntries, mainLayer, type FindingRule } from './rule.js';

const SECRET = /(?:^|\/)(?:\.env(?:\.[^/]*)?|[^/]+\.pem|[^/]+\.key|id_rsa|id_ecdsa|id_ed25519|id_dsa|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.aws\/credentials|\.docker\/config\.json)$/;
const GIT_DIR = /^(.*?(?:^|\/)\.git)\//;

/** isSecretPath says whether a path looks like a file holding credentials. */
export function isSecretPath(path: string): boolean {
  return SECRET.test(path) && !/(?:^|\/)(?:usr\/share|etc\/ssl\/certs|usr\/lib\/python[^/]*|usr\/local\/lib\/python[^/]*)\//.test(path);
}

export const secrets: FindingRule = {
  meta: {
    id: 'secrets',
    title: 'Secret-looking files and .git directories',
    severity: 'high',
    messages: {
      present: '{{files}} secret-looking files ship in the final image.',
      deleted: '{{files}} secret-looking files added by layer {{layer}} are deleted later, but still ship in layer {{layer}}.',
      git: 'The .git directory {{dir}} ({{files}} files) ships in the image.',
    },
    remedy: 'Keep secrets out of the build context (.dockerignore) and pass them with RUN --mount=type=secret; a delete in a later layer does not remove them — rebuild without them (squash is not enough once pushed).',
    removable: true,
  },
  check(ctx, report) {
    const present: { path: string; bytes: number; layer: number }[] = [];
    const git = new Map<string, { path: string; bytes: number; layer: number }[]>();
    for (const [path, r] of finalEntries(ctx)) {
      const dir = GIT_DIR.exec(path)?.[1];
      if (dir !== undefined) {
        let list = git.get(dir);
        if (!list) git.set(dir, (list = []));
        list.push({ path, bytes: r.size, layer: r.layer });
      } else if (isSecretPath(path)) present.push({ path, bytes: r.size, layer: r.layer });
    }
    if (present.length > 0) report({ messageId: 'present', data: { files: present.length }, paths: present, layer: mainLayer(present) });
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
