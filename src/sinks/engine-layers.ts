// Which of an image's layers a Docker engine already holds, so a load can leave their bytes out.
// `docker load` of a graph-driver engine (moby's tarexport) looks up each layer's chain ID (the
// layer with all the layers under it) before it opens the layer's file, and reads no file for a
// chain it has; an image's RootFS.Layers are the diff IDs of chains the engine has. So the layers
// that can be left out are the longest run from the bottom that some image of the engine starts
// with. Images asked about: the ones this process read from the engine (src/sources/daemon/seen.ts)
// and the one the output tag names now (a rebuild's previous result). Any failure means "none".
import type { EngineAddress } from '../sources/daemon/engine.js';
import { engineRequest, readAll } from '../sources/daemon/engine.js';
import { engineImagesSeen } from '../sources/daemon/seen.js';

/** commonPrefix is how many of want's first entries have equals in the same places of have. */
export function commonPrefix(want: readonly string[], have: readonly string[]): number {
  let n = 0;
  while (n < want.length && n < have.length && want[n] === have[n]) n++;
  return n;
}

/** rootfsOf asks the engine for an image's layer diff IDs; null when it has no such image or does not answer. */
async function rootfsOf(addr: EngineAddress, name: string): Promise<string[] | null> {
  try {
    const res = await engineRequest(addr, 'GET', `/images/${encodeURIComponent(name)}/json`, undefined, {}, 3000);
    const body = await readAll(res.body);
    if (res.status !== 200) return null;
    const layers = (JSON.parse(body.toString('utf8')) as { RootFS?: { Layers?: unknown } }).RootFS?.Layers;
    return Array.isArray(layers) && layers.every((l) => typeof l === 'string') ? (layers as string[]) : null;
  } catch {
    return null;
  }
}

/** skipsChainStore tells whether the engine loads through a graph driver (layer store checked by chain ID), not the containerd image store, which wants every blob. */
async function skipsChainStore(addr: EngineAddress): Promise<boolean> {
  try {
    const res = await engineRequest(addr, 'GET', '/info', undefined, {}, 3000);
    const body = await readAll(res.body);
    if (res.status !== 200) return false;
    const info = JSON.parse(body.toString('utf8')) as { DriverStatus?: [string, string][] | null };
    return !(info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && /containerd/.test(v));
  } catch {
    return false;
  }
}

/** layersHeld is how many of diffIds, from the bottom, the engine at addr already holds (0 when unknown). */
export async function layersHeld(addr: EngineAddress, diffIds: readonly string[], outputTag: string): Promise<number> {
  const names = [...new Set([outputTag, ...engineImagesSeen(addr.display)])];
  const [graph, ...found] = await Promise.all([skipsChainStore(addr), ...names.map((n) => rootfsOf(addr, n))]);
  if (!graph) return 0;
  return Math.max(0, ...found.map((have) => (have ? commonPrefix(diffIds, have) : 0)));
}
