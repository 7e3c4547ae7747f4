// appendLayers builds the image a build writes: the base's layers as they are (blobs passed
// through, digests kept), then the layers whittle wrote, with a config derived from the base's
// (everything kept, the runtime settings given replaced) and one history line per new layer.
// Nothing is written here: sinks read the result (src/transports/write.ts).
import { createReadStream } from 'node:fs';
import { WhittleError } from '../errors.js';
import { digestOf, type Digest } from '../image/digest.js';
import type { Image, Layer } from '../image/image.js';
import { MediaType, ociLayerType } from '../image/mediatypes.js';
import { fromManifest } from '../image/partial/index.js';
import type { Descriptor, HistoryEntry, Manifest } from '../image/spec.js';
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

function readWritten(layer: WrittenLayer) {
  return createReadStream(layer.file, { start: layer.offset, ...(layer.size > 0 ? { end: layer.offset + layer.size - 1 } : {}), highWaterMark: 1 << 20 });
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
  const baseLayers = await base.layers();
  const source = await base.manifest();
  const descriptors: Descriptor[] = [];
  const diffIds: Digest[] = [];
  const byDigest = new Map<string, Layer>();
  for (const [i, l] of baseLayers.entries()) {
    const d = source.layers[i];
    const digest = await l.digest();
    descriptors.push({ mediaType: ociLayerType(await l.mediaType()), digest, size: await l.size(), ...(d?.urls ? { urls: d.urls } : {}) });
    diffIds.push(await l.diffId());
    byDigest.set(digest, l);
  }
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
    rootfs: { type: 'layers', diff_ids: [...diffIds, ...layers.map((l) => l.layer.diffId)] },
    history,
  };
  // the base's engine-only fields describe the base's last build step, not this image
  delete (config as Record<string, unknown>).container_config;
  delete (config as Record<string, unknown>).container;
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: digestOf(configBytes), size: configBytes.length };
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: [...descriptors, ...layers.map((l) => ({ mediaType: l.layer.mediaType, digest: l.layer.digest, size: l.layer.size }))],
    annotations,
  };
  const written = new Map(layers.map((l) => [l.layer.digest, l.layer]));
  return fromManifest({
    reference,
    rawManifest: Buffer.from(JSON.stringify(manifest)),
    store: {
      async openBlob(d) {
        const mine = written.get(d.digest);
        if (mine) return readWritten(mine);
        const kept = byDigest.get(d.digest);
        if (!kept) throw new WhittleError('missing-blob', `${reference} has no blob ${d.digest}`);
        return kept.compressed();
      },
      async readBlob(d) {
        if (d.digest !== configDescriptor.digest) throw new WhittleError('missing-blob', `${reference} has no document ${d.digest}`);
        return configBytes;
      },
    },
  });
}
