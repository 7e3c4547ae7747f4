import { describe, expect, it } from 'vitest';
import { digestOf } from './digest.js';
import { MediaType } from './mediatypes.js';
import { configPlatformMatches, parsePlatform, platformMatches } from './platform.js';
import { selectManifest, type ReadDocument } from './select.js';
import type { Descriptor, Index, Platform } from './spec.js';

function store() {
  const blobs = new Map<string, Uint8Array>();
  const add = (doc: object, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor => {
    const raw = Buffer.from(JSON.stringify(doc));
    const digest = digestOf(raw);
    blobs.set(digest, raw);
    return { mediaType, digest, size: raw.length, ...extra };
  };
  const read: ReadDocument = async (d) => {
    const b = blobs.get(d.digest);
    if (!b) throw new Error('missing');
    return b;
  };
  return { add, read, blobs };
}

const manifestDoc = (tag: string) => ({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: MediaType.ociConfig, digest: digestOf(Buffer.from(tag)), size: tag.length },
  layers: [],
});

function image(s: ReturnType<typeof store>, name: string, platform?: Platform, annotations?: Record<string, string>) {
  return s.add(manifestDoc(name), MediaType.ociManifest, { ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) });
}

const index = (manifests: Descriptor[]): Index => ({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });

describe('selectManifest', () => {
  it('picks the default platform linux/amd64 and skips attestations', async () => {
    const s = store();
    const amd = image(s, 'amd', { os: 'linux', architecture: 'amd64' });
    const arm = image(s, 'arm', { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const att = image(s, 'att', { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' });
    const got = await selectManifest(s.read, index([att, arm, amd]), {}, 'x');
    expect(got.descriptor.digest).toBe(amd.digest);
  });

  it('selects by platform with the arm64/v8 equivalence', async () => {
    const s = store();
    const amd = image(s, 'amd', { os: 'linux', architecture: 'amd64' });
    const arm = image(s, 'arm', { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const got = await selectManifest(s.read, index([amd, arm]), { platform: parsePlatform('linux/aarch64'), platformExplicit: true }, 'x');
    expect(got.descriptor.digest).toBe(arm.digest);
  });

  it('follows nested indexes and keeps the outer ref name', async () => {
    const s = store();
    const amd = image(s, 'amd', { os: 'linux', architecture: 'amd64' });
    const inner = s.add(index([amd]), MediaType.ociIndex, { annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
    const got = await selectManifest(s.read, index([inner]), { ref: 'v1' }, 'x');
    expect(got.descriptor.digest).toBe(amd.digest);
    expect(got.refName).toBe('v1');
  });

  it('lists the platforms that exist when none matches', async () => {
    const s = store();
    const a = image(s, 'a', { os: 'linux', architecture: 'arm64' });
    const b = image(s, 'b', { os: 'linux', architecture: 's390x' });
    await expect(
      selectManifest(s.read, index([a, b]), { platform: parsePlatform('linux/amd64'), platformExplicit: true }, 'img'),
    ).rejects.toThrow('img has no image for linux/amd64 (available: linux/arm64, linux/s390x)');
  });

  it('takes a lone single-platform image unless a platform was asked for', async () => {
    const s = store();
    const a = image(s, 'a', { os: 'linux', architecture: 'arm64' });
    await expect(selectManifest(s.read, index([a]), {}, 'img')).resolves.toMatchObject({ descriptor: { digest: a.digest } });
    await expect(selectManifest(s.read, index([a]), { platform: parsePlatform('linux/amd64'), platformExplicit: true }, 'img')).rejects.toThrow(
      /no image for linux\/amd64/,
    );
  });

  it('refuses a nested document whose digest does not match', async () => {
    const s = store();
    const amd = image(s, 'amd', { os: 'linux', architecture: 'amd64' });
    const inner = s.add(index([amd]), MediaType.ociIndex);
    s.blobs.set(inner.digest, Buffer.from(JSON.stringify(index([]))));
    await expect(selectManifest(s.read, index([inner]), {}, 'x')).rejects.toThrow(/hashes to/);
  });

  it('names the refs when several images are present and none is named', async () => {
    const s = store();
    const a = image(s, 'a', undefined, { 'org.opencontainers.image.ref.name': 'one' });
    const b = image(s, 'b', undefined, { 'org.opencontainers.image.ref.name': 'two' });
    await expect(selectManifest(s.read, index([a, b]), {}, 'dir')).rejects.toThrow('dir holds several images; name one (one, two)');
    await expect(selectManifest(s.read, index([a, b]), { ref: 'three' }, 'dir')).rejects.toThrow('dir has no image named "three" (it has: one, two)');
  });
});

describe('platforms', () => {
  it.each([
    ['linux/amd64', 'linux/amd64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm/v7', 'linux/arm/v6', false],
    ['linux/arm', 'linux/arm/v6', true],
    ['windows/amd64', 'linux/amd64', false],
  ])('%s matches %s: %s', (want, have, expected) => {
    expect(platformMatches(parsePlatform(want), parsePlatform(have))).toBe(expected);
  });

  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }, true],
    ['linux/arm64', { os: 'linux', architecture: 'amd64' }, false],
    ['linux/arm64', { os: 'linux', architecture: 'aarch64', variant: 'v8' }, true],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm' }, true], // configs often leave the variant out
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v6' }, false],
    ['windows/amd64', { os: 'linux', architecture: 'amd64' }, false],
    ['linux/arm64', {}, true], // a config that states no platform cannot contradict one
  ])('%s matches a config of %j: %s', (want, config, expected) => {
    expect(configPlatformMatches(parsePlatform(want), config)).toBe(expected);
  });

  it('rejects malformed platforms', () => {
    expect(() => parsePlatform('linux')).toThrow(/os\/arch/);
  });
});
