// The RepoTag of a docker-archive written without `:name:tag`, so that `docker load` names the
// image instead of leaving it `<none>:<none>`: the image's own tag when its source had one
// (`docker-daemon:app:1`, `docker://host/app:1`, a tagged docker save archive), else
// `whittle/NAME:<fallback>` with NAME from the output file's base name.
import { basename } from 'node:path';
import { isTaggedName, repositoryComponent } from '../internal/image-name.js';

/** archiveTag picks that tag; undefined when the image has no tag of its own and no fallback is given. */
export function archiveTag(imageTags: readonly string[], path: string, fallback?: string): string | undefined {
  const own = imageTags.find(isTaggedName);
  if (own !== undefined) return own;
  if (fallback === undefined) return undefined;
  const stem = basename(path).replace(/\.(tar|tar\.gz|tgz)$/i, '');
  return `whittle/${repositoryComponent(stem)}:${fallback}`;
}
