// Official base images and their smaller variants: which tag is the -slim form of a tag, keeping the
// Debian release the tag names (python:3.12-bookworm → python:3.12-slim-bookworm, node:20-trixie →
// node:20-trixie-slim, debian:trixie → debian:trixie-slim, debian:latest → debian:stable-slim).
// Read by lint's heavy-base-image (its advice) and its --unsafe rewrite (src/lint/structural/slim-base.ts).

/** Debian release names official images put in their tags. */
export const DEBIAN_RELEASES = ['buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'sid', 'stable', 'testing', 'oldstable', 'unstable'] as const;

/** Where each image family puts `slim` in a tag that names a release: python `3.12-slim-bookworm`, node `20-bookworm-slim`. */
const SLIM_BEFORE_RELEASE = new Set(['python', 'ruby']);
const SLIM_AFTER = new Set(['node', 'debian']);

/** debianReleaseOf names the Debian release a tag names (`3.12-bookworm` → bookworm), or null. */
export function debianReleaseOf(tag: string): string | null {
  const parts = tag.toLowerCase().split('-');
  return parts.find((p) => (DEBIAN_RELEASES as readonly string[]).includes(p)) ?? null;
}

/** slimTag gives the -slim tag of an official image's tag, or null when whittle knows no slim variant. */
export function slimTag(image: string, tag: string): string | null {
  const t = tag.toLowerCase();
  if (image === 'debian') return t === '' || t === 'latest' ? 'stable-slim' : `${tag}-slim`;
  if (!SLIM_BEFORE_RELEASE.has(image) && !SLIM_AFTER.has(image)) return null;
  if (t === '' || t === 'latest') return 'slim';
  const release = debianReleaseOf(tag);
  if (release && SLIM_BEFORE_RELEASE.has(image)) {
    const parts = tag.split('-');
    const at = parts.findIndex((p) => p.toLowerCase() === release);
    return [...parts.slice(0, at), 'slim', ...parts.slice(at)].join('-');
  }
  return `${tag}-slim`;
}

/** debianSlimFor is the debian slim image of the release a tag names, else the current stable. */
export function debianSlimFor(tag: string): string {
  const release = debianReleaseOf(tag);
  return `debian:${release ?? 'stable'}-slim`;
}

/**
 * Official images that do not serve as root although their last USER is root or unset: postgres,
 * redis, mysql, mariadb, mongo and rabbitmq's entrypoints step down to their own user (gosu) before
 * starting the server; nginx and httpd keep only the master process as root and serve from worker
 * processes of their own user; memcached and haproxy set USER themselves. Holds only while the
 * image's ENTRYPOINT is kept.
 */
const STEPS_DOWN_ITSELF = new Set(['postgres', 'redis', 'mysql', 'mariadb', 'mongo', 'rabbitmq', 'nginx', 'httpd', 'memcached', 'haproxy']);

/** stepsDownFromRoot: whether an official image (its name) runs its server unprivileged on its own. */
export function stepsDownFromRoot(name: string): boolean {
  return STEPS_DOWN_ITSELF.has(name);
}

/** Official images whose own CMD starts a server: an image built FROM one without a CMD of its own
 *  still runs something (php counts in its -apache and -fpm variants). */
const SERVERS = new Set(['nginx', 'httpd', 'redis', 'postgres', 'mysql', 'mariadb', 'mongo', 'rabbitmq', 'memcached', 'haproxy', 'tomcat', 'jetty', 'traefik', 'caddy', 'wordpress', 'ghost', 'nextcloud', 'drupal', 'joomla']);

/** runsServer: whether an official image (name and tag) has a CMD of its own that starts a server. */
export function runsServer(name: string, tag: string | null): boolean {
  if (name === 'php') return /(?:^|-)(?:apache|fpm)(?:-|$)/.test(tag ?? '');
  return SERVERS.has(name);
}
