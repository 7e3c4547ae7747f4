// A bare image name (`alpine:3.20`, `ghcr.io/acme/app:1`) that is no existing path: the local
// engine's image when an engine answers and holds it (as `docker run` would use), else the
// registry's. The engine client loads only here, when a bare name is given.

/** HasImage asks whether the local engine holds an image. */
export type HasImage = (name: string) => Promise<boolean>;

/** resolveName turns a bare name into `docker-daemon:NAME` or `docker://NAME`. */
export async function resolveName(name: string, hasImage?: HasImage): Promise<string> {
  const probe = hasImage ?? (await import('../sources/daemon/index.js')).hasImage;
  return (await probe(name)) ? `docker-daemon:${name}` : `docker://${name}`;
}
