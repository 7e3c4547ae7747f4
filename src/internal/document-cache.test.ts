// Documents asked for by digest are read from the cache the second time: a registry base's config
// is fetched once, and a cached entry that does not hash to its name is fetched again.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociFixture } from '../../test/registry-helpers.js';
import { InProcessRegistry } from '../../test/support/registry-server.js';
import { writeToRegistry } from '../sinks/registry.js';
import { openImage } from '../transports/open.js';
import { cachedDocument } from './document-cache.js';
import { digestOf } from '../image/digest.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-doc-cache-'));
let reg: InProcessRegistry;
beforeAll(async () => {
  reg = await InProcessRegistry.start();
});
afterAll(async () => {
  await reg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('cachedDocument', () => {
  it('fetches a document once, and again when the entry does not hash to its name', async () => {
    const dir = join(tmp, 'unit');
    const doc = Buffer.from('{"a":1}');
    const digest = digestOf(doc);
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      return doc;
    };
    expect(Buffer.from(await cachedDocument(dir, digest, fetch)).toString()).toBe('{"a":1}');
    expect(Buffer.from(await cachedDocument(dir, digest, fetch)).toString()).toBe('{"a":1}');
    expect(fetches).toBe(1);
    writeFileSync(join(dir, readdirSync(dir)[0]!), '{"a":2}');
    expect(Buffer.from(await cachedDocument(dir, digest, fetch)).toString()).toBe('{"a":1}');
    expect(fetches).toBe(2);
    // a fetched document that does not hash to the digest is not kept
    const wrong = digestOf(Buffer.from('other'));
    await cachedDocument(dir, wrong, fetch);
    await cachedDocument(dir, wrong, fetch);
    expect(fetches).toBe(4);
  });

  it('a registry image opened with a cache dir fetches its config once', async () => {
    const fx = ociFixture(tmp, 'cfg');
    await writeToRegistry(await openImage(`oci:${fx.dir}:v1`), `${reg.host}/cfg/base:1`);
    const cacheDir = join(tmp, 'cache');
    const configGets = () => reg.requests.filter((r) => r.method === 'GET' && r.path === `/v2/cfg/base/blobs/${fx.configDigest}`).length;
    const before = configGets();
    const opts = { cacheDir, registry: { insecure: true } };
    const first = await openImage(`docker://${reg.host}/cfg/base:1`, opts);
    await first.config();
    const second = await openImage(`docker://${reg.host}/cfg/base:1`, opts);
    expect(await second.configDigest()).toBe(fx.configDigest);
    expect((await second.config()).rootfs.diff_ids).toEqual((await first.config()).rootfs.diff_ids);
    expect(configGets() - before).toBe(1);
    // without the cache dir, each open fetches it
    await (await openImage(`docker://${reg.host}/cfg/base:1`, { registry: { insecure: true } })).config();
    expect(configGets() - before).toBe(2);
  });
});
