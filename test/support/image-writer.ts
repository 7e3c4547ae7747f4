// A small writer of test images from in-memory file lists: layer tars, a config, and the three
// containers whittle reads (legacy `docker save` tar, OCI layout directory, OCI archive). Every
// piece is returned as plain data first (a member list or a name → bytes map), so a test can break
// exactly one thing — drop a blob, change a digest, truncate a byte range — before writing it.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** TarMember is one entry of a tar written by packTar; names are written exactly as given (see nameBytes for names that are not UTF-8). */
export interface TarMember {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export const file = (name: string, data: Buffer | string, mode = 0o644): TarMember => ({
  name,
  data: typeof data === 'string' ? Buffer.from(data) : data,
  mode,
});
export const dir = (name: string): TarMember => ({ name, type: 'directory', mode: 0o755 });
export const symlink = (name: string, linkname: string): TarMember => ({ name, type: 'symlink', linkname, mode: 0o777 });
export const hardlink = (name: string, linkname: string): TarMember => ({ name, type: 'link', linkname });
export const whiteout = (path: string): TarMember => {
  const slash = path.lastIndexOf('/');
  return file(`${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, Buffer.alloc(0));
};

/** seeded returns size deterministic, incompressible-looking bytes. */
export function seeded(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** RAW_BYTE matches a character that stands for a byte of a name that is not UTF-8 (U+DC80–U+DCFF: 0x80–0xFF). */
const RAW_BYTE = /[\uDC80-\uDCFF]/u;

/** nameBytes is how packTar writes a name: UTF-8, except that each character U+DC80–U+DCFF is the one byte 0x80–0xFF (a test's way to spell a name that is not UTF-8). */
export function nameBytes(name: string): Buffer {
  const out: Buffer[] = [];
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    out.push(c >= 0xdc80 && c <= 0xdcff ? Buffer.from([c - 0xdc00]) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(out);
}

const GNU_TYPEFLAG = { file: '0', link: '1', symlink: '2', directory: '5' } as const;

/** gnuBlock is one GNU-format header block, its name and link target raw bytes (tar-stream can write only UTF-8 names). */
function gnuBlock(name: Buffer, typeflag: string, size: number, mode: number, linkname: Buffer): Buffer {
  const b = Buffer.alloc(512);
  name.copy(b, 0, 0, 100);
  b.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write('        ', 148, 'latin1');
  b.write(typeflag, 156, 'latin1');
  linkname.copy(b, 157, 0, 100);
  b.write('ustar  \0', 257, 'latin1');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** rawMember writes a member whose name or link target is not UTF-8 the way GNU tar does: raw bytes in the header, GNU long-name (`L`) and long-link (`K`) entries for those over 100 bytes. */
function rawMember(m: TarMember): Buffer {
  const type = m.type ?? 'file';
  const name = nameBytes(m.name);
  const link = nameBytes(m.linkname ?? '');
  const parts: Buffer[] = [];
  for (const [flag, bytes] of [['L', name], ['K', link]] as const) {
    if (bytes.length <= 100) continue;
    const data = Buffer.concat([bytes, Buffer.alloc(1)]);
    parts.push(gnuBlock(Buffer.from('././@LongLink'), flag, data.length, 0o644, Buffer.alloc(0)), data, pad(data.length));
  }
  const data = type === 'file' ? (m.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
  parts.push(gnuBlock(name, GNU_TYPEFLAG[type], data.length, m.mode ?? (type === 'directory' ? 0o755 : 0o644), link), data, pad(data.length));
  return Buffer.concat(parts);
}

/** packTar writes members into an in-memory tar (ustar/PAX via tar-stream; members whose names are not UTF-8 by rawMember). */
export async function packTar(members: TarMember[]): Promise<Buffer> {
  const raw = (m: TarMember) => RAW_BYTE.test(m.name) || RAW_BYTE.test(m.linkname ?? '');
  if (members.some(raw)) {
    // one tar-stream pack per member, its end-of-archive blocks cut, so raw members keep their place
    const parts: Buffer[] = [];
    for (const m of members) parts.push(raw(m) ? rawMember(m) : (await packTar([m])).subarray(0, -1024));
    return Buffer.concat([...parts, Buffer.alloc(1024)]);
  }
  const p = tar.pack();
  for (const m of members) {
    const type = m.type ?? 'file';
    p.entry(
      {
        name: m.name,
        type,
        mode: m.mode ?? (type === 'directory' ? 0o755 : 0o644),
        mtime: new Date(0),
        uid: m.uid ?? 0,
        gid: m.gid ?? 0,
        ...(m.linkname !== undefined ? { linkname: m.linkname } : {}),
      },
      type === 'file' ? (m.data ?? Buffer.alloc(0)) : Buffer.alloc(0),
    );
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** TestImage is an image held in memory: uncompressed layer tars and the config that lists them. */
export interface TestImage {
  layers: Buffer[];
  diffIds: string[];
  config: Buffer;
  configDigest: string;
}

/** buildImage packs each layer's members and writes a config whose diff_ids and history match. */
export async function buildImage(
  layers: TarMember[][],
  opts: { createdBy?: string[]; platform?: { os: string; architecture: string; variant?: string }; config?: Record<string, unknown> } = {},
): Promise<TestImage> {
  const tars = await Promise.all(layers.map(packTar));
  const diffIds = tars.map((t) => `sha256:${sha256(t)}`);
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = Buffer.from(
    JSON.stringify({
      ...platform,
      created: '2026-01-01T00:00:00Z',
      config: opts.config ?? { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: tars.map((_, i) => ({
        created: '2026-01-01T00:00:00Z',
        created_by: opts.createdBy?.[i] ?? `/bin/sh -c layer ${i + 1}`,
      })),
    }),
  );
  return { layers: tars, diffIds, config, configDigest: `sha256:${sha256(config)}` };
}

/** dockerArchiveMembers lays an image out as a legacy `docker save` archive (manifest.json, <id>.json, <id>/layer.tar). */
export function dockerArchiveMembers(img: TestImage, tag = 'whittle-test/fixture:latest'): TarMember[] {
  const configName = `${img.configDigest.slice('sha256:'.length)}.json`;
  const layerNames = img.diffIds.map((d) => `${d.slice('sha256:'.length)}/layer.tar`);
  return [
    file(configName, img.config),
    ...img.layers.flatMap((t, i) => [dir(dirname(layerNames[i]!)), file(layerNames[i]!, t)]),
    file('manifest.json', JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layerNames }])),
  ];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

const blobName = (digest: string) => `blobs/sha256/${digest.slice('sha256:'.length)}`;

export function descriptorOf(mediaType: string, data: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: `sha256:${sha256(data)}`, size: data.length, ...extra };
}

/** OciLayout is the files of an OCI image layout, plus the descriptors a test may want to refer to. */
export interface OciLayout {
  files: Map<string, Buffer>;
  manifest: Descriptor;
  layers: Descriptor[];
}

/**
 * ociLayout lays an image out as an OCI image layout. Layers are gzip-compressed unless gzip is
 * false; layerMediaType overrides the layers' media type (to test unknown ones).
 */
export function ociLayout(
  img: TestImage,
  opts: { gzip?: boolean; layerMediaType?: string; platform?: Descriptor['platform']; refName?: string } = {},
): OciLayout {
  const files = new Map<string, Buffer>();
  const gzip = opts.gzip ?? true;
  const layers = img.layers.map((t) => {
    const blob = gzip ? gzipSync(t, { level: 1 }) : t;
    const d = descriptorOf(
      opts.layerMediaType ?? (gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar'),
      blob,
    );
    files.set(blobName(d.digest), blob);
    return d;
  });
  files.set(blobName(img.configDigest), img.config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: descriptorOf('application/vnd.oci.image.config.v1+json', img.config),
      layers,
    }),
  );
  const manifestDesc = descriptorOf('application/vnd.oci.image.manifest.v1+json', manifest, {
    ...(opts.platform ? { platform: opts.platform } : {}),
    annotations: { 'org.opencontainers.image.ref.name': opts.refName ?? 'latest' },
  });
  files.set(blobName(manifestDesc.digest), manifest);
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  setIndex(files, [manifestDesc]);
  return { files, manifest: manifestDesc, layers };
}

/** setIndex (re)writes index.json to list manifests. */
export function setIndex(files: Map<string, Buffer>, manifests: Descriptor[]): void {
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })));
}

/** putBlob stores data in a layout's blobs and returns its descriptor. */
export function putBlob(files: Map<string, Buffer>, mediaType: string, data: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  const d = descriptorOf(mediaType, data, extra);
  files.set(blobName(d.digest), data);
  return d;
}

export { blobName };

/** writeDir writes a name → bytes map under root. */
export function writeDir(root: string, files: Map<string, Buffer>): string {
  for (const [name, data] of files) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  return root;
}

/** writeTar writes members (or a name → bytes map) as a tar file at path. */
export async function writeTar(path: string, members: TarMember[] | Map<string, Buffer>): Promise<string> {
  const list = members instanceof Map ? [...members].map(([name, data]) => file(name, data)) : members;
  writeFileSync(path, await packTar(list));
  return path;
}
