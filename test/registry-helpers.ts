// Test helpers for the registry transport: a real `docker-registry` (distribution 2.8) on
// 127.0.0.1 with a temp config and storage, and a small OCI layout fixture built by hand.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const hasRegistry = existsSync(REGISTRY_BIN);
export const hasSkopeo = (() => {
  try {
    execFileSync('skopeo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningRegistry {
  host: string;
  dir: string;
  storage: string;
  stop(): Promise<void>;
}

export async function startRegistry(opts: { htpasswd?: string } = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-registry-'));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const port = await freePort();
  let auth = '';
  if (opts.htpasswd) {
    writeFileSync(join(dir, 'htpasswd'), opts.htpasswd);
    auth = `auth:\n  htpasswd:\n    realm: whittle-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      const r = await fetch(`http://${host}/v2/`);
      await r.body?.cancel();
      break;
    } catch {
      if (i > 100) throw new Error(`docker-registry did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    host,
    dir,
    storage,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function layerTar(dir: string, files: Record<string, string>): Buffer {
  const root = mkdtempSync(join(dir, 'layer-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return execFileSync('tar', ['-C', root, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', '-', ...Object.keys(files)]);
}

export interface Fixture {
  dir: string;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
  diffIds: string[];
}

/** ociFixture writes an OCI layout with one two-layer image tagged `tag`; `seed` makes it unique. */
export function ociFixture(parent: string, seed: string, tag = 'v1'): Fixture {
  const dir = mkdtempSync(join(parent, 'oci-'));
  const tars = [
    layerTar(dir, { 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n', [`app/${seed}`]: `seed ${seed}\n`.repeat(200) }),
    layerTar(dir, { 'app/second': `second ${seed}\n` }),
  ];
  const gz = tars.map((t) => gzipSync(t));
  const diffIds = tars.map((t) => `sha256:${sha(t)}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [{ created_by: 'layer one' }, { created_by: 'layer two' }],
    }),
  );
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => {
    writeFileSync(join(blobs, sha(b)), b);
    return `sha256:${sha(b)}`;
  };
  const configDigest = put(config);
  const layerDigests = gz.map(put);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: gz.map((g, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigests[i], size: g.length })),
    }),
  );
  const manifestDigest = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { dir, manifestDigest, configDigest, layerDigests, diffIds };
}

export function skopeo(...args: string[]): string {
  return execFileSync('skopeo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** ociIndexFixture writes a layout whose `tag` is an index of a linux/amd64 and a linux/arm64 image. */
export function ociIndexFixture(parent: string, seed: string, tag = 'v1'): { dir: string; indexDigest: string; byArch: Record<string, string> } {
  const base = ociFixture(parent, seed, tag);
  const blobs = join(base.dir, 'blobs', 'sha256');
  const put = (b: Buffer) => {
    writeFileSync(join(blobs, sha(b)), b);
    return `sha256:${sha(b)}`;
  };
  const byArch: Record<string, string> = {};
  const entries = [];
  for (const arch of ['amd64', 'arm64']) {
    const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: base.diffIds } }));
    const configDigest = put(config);
    const layers = base.layerDigests.map((d) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: d,
      size: readFileSync(join(blobs, d.slice(7))).length,
    }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers,
      }),
    );
    byArch[arch] = put(manifest);
    entries.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: byArch[arch], size: manifest.length, platform: { os: 'linux', architecture: arch } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries }));
  const indexDigest = put(index);
  writeFileSync(
    join(base.dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: index.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { dir: base.dir, indexDigest, byArch };
}

/** bcryptLine makes an htpasswd line (bcrypt, as docker-registry wants) with python3's crypt; undefined without it. */
export function bcryptLine(user: string, pass: string): string | undefined {
  try {
    const hash = execFileSync('python3', ['-W', 'ignore', '-c', `import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))`, pass], { encoding: 'utf8' }).trim();
    return hash.startsWith('$2') ? `${user}:${hash}\n` : undefined;
  } catch {
    return undefined;
  }
}
