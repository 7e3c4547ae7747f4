// The grammars that names of images are checked against, in one place, so that every source and
// sink agrees on them: distribution's reference grammar for docker names
// (`[HOST[:PORT]/]PATH[:TAG][@DIGEST]`, as docker, registries and `docker load` check them) and the
// OCI image layout's `org.opencontainers.image.ref.name` (annotations.md of the image spec):
//
//   path-component := [a-z0-9]+ (separator [a-z0-9]+)*      separator := [._] | __ | -+
//   domain         := label (. label)* [: port] | [ IPv6 ] [: port]   label := [a-zA-Z0-9] ([a-zA-Z0-9-]* [a-zA-Z0-9])?
//   tag            := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//   digest         := algorithm : [0-9a-fA-F]{32,}
//   ref (OCI)      := component (/ component)*   component := [A-Za-z0-9]+ (([-._:@+] | --) [A-Za-z0-9]+)*
//
// A ref name can hold no `..` component and no leading `/`: it is never a path. Checks throw one
// `bad-reference` WhittleError that says which part is wrong and what it may be.
import { isIPv6 } from 'node:net';
import { WhittleError } from '../errors.js';

export const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
export const DOMAIN_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
export const DOMAIN = `(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
export const TAG = '[\\w][\\w.-]{0,127}';
export const DIGEST = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}';
const OCI_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';

const anchored = (re: string) => new RegExp(`^${re}$`);
const TAG_RE = anchored(TAG);
const DIGEST_RE = anchored(DIGEST);
const PATH_RE = anchored(`${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`);
const OCI_REF_RE = anchored(`${OCI_COMPONENT}(?:/${OCI_COMPONENT})*`);

/** Longest repository path distribution accepts. */
const MAX_PATH = 255;

export const TAG_RULE = 'up to 128 letters, digits, _ . -, not starting with . or -';
export const PATH_RULE = 'lowercase letters and digits, separated by . _ __ or dashes, components joined by /';
export const OCI_REF_RULE = 'letters and digits, separated by - . _ : @ + or --, components joined by /';

export function isTag(text: string): boolean {
  return TAG_RE.test(text);
}

export function isDigest(text: string): boolean {
  return DIGEST_RE.test(text);
}

export function isRepositoryPath(text: string): boolean {
  return text.length <= MAX_PATH && PATH_RE.test(text);
}

/** isOciRefName tells whether text is a valid `org.opencontainers.image.ref.name`. */
export function isOciRefName(text: string): boolean {
  return OCI_REF_RE.test(text);
}

/** hostProblem says what is wrong with a registry host (`host[:port]`, `[v6]:port`), or undefined when nothing is. */
export function hostProblem(host: string): string | undefined {
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return 'an IPv6 address opened with [ is not closed with ]';
    const after = host.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return `${JSON.stringify(after)} follows the IPv6 address`;
    if (!isIPv6(host.slice(1, close))) return `${JSON.stringify(host.slice(0, close + 1))} is not an IPv6 address`;
    if (after !== '') port = after.slice(1);
  } else {
    const colon = host.indexOf(':');
    const name = colon < 0 ? host : host.slice(0, colon);
    if (colon >= 0) port = host.slice(colon + 1);
    if (!anchored(`${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*`).test(name)) {
      return `${JSON.stringify(name)} is not a host name (letters, digits and dashes, in labels joined by dots)`;
    }
  }
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return `port ${JSON.stringify(port)} is not a number from 1 to 65535`;
  }
  return undefined;
}

/** DockerName is a docker name split by the reference grammar; host is absent when the name has none (Docker Hub). */
export interface DockerName {
  host?: string;
  path: string;
  tag?: string;
  digest?: string;
}

/**
 * parseDockerName splits and checks `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`. A first component is a host
 * when it has a `.` or `:`, starts with `[`, or is `localhost`, as docker decides; `what` starts each
 * error (`docker://x`).
 */
export function parseDockerName(text: string, what: string): DockerName {
  const bad = (detail: string) => new WhittleError('bad-reference', `${what}: ${detail}`);
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw bad(`malformed digest ${JSON.stringify(digest)} (algorithm:hex, e.g. sha256:…)`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) throw bad(`malformed tag ${JSON.stringify(tag)} (a tag is ${TAG_RULE})`);
  }
  const parts = rest.split('/');
  let host: string | undefined;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first.startsWith('[') || first === 'localhost')) {
    host = first;
    parts.shift();
    const problem = hostProblem(host);
    if (problem) throw bad(`invalid registry host ${JSON.stringify(host)}: ${problem}`);
  }
  const path = parts.join('/');
  if (!isRepositoryPath(path)) throw bad(`invalid repository name ${JSON.stringify(path)} (${PATH_RULE}; at most ${MAX_PATH} characters)`);
  return { ...(host !== undefined ? { host } : {}), path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** checkOciRefName throws unless ref is a valid `org.opencontainers.image.ref.name`. */
export function checkOciRefName(ref: string, what: string): void {
  if (!isOciRefName(ref)) {
    throw new WhittleError('bad-reference', `${what}: invalid ref name ${JSON.stringify(ref)} (an org.opencontainers.image.ref.name is ${OCI_REF_RULE}; never a path)`);
  }
}

/** checkArchiveTag throws unless name is a docker name to tag an image with (`name[:tag]`, no digest), as docker-archive and docker-daemon write. */
export function checkArchiveTag(name: string, what: string): void {
  if (parseDockerName(name, what).digest !== undefined) throw new WhittleError('bad-reference', `${what}: a tag cannot hold a digest`);
}
