// Test helpers for the registry transport: the registries tests run against (the in-process one
// of test/support/registry-server.ts always, and a real `docker-registry` (distribution 2.8) on
// 127.0.0.1 with a temp config and storage when installed), and small OCI layout fixtures built by hand.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InProcessRegistry } from './support/registry-server.js';
import { REGISTRY_BIN, type Tool } from './support/tools.js';

export { REGISTRY_BIN };

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

/** htpasswdLine makes a bcrypt htpasswd line (what docker-registry wants) with htpasswd from apache2-utils. */
export function htpasswdLine(user: string, pass: string): string {
  return execFileSync('htpasswd', ['-nbB', user, pass], { encoding: 'utf8' }).trim() + '\n';
}

/** A registry a test runs against: the in-process one, or a real docker-registry fed and judged by skopeo. */
export interface TestRegistry {
  kind: 'in-process' | 'docker-registry';
  host: string;
  /** seed puts the image `tag` of an OCI layout at repo:repoTag without going through whittle (skopeo, or the storage directly). */
  seed(layoutDir: string, tag: string, repoRef: string, creds?: string): void;
  /** inspect says what repo:ref holds, without going through whittle. */
  inspect(repoRef: string, creds?: string): { Digest: string; Layers: string[] };
  /** corruptBlob flips a byte of a stored blob. */
  corruptBlob(digest: string): void;
  /** exportLayout copies repo:ref out into an OCI layout at dir, tagged `tag`, without going through whittle. */
  exportLayout(repoRef: string, dir: string, tag: string): void;
  stop(): Promise<void>;
}

export interface RegistryKind {
  kind: TestRegistry['kind'];
  /** tools this kind needs (through test/support/tools.ts, so CI fails when they are missing). */
  tools: Tool[];
  start(opts?: { basic?: { user: string; pass: string } }): Promise<TestRegistry>;
}

const splitRef = (repoRef: string) => {
  const at = repoRef.lastIndexOf(':');
  return { repo: repoRef.slice(0, at), ref: repoRef.slice(at + 1) };
};

export const IN_PROCESS: RegistryKind = {
  kind: 'in-process',
  tools: [],
  async start(opts = {}) {
    const r = await InProcessRegistry.start(opts.basic ? { basic: opts.basic } : {});
    return {
      kind: 'in-process',
      host: r.host,
      seed: (dir, tag, repoRef) => {
        const { repo, ref } = splitRef(repoRef);
        r.seed(dir, tag, repo, ref);
      },
      inspect: (repoRef) => {
        const { repo, ref } = splitRef(repoRef);
        return r.inspect(repo, ref);
      },
      corruptBlob: (d) => r.corruptBlob(d),
      exportLayout: (repoRef, dir, tag) => {
        const { repo, ref } = splitRef(repoRef);
        r.exportLayout(repo, ref, dir, tag);
      },
      stop: () => r.stop(),
    };
  },
};

export const DOCKER_REGISTRY: RegistryKind = {
  kind: 'docker-registry',
  tools: ['docker-registry', 'skopeo'],
  async start(opts = {}) {
    const reg = await startRegistry(opts.basic ? { htpasswd: htpasswdLine(opts.basic.user, opts.basic.pass) } : {});
    return {
      kind: 'docker-registry',
      host: reg.host,
      seed: (dir, tag, repoRef, creds) =>
        void skopeo('copy', '--quiet', '--all', '--preserve-digests', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []), `oci:${dir}:${tag}`, `docker://${reg.host}/${repoRef}`),
      inspect: (repoRef, creds) => JSON.parse(skopeo('inspect', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${reg.host}/${repoRef}`)) as { Digest: string; Layers: string[] },
      corruptBlob: (digest) => {
        const hex = digest.slice('sha256:'.length);
        const data = join(reg.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
        const bad = readFileSync(data);
        bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff;
        writeFileSync(data, bad);
      },
      exportLayout: (repoRef, dir, tag) => void skopeo('copy', '--quiet', '--src-tls-verify=false', `docker://${reg.host}/${repoRef}`, `oci:${dir}:${tag}`),
      stop: () => reg.stop(),
    };
  },
};

/** REGISTRY_KINDS: every conformance case runs against each (the real one needs its tools). */
export const REGISTRY_KINDS: RegistryKind[] = [IN_PROCESS, DOCKER_REGISTRY];
