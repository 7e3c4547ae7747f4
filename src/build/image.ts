// appendLayers builds the image a build writes: the base's layers as they are (blobs passed
// through, digests kept), then the layers whittle wrote, with a config derived from the base's
// (everything kept, the runtime settings given replaced) and one history line per new layer.
// Nothing is written here: sinks read the result (src/transports/write.ts); the image is composed
// by src/rewrite/compose.ts, so the written layers stay movable, as squash's do.
import type { Image } from '../image/image.js';
import type { HistoryEntry } from '../image/spec.js';
import { composeImage, keptLayers } from '../rewrite/compose.js';
import type { WrittenLayer } from '../rewrite/layer-writer.js';

export interface NewLayer {
  layer: WrittenLayer;
  history: HistoryEntry;
}

export interface RuntimeSettings {
  Entrypoint: string[];
  WorkingDir: string;
  User: string;
  /** variables set (NAME=value), replacing the base's of the same name. */
  Env: string[];
  ExposedPorts?: string[];
  Labels?: Record<string, string>;
}

/** mergeEnv replaces variables of env by those of set (by name), keeping the order. */
export function mergeEnv(env: readonly string[] | undefined, set: readonly string[]): string[] {
  const names = new Set(set.map((e) => e.split('=')[0]));
  return [...(env ?? []).filter((e) => !names.has(e.split('=')[0])), ...set];
}

/** appendLayers puts layers on top of base with runtime settings; created is the build's time. */
export async function appendLayers(
  base: Image,
  layers: readonly NewLayer[],
  runtime: RuntimeSettings,
  created: string,
  annotations: Record<string, string>,
  reference: string,
): Promise<Image> {
  const kept = await keptLayers(base);
  const raw = JSON.parse(Buffer.from(await base.rawConfig()).toString('utf8')) as Record<string, unknown>;
  const checked = await base.config();
  const old = (raw.config && typeof raw.config === 'object' ? raw.config : {}) as Record<string, unknown>;
  const runtimeConfig: Record<string, unknown> = {
    ...old,
    User: runtime.User,
    Env: mergeEnv(checked.config?.Env, runtime.Env),
    Entrypoint: runtime.Entrypoint,
    WorkingDir: runtime.WorkingDir,
  };
  // the base's Cmd would become the entry's arguments
  delete runtimeConfig.Cmd;
  if (runtime.ExposedPorts && runtime.ExposedPorts.length > 0) {
    runtimeConfig.ExposedPorts = { ...((old.ExposedPorts as object | undefined) ?? {}), ...Object.fromEntries(runtime.ExposedPorts.map((p) => [p, {}])) };
  }
  if (runtime.Labels && Object.keys(runtime.Labels).length > 0) runtimeConfig.Labels = { ...((old.Labels as object | undefined) ?? {}), ...runtime.Labels };
  const history: HistoryEntry[] = [...(checked.history ?? [])];
  for (const l of layers) history.push({ created, ...l.history });
  const config = {
    ...raw,
    created,
    config: runtimeConfig,
    rootfs: { type: 'layers', diff_ids: [...kept.diffIds, ...layers.map((l) => l.layer.diffId)] },
    history,
  };
  // the base's engine-only fields describe the base's last build step, not this image
  delete (config as Record<string, unknown>).container_config;
  delete (config as Record<string, unknown>).container;
  return composeImage({ reference, kept, written: layers.map((l) => l.layer), configBytes: Buffer.from(JSON.stringify(config)), annotations });
}
