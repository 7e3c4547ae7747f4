// Registry references (`docker://HOST/REPO[:TAG|@DIGEST]`), normalized as docker does:
// `nginx` → docker.io/library/nginx:latest; a first component with a dot or colon, or `localhost`,
// is a host.
import { WhittleError } from '../../errors.js';

export interface RegistryName {
  /** host[:port] as written (docker.io for Docker Hub). */
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseRegistryName(value: string): RegistryName {
  let rest = value.replace(/^\/\//, '');
  if (rest === '') throw new WhittleError('bad-reference', 'docker:// needs an image name');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
      throw new WhittleError('bad-reference', `docker://${value}: malformed digest ${JSON.stringify(digest)}`);
    }
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new WhittleError('bad-reference', `docker://${value}: malformed tag ${JSON.stringify(tag)}`);
  }
  const parts = rest.split('/');
  let host = 'docker.io';
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    host = first;
    parts.shift();
  }
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  if (host === 'docker.io' && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw new WhittleError('bad-reference', `docker://${value}: invalid repository name ${JSON.stringify(repository)}`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { host, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** apiHost is where the API lives: Docker Hub's API is registry-1.docker.io. */
export function apiHost(host: string): string {
  return host === 'docker.io' ? 'registry-1.docker.io' : host;
}

/** isLocalHost: plain http is allowed for these without --insecure. */
export function isLocalHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || h === '127.0.0.1' || h === '[::1]' || h.endsWith('.localhost');
}

export function formatName(n: RegistryName): string {
  return `${n.host}/${n.repository}${n.tag !== undefined ? `:${n.tag}` : ''}${n.digest !== undefined ? `@${n.digest}` : ''}`;
}
