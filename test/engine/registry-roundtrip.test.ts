// oci → registry → engine → docker-archive: the config digest and diff_ids survive the whole trip
// (engine suite: `npm run test:engine`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openImage } from '../../src/transports/open.js';
import { loadIntoDaemon } from '../../src/sinks/daemon.js';
import { writeToRegistry } from '../../src/sinks/registry.js';
import { ociFixture, REGISTRY_KINDS, type TestRegistry } from '../registry-helpers.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-roundtrip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

for (const kind of REGISTRY_KINDS) describeWith([...kind.tools, 'docker'], `oci → registry → engine → docker-archive round trip (${kind.kind})`, () => {
  let reg: TestRegistry;
  const tag = `whittle-test/roundtrip:${process.pid}-${kind.kind}`;
  beforeAll(async () => {
    reg = await kind.start();
  });
  afterAll(async () => {
    try {
      execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
    } catch {
      /* not loaded */
    }
    await reg?.stop();
  });

  it('keeps the config digest and diff_ids all the way', async () => {
    const fx = ociFixture(tmp, 'roundtrip');
    await writeToRegistry(await openImage(`oci:${fx.dir}:v1`), `${reg.host}/rt/app:v1`);
    const pulled = await openImage(`docker://${reg.host}/rt/app:v1`);
    expect(await pulled.digest()).toBe(fx.manifestDigest);
    await loadIntoDaemon(pulled, tag);
    const saved = join(tmp, `rt-${kind.kind}.tar`);
    execFileSync('docker', ['save', '-o', saved, tag]);
    const archived = await openImage(`docker-archive:${saved}`);
    expect(await archived.configDigest()).toBe(fx.configDigest);
    expect(await Promise.all((await archived.layers()).map((l) => l.diffId()))).toEqual(fx.diffIds);
  });
});
