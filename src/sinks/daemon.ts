// Loading an Image into a Docker engine (`docker-daemon:NAME[:TAG]`): a `docker save` tar is
// streamed straight into `POST /images/load` (layers as stored, compressed or not — the engine
// accepts both). The endpoint answers 200 even when loading fails, so the progress stream is read
// and its first `error` becomes the error.
// The layers the engine already holds (engine-layers.ts) are listed in the tar's manifest.json but
// their files are left out, so a build on a base the engine has sends only its own layers. An engine
// that refuses such a tar (it wants every file after all) is sent everything.
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WhittleError } from '../errors.js';
import { checkArchiveTag } from '../internal/reference-grammar.js';
import type { Image } from '../image/image.js';
import { engineAddress, engineMessage, engineRequest, readAll, type EngineAddress } from '../sources/daemon/engine.js';
import { layersHeld } from './engine-layers.js';

export interface LoadOptions {
  engine?: EngineAddress;
  /** false: send every layer's bytes even when the engine holds the layer (default true). */
  leaveOutHeld?: boolean;
}

function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** normalizeName gives a bare name the `:latest` tag, as `docker tag` does. */
function normalizeName(name: string): string {
  const slash = name.lastIndexOf('/');
  return name.lastIndexOf(':') > slash || name.includes('@') ? name : `${name}:latest`;
}

/** loadIntoDaemon loads image into the engine tagged `name`; resolves to the image ID (config digest). */
export async function loadIntoDaemon(image: Image, name: string, opts: LoadOptions = {}): Promise<string> {
  const addr = opts.engine ?? engineAddress();
  const bare = name.replace(/^docker-daemon:/, '');
  checkArchiveTag(bare, `docker-daemon:${bare}`);
  const tag = normalizeName(bare);
  const diffIds = await Promise.all((await image.layers()).map((l) => l.diffId()));
  const held = opts.leaveOutHeld === false ? 0 : await layersHeld(addr, diffIds, tag);
  if (held > 0) {
    try {
      return await load(image, tag, addr, held);
    } catch (err) {
      if (!(err instanceof WhittleError) || err.code !== 'io') throw err;
      // the engine wanted the files it was thought to hold: send everything
    }
  }
  return load(image, tag, addr, 0);
}

/** load streams image as a docker save tar into the engine, without the files of its first `leaveOut` layers. */
async function load(image: Image, tag: string, addr: EngineAddress, leaveOut: number): Promise<string> {
  const { default: tar } = await import('tar-stream'); // loaded when a load starts, not with the module
  const pack = tar.pack();
  const body = new PassThrough();
  const writing = (async () => {
    const configDigest = await image.configDigest();
    const rawConfig = await image.rawConfig();
    const configName = `${hexOf(configDigest)}.json`;
    pack.entry({ name: configName, size: rawConfig.byteLength, mtime: new Date(0) }, Buffer.from(rawConfig));
    const layerNames: string[] = [];
    const sent = new Set<string>();
    for (const [i, layer] of (await image.layers()).entries()) {
      const file = `${hexOf(await layer.digest())}/layer.tar`;
      if (i >= leaveOut && !sent.has(file)) {
        const entry = pack.entry({ name: file, size: await layer.size(), mtime: new Date(0) });
        await pipeline(await layer.compressed(), entry);
        sent.add(file);
      }
      layerNames.push(file);
    }
    const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layerNames }]));
    pack.entry({ name: 'manifest.json', size: manifest.length, mtime: new Date(0) }, manifest);
    pack.finalize();
    return configDigest;
  })();
  writing.catch((err) => pack.destroy(err as Error));
  pack.pipe(body);
  pack.on('error', (err) => body.destroy(err));
  const res = await engineRequest(addr, 'POST', '/images/load?quiet=1', body, { 'content-type': 'application/x-tar' });
  if (res.status !== 200) throw new WhittleError('io', `docker-daemon:${tag}: loading failed (${res.status}): ${await engineMessage(res)}`);
  const text = (await readAll(res.body)).toString('utf8');
  const configDigest = await writing.catch((err) => {
    throw err instanceof WhittleError ? err : new WhittleError('io', `docker-daemon:${tag}: ${(err as Error).message}`, { cause: err });
  });
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let msg: { error?: string; errorDetail?: { message?: string } };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      continue;
    }
    if (msg.error || msg.errorDetail) throw new WhittleError('io', `docker-daemon:${tag}: the engine refused the image: ${msg.errorDetail?.message ?? msg.error}`);
  }
  return configDigest;
}
