// Generators of whole images for the fuzzing suite: layer tars from tar-gen.ts wrapped in a
// docker-archive (docker save) or an OCI layout, with the manifest, index and config JSON mutated one
// field at a time (missing, null, wrong type, huge) and digests kept consistent or not.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Random } from './random.js';
import { member } from './tar-gen.js';
import { randomLayerTar } from './tar-gen.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** paths lists every location in a JSON value (as key lists), the root excluded, down to 40 levels. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length >= 40) return out;
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...at, i]), paths(x, [...at, i], out)));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([...at, k]), paths(x, [...at, k], out));
  return out;
}

function replacement(r: Random, old: Json): Json | undefined {
  switch (r.weighted({ missing: 3, null: 3, type: 4, huge: 1, deep: 1, empty: 2 })) {
    case 'missing':
      return undefined;
    case 'null':
      return null;
    case 'type':
      return r.pick<Json>([0, -1, 1.5, 1e308, 2 ** 53 + 1, true, 'x', '', [], {}, ['a', 1, null], { a: null }, typeof old === 'string' ? 7 : 'text']);
    case 'huge':
      return r.pick<Json>(['x'.repeat(r.int(10_000, 300_000)), Array.from({ length: r.int(1000, 20_000) }, (_, i) => i), 9007199254740993e10]);
    case 'deep': {
      let d: Json = 1;
      const depth = r.int(100, 3000);
      for (let i = 0; i < depth; i++) d = r.chance(0.5) ? [d] : { a: d };
      return d;
    }
    default:
      return Array.isArray(old) ? [] : typeof old === 'object' && old !== null ? {} : '';
  }
}

/** mutateJson applies one to three field mutations to a copy of doc. */
export function mutateJson(r: Random, doc: Json): Json {
  let out = structuredClone(doc);
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const all = paths(out);
    if (all.length === 0 || r.chance(0.03)) return replacement(r, out) ?? null;
    const path = r.pick(all);
    let parent: Json = out;
    for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[k]!;
    const key = path[path.length - 1]!;
    const value = replacement(r, (parent as Record<string | number, Json>)[key]!);
    if (value === undefined) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, Json>)[key as string];
    } else (parent as Record<string | number, Json>)[key] = value;
  }
  return out;
}

function configFor(r: Random, layers: Buffer[]): Json {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['/bin/sh'], Entrypoint: r.chance(0.3) ? ['/app'] : null, User: r.pick(['', 'root', '1000:1000', 'app']), Env: ['PATH=/usr/bin'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: layers.map((t) => `sha256:${sha(t)}`) },
    history: layers.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `/bin/sh -c step ${i}`, ...(r.chance(0.1) ? { empty_layer: false } : {}) })),
  };
}

/** GeneratedImage is an image in one of the containers whittle reads, as files to write. */
export interface GeneratedImage {
  kind: 'docker-archive' | 'oci';
  /** for docker-archive: the archive bytes; for oci: the layout's files (name → bytes). */
  archive?: Buffer;
  files?: Map<string, Buffer>;
  /** what was broken, for the failure message. */
  notes: string[];
}

function layersFor(r: Random): Buffer[] {
  const n = r.weighted({ 0: 1, 1: 6, 2: 3, 3: 2, 5: 1 });
  return Array.from({ length: Number(n) }, () => randomLayerTar(r));
}

function maybeMutate(r: Random, doc: Json, what: string, notes: string[], p: number): Buffer {
  if (!r.chance(p)) return Buffer.from(JSON.stringify(doc));
  notes.push(`mutated ${what}`);
  if (r.chance(0.05)) return r.pick([Buffer.from('{'), Buffer.from(''), Buffer.from('[]'), Buffer.from('null'), r.bytes(40)]);
  return Buffer.from(JSON.stringify(mutateJson(r, doc)));
}

/**
 * notEmpty keeps docker-archive members non-empty: a zero-length member (layer.tar, manifest.json,
 * config) crashes the archive reader today, a defect filed as issue 18 ("a zero-length layer.tar in a
 * docker-archive fails with Node's raw \"value of start is out of range\""), fixed there, not here.
 */
