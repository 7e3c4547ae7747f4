// The `docker-daemon:NAME[:TAG]` source. The engine's export (`GET /images/{name}/get`) is a
// `docker save` tar whose layer order is not the manifest's and which cannot be seeked, while the
// image model reads layers lazily and more than once (analysis, then rewriting). So the export is
// spooled to a temp file and read with the docker-archive reader (TarSource + dockerArchiveImage);
// the temp file is deleted when the process exits (src/internal/spool.ts).
import { WhittleError } from '../../errors.js';
import type { Image } from '../../image/image.js';
import type { SelectOptions } from '../../image/select.js';
import { TarSource } from '../../internal/file-source.js';
import { removeSpool, spool } from '../../internal/spool.js';
import { dockerArchiveImage } from '../tarball/index.js';
import { engineAddress, engineMessage, engineRequest, type EngineAddress } from './engine.js';

export { engineAddress, type EngineAddress } from './engine.js';

/** hasImage tells whether the engine at addr answers and holds `name`; any failure (no engine, a timeout) is false. */
export async function hasImage(name: string, addr?: EngineAddress, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await engineRequest(addr ?? engineAddress(), 'GET', `/images/${encodeURIComponent(name)}/json`, undefined, {}, timeoutMs);
    res.body.resume();
    return res.status === 200;
  } catch {
    return false;
  }
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
  const file = await spool(res.body, 'whittle-daemon-', `docker-daemon:${name}: exporting failed`);
  try {
    return await dockerArchiveImage(await TarSource.open(file, `docker-daemon:${name}`), reference, undefined, select);
  } catch (err) {
    removeSpool(file);
    throw err;
  }
}
