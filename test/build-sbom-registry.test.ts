// whittle build --sbom to docker://: the SBOM is attached to the pushed image as an OCI artifact
// (artifactType, the empty config, one layer, subject = the image), and, since neither test registry
// has the referrers API, listed in the referrers tag `sha256-<hex>` of the image, merged with what
// the tag already holds. docker-registry (distribution) is judged by skopeo, not by whittle.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EMPTY_CONFIG } from '../src/sinks/referrers.js';
import { REGISTRY_KINDS, skopeo, type TestRegistry } from './registry-helpers.js';
import { writeBase, writeSbomProject } from './build-fixtures.js';
import { runCli } from './support/cli.js';
import { InProcessRegistry } from './support/registry-server.js';
import { describeWith } from './support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-sbom-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CREDS = 'alice:s3cret';
const env = { SOURCE_DATE_EPOCH: '1700000000', WHITTLE_CACHE_DIR: join(tmp, 'cache'), DOCKER_CONFIG: join(tmp, 'no-docker-config') };
let base: string;
let project: string;
beforeAll(async () => {
  base = await writeBase(join(tmp, 'base.tar'));
  project = writeSbomProject(join(tmp, 'project'));
});

/** Doc is a parsed JSON document, read field by field. */
type Doc = Record<string, any>;
interface Summary {
  manifestDigest: string;
  sbom: { path: string; format: string; attached?: { digest: string; referrers: string; tag?: string } };
}

async function buildWithSbom(host: string, format: string, extra: string[] = []): Promise<Summary> {
  const out = join(tmp, `app.${format}.json`);
  const r = await runCli(['build', project, '--prebuilt', '--base', base, '-o', `docker://${host}/sbom/app:1`, '--dest-creds', CREDS, '--sbom', format, '--sbom-output', out, '--json', ...extra], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

/** get reads a manifest or blob with Basic credentials, without whittle. */
async function get(host: string, path: string, accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json'): Promise<{ status: number; body: Buffer; type: string }> {
  const res = await fetch(`http://${host}/v2/${path}`, { headers: { accept, authorization: `Basic ${Buffer.from(CREDS).toString('base64')}` } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
}

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

for (const kind of REGISTRY_KINDS) describeWith(kind.kind === 'docker-registry' ? [...kind.tools, 'htpasswd'] : kind.tools, `build --sbom to a registry (${kind.kind})`, () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await kind.start({ basic: { user: 'alice', pass: 's3cret' } });
  });
  afterAll(async () => reg?.stop());

  it('attaches the SBOM as an artifact whose subject is the image, listed in the referrers tag, merged with what it holds', async () => {
    const cdx = await buildWithSbom(reg.host, 'cyclonedx');
    const hex = cdx.manifestDigest.slice('sha256:'.length);
    expect(cdx.sbom.attached).toMatchObject({ referrers: 'tag', tag: `sha256-${hex}` });
    const image = await get(reg.host, `sbom/app/manifests/${cdx.manifestDigest}`);
    expect(sha256(image.body)).toBe(cdx.manifestDigest);

    const artifact = await get(reg.host, `sbom/app/manifests/${cdx.sbom.attached!.digest}`);
    expect(artifact.status).toBe(200);
    expect(sha256(artifact.body)).toBe(cdx.sbom.attached!.digest);
    const manifest = JSON.parse(artifact.body.toString()) as Doc;
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.cyclonedx+json' });
    expect(manifest.config).toEqual({ mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_CONFIG.digest, size: 2, data: 'e30=' });
    expect(EMPTY_CONFIG.digest).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(manifest.subject).toEqual({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: cdx.manifestDigest, size: image.body.length });
    expect(manifest.layers).toHaveLength(1);
    const local = readFileSync(cdx.sbom.path);
    expect(manifest.layers[0]).toMatchObject({ mediaType: 'application/vnd.cyclonedx+json', digest: sha256(local), size: local.length });
    const blob = await get(reg.host, `sbom/app/blobs/${manifest.layers[0].digest}`, '*/*');
    expect(blob.body).toEqual(local);
    expect((await get(reg.host, `sbom/app/blobs/${EMPTY_CONFIG.digest}`, '*/*')).body.toString()).toBe('{}');

    const tagged = await get(reg.host, `sbom/app/manifests/sha256-${hex}`);
    expect(JSON.parse(tagged.body.toString())).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: cdx.sbom.attached!.digest, size: artifact.body.length, artifactType: 'application/vnd.cyclonedx+json', annotations: { 'org.opencontainers.image.created': '2023-11-14T22:13:20Z' } }],
    });

    // a second SBOM of the same image joins the first in the tag's index
    const spdx = await buildWithSbom(reg.host, 'spdx');
    expect(spdx.manifestDigest).toBe(cdx.manifestDigest);
    const merged = JSON.parse((await get(reg.host, `sbom/app/manifests/sha256-${hex}`)).body.toString()) as Doc;
    expect(merged.manifests.map((m: Doc) => [m.digest, m.artifactType])).toEqual([
      [cdx.sbom.attached!.digest, 'application/vnd.cyclonedx+json'],
      [spdx.sbom.attached!.digest, 'application/spdx+json'],
    ]);
    // and the same SBOM again is not listed twice
    await buildWithSbom(reg.host, 'spdx');
    expect((JSON.parse((await get(reg.host, `sbom/app/manifests/sha256-${hex}`)).body.toString()) as Doc).manifests).toHaveLength(2);

    if (reg.kind === 'docker-registry') {
      const raw = JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', '--creds', CREDS, `docker://${reg.host}/sbom/app:sha256-${hex}`)) as Doc;
      expect(raw.manifests.map((m: Doc) => m.digest)).toEqual([cdx.sbom.attached!.digest, spdx.sbom.attached!.digest]);
      const art = JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', '--creds', CREDS, `docker://${reg.host}/sbom/app@${spdx.sbom.attached!.digest}`)) as Doc;
      expect(art.subject.digest).toBe(cdx.manifestDigest);
    }
  });
});

it('writes no referrers tag when the registry has the referrers API', async () => {
  const reg = await InProcessRegistry.start({
    basic: { user: 'alice', pass: 's3cret' },
    fault: (r) => (r.path.includes('/referrers/') ? { status: 200, headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: '{"schemaVersion":2,"manifests":[]}' } : undefined),
  });
  try {
    const s = await buildWithSbom(reg.host, 'cyclonedx');
    expect(s.sbom.attached).toEqual({ digest: expect.stringMatching(/^sha256:/), referrers: 'api' });
    expect((await get(reg.host, `sbom/app/manifests/sha256-${s.manifestDigest.slice(7)}`)).status).toBe(404);
    expect((await get(reg.host, `sbom/app/manifests/${s.sbom.attached!.digest}`)).status).toBe(200);
  } finally {
    await reg.stop();
  }
});
