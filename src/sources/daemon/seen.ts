// Which images this process has read from which engine: the docker-daemon sink asks, so that it can
// leave out of a load the layers the engine already holds (src/sinks/daemon.ts). Only image IDs are
// kept; the sink inspects them again when it loads, so an image removed in between is noticed.

const seen = new Map<string, Set<string>>();

/** noteEngineImage records that the engine at display holds the image id (a config digest). */
export function noteEngineImage(display: string, id: string): void {
  let ids = seen.get(display);
  if (!ids) seen.set(display, (ids = new Set()));
  ids.add(id);
}

/** engineImagesSeen lists the image IDs read from the engine at display, oldest first. */
export function engineImagesSeen(display: string): string[] {
  return [...(seen.get(display) ?? [])];
}
