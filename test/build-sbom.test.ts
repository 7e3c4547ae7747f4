// whittle build --sbom: the CycloneDX 1.5 and SPDX 2.3 documents of a build, checked field by field
// against what each specification requires (no schema library), from a generated project whose
// node_modules holds scoped, nested and duplicate packages with licenses and lock-file integrity.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build/index.js';
import { cyclonedx, npmPurl, renderSbom, spdx, uuidV5, type SbomInput } from '../src/build/sbom.js';
import { parseIntegrity, readLockIntegrity, spdxLicense } from '../src/build/sbom-packages.js';
import { openImage } from '../src/transports/open.js';
import { defaultSbomPath } from '../src/cli/build.js';
import { copyProject, SBOM_PACKAGES, writeBase, writeProject, writeSbomProject } from './build-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-sbom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const EPOCH = '1700000000';
const CREATED = '2023-11-14T22:13:20Z';
const env = { ...process.env, SOURCE_DATE_EPOCH: EPOCH, npm_config_offline: 'true', WHITTLE_CACHE_DIR: join(tmp, 'cache') };
let base: string;
beforeAll(async () => {
  process.env.npm_config_offline = 'true';
  base = await writeBase(join(tmp, 'base.tar'));
});
let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${++n}`);

/** sbomOf builds dir and returns the SBOM input the CLI would render, and the image digest. */
async function sbomOf(dir: string, opts: Partial<BuildOptions> = {}): Promise<SbomInput> {
  const image = await openImage(base);
  const result = await build({ dir, base: image, baseName: base, env, sbom: true, ...opts });
  const digest = await result.image.digest();
  await result.dispose();
  return { app: result.app, base: { name: base, digest: await image.digest() }, packages: result.packages!, imageDigest: digest, created: CREATED, tool: { name: 'whittle', version: '0.1.0' } };
}

const hex = (alg: string, text: string) => createHash(alg).update(text).digest('hex');
/** Doc is a parsed JSON document, read field by field. */
type Doc = Record<string, any>;

describe('SBOM of a build', () => {
  let input: SbomInput;
  beforeAll(async () => {
    input = await sbomOf(writeSbomProject(fresh('sbom')), { prebuilt: true });
  });

  it('lists every package of the dependency layer once per name@version, with license, integrity and install paths', () => {
    expect(input.app).toEqual({ name: 'app', version: '1.0.0' });
    expect(input.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['@scope/util@1.2.0', 'dup@1.0.0', 'express@4.19.2', 'local@0.0.1', 'old@0.1.0', 'old@0.2.0']);
    const byKey = Object.fromEntries(input.packages.map((p) => [`${p.name}@${p.version}`, p]));
    expect(byKey['dup@1.0.0']!.paths).toEqual(['node_modules/@scope/util/node_modules/dup', 'node_modules/dup']);
    expect(byKey['@scope/util@1.2.0']!.license).toBe('(MIT OR Apache-2.0)');
    expect(byKey['old@0.1.0']!).toMatchObject({ license: null, integrity: [{ alg: 'sha1', hex: hex('sha1', 'old-0.1.0') }] });
    expect(byKey['old@0.2.0']!).toMatchObject({ license: null, integrity: [{ alg: 'sha512', hex: hex('sha512', 'old-0.2.0') }], paths: ['node_modules/express/node_modules/old'] });
    expect(byKey['local@0.0.1']!.integrity).toEqual([]);
    expect(SBOM_PACKAGES).toHaveLength(7); // express/lib/package.json names no package
  });

  it('is a CycloneDX 1.5 document with the required fields, the app as root and the base as a container', () => {
    const doc = JSON.parse(renderSbom('cyclonedx', input).toString()) as Doc;
    expect(doc).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1 });
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.serialNumber).toBe(`urn:uuid:${uuidV5(`whittle-sbom:cyclonedx:${input.imageDigest}`)}`);
    expect(doc.metadata.timestamp).toBe(CREATED);
    expect(doc.metadata.component).toEqual({ type: 'application', 'bom-ref': 'pkg:npm/app@1.0.0', name: 'app', version: '1.0.0', purl: 'pkg:npm/app@1.0.0' });
    expect(doc.metadata.tools.components[0]).toMatchObject({ type: 'application', name: 'whittle' });
    const [baseComponent, ...libs] = doc.components as Doc[];
    expect(baseComponent).toEqual({ type: 'container', 'bom-ref': 'base-image', name: base, version: input.base.digest });
    expect(input.base.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const c of [doc.metadata.component, ...doc.components]) {
      expect(typeof c.type).toBe('string');
      expect(typeof c.name).toBe('string');
    }
    const refs = [doc.metadata.component['bom-ref'], ...doc.components.map((c: Doc) => c['bom-ref'])];
    expect(new Set(refs).size).toBe(refs.length);
    const util = libs.find((c) => c.name === 'util')!;
    expect(util).toEqual({
      type: 'library',
      'bom-ref': 'pkg:npm/%40scope/util@1.2.0',
      group: '@scope',
      name: 'util',
      version: '1.2.0',
      hashes: [{ alg: 'SHA-512', content: hex('sha512', 'util-1.2.0') }],
      licenses: [{ expression: '(MIT OR Apache-2.0)' }],
      purl: 'pkg:npm/%40scope/util@1.2.0',
      evidence: { occurrences: [{ location: '/app/node_modules/@scope/util' }] },
    });
    expect(libs.find((c) => c.version === '0.1.0')).toMatchObject({ name: 'old', hashes: [{ alg: 'SHA-1', content: hex('sha1', 'old-0.1.0') }] });
    expect(libs.find((c) => c.version === '0.1.0')!.licenses).toBeUndefined();
    expect(doc.dependencies).toEqual([{ ref: 'pkg:npm/app@1.0.0', dependsOn: ['base-image', ...libs.map((c) => c.purl)] }]);
    for (const d of doc.dependencies[0].dependsOn) expect(refs).toContain(d);
  });

  it('is an SPDX 2.3 document with the required fields, every package related to the app', () => {
    const doc = JSON.parse(renderSbom('spdx', input).toString()) as Doc;
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT' });
    expect(doc.name).toBe(`app@1.0.0 (${input.imageDigest})`);
    expect(doc.documentNamespace).toBe(`https://spdx.org/spdxdocs/whittle-build-app-${uuidV5(`whittle-sbom:spdx:${input.imageDigest}`)}`);
    expect(() => new URL(doc.documentNamespace)).not.toThrow();
    expect(doc.documentNamespace).not.toContain('#');
    expect(doc.creationInfo).toEqual({ created: CREATED, creators: ['Tool: whittle-0.1.0'] });
    const ids = doc.packages.map((p: Doc) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of doc.packages as Doc[]) {
      expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
      expect(typeof p.name).toBe('string');
      expect(p.downloadLocation).toBe('NOASSERTION');
      expect(p.filesAnalyzed).toBe(false); // no packageVerificationCode needed
    }
    const [app, container, ...libs] = doc.packages as [Doc, Doc, ...Doc[]];
    expect(app).toMatchObject({ name: 'app', versionInfo: '1.0.0', primaryPackagePurpose: 'APPLICATION' });
    expect(container).toMatchObject({ name: base, versionInfo: input.base.digest, primaryPackagePurpose: 'CONTAINER' });
    expect(libs.map((p) => [p.name, p.versionInfo, p.licenseDeclared])).toEqual([
      ['@scope/util', '1.2.0', '(MIT OR Apache-2.0)'],
      ['dup', '1.0.0', 'ISC'],
      ['express', '4.19.2', 'MIT'],
      ['local', '0.0.1', 'NOASSERTION'],
      ['old', '0.1.0', 'NOASSERTION'],
      ['old', '0.2.0', 'NOASSERTION'],
    ]);
    expect(libs[0]!.checksums).toEqual([{ algorithm: 'SHA512', checksumValue: hex('sha512', 'util-1.2.0') }]);
    expect(libs[4]!.checksums).toEqual([{ algorithm: 'SHA1', checksumValue: hex('sha1', 'old-0.1.0') }]);
    expect(libs[3]!.checksums).toBeUndefined();
    expect(libs[0]!.externalRefs).toEqual([{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/%40scope/util@1.2.0' }]);
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: app.SPDXID });
    expect(doc.relationships.slice(1)).toEqual([container, ...libs].map((p) => ({ spdxElementId: app.SPDXID, relationshipType: 'DEPENDS_ON', relatedSpdxElement: p.SPDXID })));
    for (const r of doc.relationships as Doc[]) for (const id of [r.spdxElementId, r.relatedSpdxElement]) expect([...ids, 'SPDXRef-DOCUMENT']).toContain(id);
  });

  it('gives the same bytes from a copy of the project elsewhere, and another serial number when the image changes', async () => {
    const a = writeSbomProject(fresh('same'));
    const b = copyProject(a, join(mkdtempSync(join(tmp, 'other-')), 'elsewhere'));
    const [x, y] = [await sbomOf(a, { prebuilt: true, cache: false }), await sbomOf(b, { prebuilt: true, cache: false })];
    expect(renderSbom('spdx', y)).toEqual(renderSbom('spdx', x));
    expect(renderSbom('cyclonedx', y)).toEqual(renderSbom('cyclonedx', x));
    writeFileSync(join(b, 'server.js'), '// changed\n');
    const z = await sbomOf(b, { prebuilt: true, cache: false });
    expect(z.imageDigest).not.toBe(x.imageDigest);
    expect(cyclonedx(z).serialNumber).not.toBe(cyclonedx(x).serialNumber);
    expect(spdx(z).documentNamespace).not.toBe(spdx(x).documentNamespace);
  });

  it('describes an installed layer and the same layer from the cache alike', async () => {
    const dir = writeProject(fresh('installed'), { greetVersion: '7.0.0' });
    const cold = await sbomOf(dir);
    const warm = await sbomOf(dir);
    expect(cold.packages).toEqual([{ name: 'greet', version: '7.0.0', license: null, integrity: [], paths: ['node_modules/greet'] }]);
    expect(warm.packages).toEqual(cold.packages);
  });
  it('reads a pnpm node_modules (packages under .pnpm, links at the top) with the integrity of pnpm-lock.yaml', async () => {
    const dir = writeProject(fresh('pnpm'), { lock: false });
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
    const real = join(dir, 'node_modules/.pnpm/express@4.19.2/node_modules/express');
    mkdirSync(real, { recursive: true });
    writeFileSync(join(real, 'package.json'), JSON.stringify({ name: 'express', version: '4.19.2', license: 'MIT' }));
    mkdirSync(join(dir, 'node_modules/.pnpm/node_modules'), { recursive: true });
    symlinkSync('../express@4.19.2/node_modules/express', join(dir, 'node_modules/.pnpm/node_modules/express'));
    symlinkSync('.pnpm/express@4.19.2/node_modules/express', join(dir, 'node_modules/express'));
    const integrity = `sha512-${createHash('sha512').update('express').digest('base64')}`;
    writeFileSync(join(dir, 'pnpm-lock.yaml'), `lockfileVersion: '9.0'\n\npackages:\n\n  express@4.19.2:\n    resolution: {integrity: ${integrity}}\n`);
    const { packages } = await sbomOf(dir, { prebuilt: true });
    expect(packages).toEqual([{ name: 'express', version: '4.19.2', license: 'MIT', integrity: [{ alg: 'sha512', hex: hex('sha512', 'express') }], paths: ['node_modules/.pnpm/express@4.19.2/node_modules/express'] }]);
  });
});

