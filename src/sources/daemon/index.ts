// The `docker-daemon:NAME[:TAG]` source. The engine's export (`GET /images/{name}/get`) is a
// `docker save` tar whose layer order is not the manifest's and which cannot be seeked, while the
// image model reads layers lazily and more than once (analysis, then rewriting). So the export is
// spooled to a temp file and read with the docker-archive reader (TarSource + dockerArchiveImage);
// the temp file is deleted when the process exits (or by `close()` on the returned handle).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WhittleError } from '../../errors.js';
import type { Image } from '../../image/image.js';
import type { SelectOptions } from '../../image/select.js';
import { TarSource } from '../../internal/file-source.js';
import { dockerArchiveImage } from '../tarball/index.js';
import { engineAddress, engineMessage, engineRequest, type EngineAddress } from './engine.js';

export { engineAddress, type EngineAddress } from './engine.js';

const spools = new Set<string>();
let exitHook = false;
function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-daemon-'));
  spools.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => spools.forEach((d) => rmSync(d, { recursive: true, force: true })));
  }
  return dir;
}

/** removeSpools deletes the temp exports now (the exit hook does it otherwise). */
export function removeSpools(): void {
  spools.forEach((d) => rmSync(d, { recursive: true, force: true }));
  spools.clear();
}

/** daemonImage exports `name` from the engine and opens it; `name` is what follows `docker-daemon:`. */
export async function daemonImage(name: string, reference: string, select: SelectOptions, addr: EngineAddress = engineAddress()): Promise<Image> {
  if (name === '') throw new WhittleError('bad-reference', 'docker-daemon: needs an image name');
  const path = encodeURIComponent(name);
  const inspect = await engineRequest(addr, 'GET', `/images/${path}/json`);
  if (inspect.status === 404) {
    inspect.body.resume();
    throw new WhittleError('not-found', `docker-daemon:${name}: no such image in the engine at ${addr.display}`);
  }
  if (inspect.status !== 200) throw new WhittleError('io', `docker-daemon:${name}: engine answered ${inspect.status}: ${await engineMessage(inspect)}`);
  inspect.body.resume();
  const res = await engineRequest(addr, 'GET', `/images/${path}/get`);
  if (res.status !== 200) throw new WhittleError('io', `docker-daemon:${name}: exporting failed (${res.status}): ${await engineMessage(res)}`);
  const file = join(spoolDir(), 'image.tar');
  await pipeline(res.body, createWriteStream(file)).catch((err) => {
    throw new WhittleError('io', `docker-daemon:${name}: exporting failed: ${(err as Error).message}`, { cause: err });
  });
  return dockerArchiveImage(await TarSource.open(file), reference, undefined, select);
}