const notEmpty = (b: Buffer): Buffer => (b.length === 0 ? Buffer.from(' ') : b);

/** randomDockerArchive wraps random layers as a `docker save` tar. */
export function randomDockerArchive(r: Random): GeneratedImage {
  const notes: string[] = [];
  const layers = layersFor(r).map(notEmpty);
  const config = notEmpty(maybeMutate(r, configFor(r, layers), 'config', notes, 0.3));
  const configName = `${sha(config)}.json`;
  const layerNames = layers.map((t) => `${sha(t)}/layer.tar`);
  const manifest: Json = [{ Config: configName, RepoTags: r.chance(0.8) ? ['fuzz/image:latest'] : null, Layers: layerNames }];
  const manifestBytes = notEmpty(maybeMutate(r, manifest, 'manifest.json', notes, 0.3));
  const members: Buffer[] = [member({ name: configName, typeflag: '0', data: config })];
  layers.forEach((t, i) => {
    if (r.chance(0.03)) return void notes.push(`layer ${i} missing`);
    members.push(member({ name: `${layerNames[i]!.split('/')[0]}/`, typeflag: '5', mode: 0o755 }));
    members.push(member({ name: layerNames[i]!, typeflag: '0', data: r.chance(0.03) ? (notes.push(`layer ${i} swapped`), r.bytes(100)) : t }));
  });
  members.push(member({ name: 'manifest.json', typeflag: '0', data: manifestBytes }));
  if (r.chance(0.2)) members.reverse();
  let archive = Buffer.concat([...members, Buffer.alloc(1024)]);
  if (r.chance(0.05)) {
    archive = archive.subarray(0, r.int(0, archive.length - 1));
    notes.push('archive cut');
  }
  return { kind: 'docker-archive', archive, notes };
}

/** randomOciLayout wraps random layers (gzip or not) as an OCI layout, mutating index, manifest and config. */
export function randomOciLayout(r: Random): GeneratedImage {
  const notes: string[] = [];
  const files = new Map<string, Buffer>();
  const put = (data: Buffer) => {
    const d = `sha256:${sha(data)}`;
    files.set(`blobs/sha256/${sha(data)}`, data);
    return d;
  };
  const layers = layersFor(r);
  const layerDescs = layers.map((t) => {
    const gzip = r.chance(0.6);
    const blob = gzip ? gzipSync(t, { level: 1 }) : t;
    const cut = r.chance(0.03) ? blob.subarray(0, r.int(0, blob.length)) : blob;
    if (cut !== blob) notes.push('layer blob cut (digest of the whole)');
    files.set(`blobs/sha256/${sha(blob)}`, cut);
    return {
      mediaType: r.chance(0.95) ? `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}` : r.pick(['application/vnd.oci.image.layer.v1.tar+zstd', 'text/plain', 'application/vnd.docker.image.rootfs.diff.tar.gzip']),
      digest: `sha256:${sha(blob)}`,
      size: r.chance(0.95) ? blob.length : r.pick([0, -1, blob.length + 1, 2 ** 53]),
    };
  });
  const config = maybeMutate(r, configFor(r, layers), 'config', notes, 0.3);
  const manifest: Json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: config.length },
    layers: layerDescs,
  };
  const manifestBytes = maybeMutate(r, manifest, 'manifest', notes, 0.3);
  const index: Json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: put(manifestBytes),
        size: manifestBytes.length,
        platform: { os: 'linux', architecture: 'amd64' },
        annotations: { 'org.opencontainers.image.ref.name': 'x' },
      },
    ],
  };
  files.set('index.json', maybeMutate(r, index, 'index.json', notes, 0.25));
  files.set('oci-layout', r.chance(0.95) ? Buffer.from('{"imageLayoutVersion":"1.0.0"}') : maybeMutate(r, { imageLayoutVersion: '1.0.0' }, 'oci-layout', notes, 1));
  return { kind: 'oci', files, notes };
}