describe('SBOM pieces', () => {
  it.each([
    ['MIT', 'MIT'],
    [' Apache-2.0 ', 'Apache-2.0'],
    ['(MIT OR Apache-2.0)', '(MIT OR Apache-2.0)'],
    ['GPL-2.0+ WITH Classpath-exception-2.0', 'GPL-2.0+ WITH Classpath-exception-2.0'],
    ['LicenseRef-Custom', 'LicenseRef-Custom'],
    ['UNLICENSED', null],
    ['SEE LICENSE IN LICENSE.md', null],
    ['MIT/X11', null],
    ['MIT OR', null],
    ['(MIT', null],
    [{ type: 'MIT' }, null],
    [undefined, null],
  ])('license %j reads as %j', (value, expected) => {
    expect(spdxLicense(value)).toBe(expected);
  });

  it('reads SRI integrity as hex digests, ignoring what it does not know', () => {
    const s = `sha512-${createHash('sha512').update('x').digest('base64')} sha1-${createHash('sha1').update('x').digest('base64')} md5-abc sha512-short`;
    expect(parseIntegrity(s)).toEqual([
      { alg: 'sha512', hex: hex('sha512', 'x') },
      { alg: 'sha1', hex: hex('sha1', 'x') },
    ]);
  });

  it('reads integrity from yarn 1 and pnpm lock files by name@version', () => {
    const yarn = readLockIntegrity(
      '# yarn lockfile v1\n\n"@scope/util@^1.0.0", "@scope/util@^1.2.0":\n  version "1.2.0"\n  resolved "https://r/u.tgz#abc"\n  integrity sha512-AAAA\n\nexpress@^4:\n  version "4.19.2"\n  integrity sha1-BBBB\n',
      'yarn',
    );
    expect(Object.fromEntries(yarn.byNameVersion)).toEqual({ '@scope/util@1.2.0': 'sha512-AAAA', 'express@4.19.2': 'sha1-BBBB' });
    const pnpm6 = readLockIntegrity("lockfileVersion: '6.0'\n\ndependencies:\n  express:\n    specifier: ^4\n    version: 4.19.2\n\npackages:\n\n  /@scope/util@1.2.0(react@18.0.0):\n    resolution: {integrity: sha512-AAAA}\n    dev: false\n\n  /express@4.19.2:\n    resolution: {integrity: sha512-CCCC, tarball: x}\n", 'pnpm');
    expect(Object.fromEntries(pnpm6.byNameVersion)).toEqual({ '@scope/util@1.2.0': 'sha512-AAAA', 'express@4.19.2': 'sha512-CCCC' });
    const pnpm9 = readLockIntegrity("lockfileVersion: '9.0'\n\npackages:\n\n  '@scope/util@1.2.0':\n    resolution: {integrity: sha512-AAAA}\n\n  express@4.19.2:\n    resolution: {integrity: sha512-CCCC}\n\nsnapshots:\n\n  express@4.19.2: {}\n", 'pnpm');
    expect(Object.fromEntries(pnpm9.byNameVersion)).toEqual({ '@scope/util@1.2.0': 'sha512-AAAA', 'express@4.19.2': 'sha512-CCCC' });
    const pnpm5 = readLockIntegrity('lockfileVersion: 5.4\n\npackages:\n\n  /express/4.19.2:\n    resolution: {integrity: sha512-CCCC}\n', 'pnpm');
    expect(Object.fromEntries(pnpm5.byNameVersion)).toEqual({ 'express@4.19.2': 'sha512-CCCC' });
  });

  it('writes purls as the purl spec spells npm packages', () => {
    expect(npmPurl('@scope/util', '1.2.0')).toBe('pkg:npm/%40scope/util@1.2.0');
    expect(npmPurl('left-pad', '1.0.0+build.1')).toBe('pkg:npm/left-pad@1.0.0%2Bbuild.1');
  });

  it('makes RFC 4122 version 5 UUIDs', () => {
    // Python's uuid.uuid5(uuid.NAMESPACE_URL, 'http://python.org/')
    expect(uuidV5('http://python.org/')).toBe('4c565f0d-3f5a-5890-b41b-20cf47701c5e');
    expect(uuidV5('a')).not.toBe(uuidV5('b'));
  });
});

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('whittle build --sbom (command line)', () => {
  it.each([
    ['app.tar', 'cyclonedx', 'app.tar.cdx.json'],
    ['docker-archive:out/app.tar:app:1', 'spdx', 'out/app.tar.spdx.json'],
    ['oci:out:app', 'cyclonedx', 'out.cdx.json'],
    ['oci-archive:/tmp/x/app.oci.tar', 'spdx', '/tmp/x/app.oci.tar.spdx.json'],
    ['docker://registry.example.com:5000/team/app:1', 'cyclonedx', 'app.cdx.json'],
    ['docker://127.0.0.1:5000/app@sha256:' + '0'.repeat(64), 'spdx', 'app.spdx.json'],
    ['docker-daemon:web:2', 'cyclonedx', 'web.cdx.json'],
  ] as const)('-o %s --sbom %s writes %s by default', (output, format, expected) => {
    expect(defaultSbomPath(output, format)).toBe(expected);
  });

  it('writes OUT.cdx.json next to the image, or --sbom-output, atomically', () => {
    const dir = writeSbomProject(fresh('cli'));
    const outDir = mkdtempSync(join(tmp, 'out-'));
    const r = whittle('build', dir, '--prebuilt', '-o', join(outDir, 'app.tar'), '--base', base, '--sbom', 'cyclonedx', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { manifestDigest: string; sbom: { path: string; format: string } };
    expect(summary.sbom).toEqual({ path: join(outDir, 'app.tar.cdx.json'), format: 'cyclonedx' });
    const doc = JSON.parse(readFileSync(summary.sbom.path, 'utf8')) as Doc;
    expect(doc.serialNumber).toBe(`urn:uuid:${uuidV5(`whittle-sbom:cyclonedx:${summary.manifestDigest}`)}`);
    expect(doc.components).toHaveLength(7);
    const spdxOut = join(outDir, 'deps.spdx.json');
    const s = whittle('build', dir, '--prebuilt', '-o', `oci:${join(outDir, 'layout')}:app`, '--base', base, '--sbom', 'spdx', '--sbom-output', spdxOut);
    expect(s.stderr).toBe('');
    expect(s.stdout).toContain(`sbom: spdx, 6 packages, ${spdxOut}\n`);
    expect((JSON.parse(readFileSync(spdxOut, 'utf8')) as Doc).spdxVersion).toBe('SPDX-2.3');
    expect(readdirSync(outDir).sort()).toEqual(['app.tar', 'app.tar.cdx.json', 'deps.spdx.json', 'layout']);
  });

  it.each([
    [['--sbom', 'swid'], /^whittle: --sbom must be cyclonedx or spdx, got "swid"\n$/],
    [['--sbom-output', 'x.json'], /^whittle: --sbom-output needs --sbom cyclonedx\|spdx\n$/],
    [['--sbom', 'spdx', '--sbom-output', '/nonexistent/dir/x.json'], /^whittle: --sbom-output: \/nonexistent\/dir is not a directory\n$/],
  ])('%j is one clear error and no output', (extra, message) => {
    const dir = writeSbomProject(fresh('cli-bad'));
    const outDir = mkdtempSync(join(tmp, 'out-'));
    const r = whittle('build', dir, '--prebuilt', '-o', join(outDir, 'app.tar'), '--base', base, ...extra);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(readdirSync(outDir)).toEqual([]);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
