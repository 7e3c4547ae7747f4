// Registry references (`docker://HOST/REPO[:TAG|@DIGEST]`), normalized as docker does:
// `nginx` → docker.io/library/nginx:latest; a first component with a dot or colon, or `localhost`,
// is a host.
import { WhittleError } from '../../errors.js';
import { parseDockerName } from '../../internal/reference-grammar.js';

export interface RegistryName {
  /** host[:port] as written (docker.io for Docker Hub). */
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** parseRegistryName splits and checks a registry reference (the grammar is reference-grammar.ts's); `name` is what follows `docker:`. */
export function parseRegistryName(value: string): RegistryName {
  const rest = value.replace(/^\/\//, '');
  if (rest === '') throw new WhittleError('bad-reference', 'docker:// needs an image name');
  const n = parseDockerName(rest, `docker://${rest}`);
  let host = n.host ?? 'docker.io';
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  const repository = host === 'docker.io' && !n.path.includes('/') ? `library/${n.path}` : n.path;
  const tag = n.tag === undefined && n.digest === undefined ? 'latest' : n.tag;
  return { host, repository, ...(tag !== undefined ? { tag } : {}), ...(n.digest !== undefined ? { digest: n.digest } : {}) };
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
