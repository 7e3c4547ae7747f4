// The SBOM of a build, as CycloneDX 1.5 JSON or SPDX 2.3 JSON: the app as the root component, the
// base image (name and manifest digest) and every package of the dependency layer (sbom-packages.ts)
// with its version, license, lock-file integrity and purl. Written by hand, not with a CycloneDX or
// SPDX library: both documents are a few fixed fields, and whittle adds no dependency for them.
// Deterministic: components sorted, the serial number and namespace derived from the image's
// manifest digest (a name-based UUID, never a random one), the time the build's own (SOURCE_DATE_EPOCH).
import { createHash } from 'node:crypto';
import { WhittleError } from '../errors.js';
import type { InstalledPackage, Integrity } from './sbom-packages.js';

export type SbomFormat = 'cyclonedx' | 'spdx';

/** SBOM_FORMATS: each format's media type (the OCI artifactType) and default file suffix. */
export const SBOM_FORMATS: Record<SbomFormat, { mediaType: string; suffix: string }> = {
  cyclonedx: { mediaType: 'application/vnd.cyclonedx+json', suffix: '.cdx.json' },
  spdx: { mediaType: 'application/spdx+json', suffix: '.spdx.json' },
};

/** parseSbomFormat reads --sbom. */
export function parseSbomFormat(value: string): SbomFormat {
  if (value === 'cyclonedx' || value === 'spdx') return value;
  throw new WhittleError('usage', `--sbom must be cyclonedx or spdx, got ${JSON.stringify(value)}`);
}

export interface SbomInput {
  app: { name: string; version: string };
  base: { name: string; digest: string };
  packages: readonly InstalledPackage[];
  /** the built image's manifest digest: the serial number and namespace derive from it. */
  imageDigest: string;
  /** the build's time, `YYYY-MM-DDThh:mm:ssZ`. */
  created: string;
  /** the whittle version, for the tool entries. */
  tool: { name: string; version: string };
}

/** URL namespace of RFC 4122 name-based UUIDs. */
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** uuidV5 is the RFC 4122 version 5 (SHA-1, name-based) UUID of name in the URL namespace. */
export function uuidV5(name: string): string {
  const h = createHash('sha1').update(Buffer.from(NAMESPACE_URL.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** npmPurl is the package URL of an npm package: `pkg:npm/%40scope/name@version`. */
export function npmPurl(name: string, version: string): string {
  const parts = name.split('/').map((p) => encodeURIComponent(p));
  return `pkg:npm/${parts.join('/')}${version ? `@${encodeURIComponent(version)}` : ''}`;
}

const CDX_ALG: Record<Integrity['alg'], string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const SPDX_ALG: Record<Integrity['alg'], string> = { sha1: 'SHA1', sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };

/** serialize is the bytes written: two-space JSON and a newline. */
const serialize = (doc: unknown) => Buffer.from(JSON.stringify(doc, null, 2) + '\n');

function appRef(input: SbomInput): string {
  return input.app.name ? npmPurl(input.app.name, input.app.version) : 'app';
}

/** cyclonedx is the CycloneDX 1.5 document. */
export function cyclonedx(input: SbomInput): Record<string, unknown> {
  const root = appRef(input);
  const library = (p: InstalledPackage) => {
    const slash = p.name.startsWith('@') ? p.name.indexOf('/') : -1;
    return {
      type: 'library',
      'bom-ref': npmPurl(p.name, p.version),
      ...(slash > 0 ? { group: p.name.slice(0, slash), name: p.name.slice(slash + 1) } : { name: p.name }),
      ...(p.version ? { version: p.version } : {}),
      ...(p.integrity.length > 0 ? { hashes: p.integrity.map((i) => ({ alg: CDX_ALG[i.alg], content: i.hex })) } : {}),
      ...(p.license ? { licenses: [{ expression: p.license }] } : {}),
      purl: npmPurl(p.name, p.version),
      evidence: { occurrences: p.paths.map((location) => ({ location: `/app/${location}` })) },
    };
  };
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuidV5(`whittle-sbom:cyclonedx:${input.imageDigest}`)}`,
    version: 1,
    metadata: {
      timestamp: input.created,
      tools: { components: [{ type: 'application', name: input.tool.name, version: input.tool.version }] },
      component: {
        type: 'application',
        'bom-ref': root,
        name: input.app.name || 'app',
        ...(input.app.version ? { version: input.app.version } : {}),
        ...(input.app.name ? { purl: root } : {}),
      },
      properties: [{ name: 'whittle:image:digest', value: input.imageDigest }],
    },
    components: [
      {
        type: 'container',
        'bom-ref': 'base-image',
        name: input.base.name,
        version: input.base.digest,
      },
      ...input.packages.map(library),
    ],
    dependencies: [{ ref: root, dependsOn: ['base-image', ...input.packages.map((p) => npmPurl(p.name, p.version))] }],
  };
}

/** spdxId makes an SPDX element id from words, unique by a short hash of key. */
function spdxId(kind: string, words: string, key: string): string {
  const clean = words.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `SPDXRef-${kind}-${clean}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** spdx is the SPDX 2.3 document. */
export function spdx(input: SbomInput): Record<string, unknown> {
  const appName = input.app.name || 'app';
  const appId = spdxId('Application', appName, `app:${appName}@${input.app.version}`);
  const baseId = spdxId('Container', input.base.name.replace(/^.*\//, ''), `base:${input.base.name}@${input.base.digest}`);
  const packages = input.packages.map((p) => ({
    SPDXID: spdxId('Package-npm', `${p.name}-${p.version}`, npmPurl(p.name, p.version)),
    name: p.name,
    ...(p.version ? { versionInfo: p.version } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(p.integrity.length > 0 ? { checksums: p.integrity.map((i) => ({ algorithm: SPDX_ALG[i.alg], checksumValue: i.hex })) } : {}),
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: p.license ?? 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: npmPurl(p.name, p.version) }],
    primaryPackagePurpose: 'LIBRARY',
  }));
  const uuid = uuidV5(`whittle-sbom:spdx:${input.imageDigest}`);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${appName}${input.app.version ? `@${input.app.version}` : ''} (${input.imageDigest})`,
    documentNamespace: `https://spdx.org/spdxdocs/whittle-build-${encodeURIComponent(appName.replace(/[@/]/g, '-').replace(/^-+/, ''))}-${uuid}`,
    creationInfo: { created: input.created, creators: [`Tool: ${input.tool.name}-${input.tool.version}`] },
    packages: [
      {
        SPDXID: appId,
        name: appName,
        ...(input.app.version ? { versionInfo: input.app.version } : {}),
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        ...(input.app.name ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: npmPurl(input.app.name, input.app.version) }] } : {}),
        primaryPackagePurpose: 'APPLICATION',
      },
      {
        SPDXID: baseId,
        name: input.base.name,
        versionInfo: input.base.digest,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: 'CONTAINER',
      },
      ...packages,
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: appId },
      { spdxElementId: appId, relationshipType: 'DEPENDS_ON', relatedSpdxElement: baseId },
      ...packages.map((p) => ({ spdxElementId: appId, relationshipType: 'DEPENDS_ON', relatedSpdxElement: p.SPDXID })),
    ],
  };
}

/** renderSbom is the document of format, as the bytes written and attached. */
export function renderSbom(format: SbomFormat, input: SbomInput): Buffer {
  return serialize(format === 'cyclonedx' ? cyclonedx(input) : spdx(input));
}
