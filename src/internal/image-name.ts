// Image names as docker spells them (`[HOST[:PORT]/]REPO[:TAG][@DIGEST]`, the grammar of
// distribution's reference package): recognizing a name a user typed, normalizing it
// (`nginx` → `docker.io/library/nginx:latest`) and spelling it back (`docker.io/library/x:1` → `x:1`).
// Pure string functions, shared by sources (tags in archives), sinks (RepoTags) and transports
// (a bare `name:tag` on the command line); the grammar itself is reference-grammar.ts's.

import { DIGEST, DOMAIN, PATH_COMPONENT as COMPONENT, TAG } from './reference-grammar.js';

const NAME = new RegExp(`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** isImageName tells whether text is a valid image name, with or without tag and digest. */
export function isImageName(text: string): boolean {
  const m = NAME.exec(text);
  if (!m) return false;
  // `host/x` only names a host when it looks like one (a dot, a port or localhost); otherwise it is a path component
  const domain = m[1];
  return domain === undefined || /[.:[]/.test(domain) || domain === 'localhost' || new RegExp(`^${COMPONENT}$`).test(domain);
}

/** isTaggedName tells whether text is an image name with an explicit tag and no digest (`app:1`, `host/app:1`). */
export function isTaggedName(text: string): boolean {
  const m = NAME.exec(text);
  return m !== null && isImageName(text) && m[3] !== undefined && m[4] === undefined;
}

/** normalizeTag spells a tag the way docker does (`nginx` → `docker.io/library/nginx:latest`). */
export function normalizeTag(tag: string): string {
  let name = tag;
  const lastSlash = name.lastIndexOf('/');
  if (!name.slice(lastSlash + 1).includes(':') && !name.includes('@')) name += ':latest';
  const first = name.split('/')[0]!;
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) name = `docker.io/${name.includes('/') ? '' : 'library/'}${name}`;
  return name;
}

/** familiarName spells a normalized name as `docker images` shows it (`docker.io/library/x:1` → `x:1`). */
export function familiarName(full: string): string {
  return full.replace(/^docker\.io\/library\/(?=[^/]+$)/, '').replace(/^docker\.io\//, '');
}

/** repositoryComponent turns free text (a file's base name) into one valid repository path component. */
export function repositoryComponent(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'image' : name;
}
