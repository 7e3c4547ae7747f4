// The local Docker engine for tests: whether one answers, and a Debian base image made without
// Docker Hub (mmdebstrap --variant=minbase bookworm, then docker import), built once per machine
// and cached under a tag.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const MINBASE = 'whittle-test/bookworm-minbase:1';

/** engineAvailable says whether `docker info` answers. */
export async function engineAvailable(): Promise<boolean> {
  try {
    await run('docker', ['info'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** hasImage says whether the engine has an image of that tag. */
const hasImage = (tag: string) => run('docker', ['image', 'inspect', tag]).then(() => true, () => false);

let building: Promise<string> | undefined;

/** ensureMinbase returns the tag of a bookworm minbase image, building it with mmdebstrap when missing (a minute or two). */
export function ensureMinbase(): Promise<string> {
  building ??= (async () => {
    if (await hasImage(MINBASE)) return MINBASE;
    // test files run in parallel processes: one builds, the others wait for its tag
    const lock = join(tmpdir(), 'whittle-minbase.lock');
    for (let waited = 0; ; waited += 2) {
      try {
        await mkdir(lock);
        break;
      } catch {
        if (waited > 900) throw new Error(`${lock} held for 15 minutes: remove it if no test run is building the base`);
        await new Promise((r) => setTimeout(r, 2000));
        if (await hasImage(MINBASE)) return MINBASE; // another test file built it
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'whittle-minbase-'));
    try {
      const tar = join(dir, 'rootfs.tar');
      await run('mmdebstrap', ['--quiet', '--variant=minbase', 'bookworm', tar, 'http://deb.debian.org/debian'], { timeout: 600_000, maxBuffer: 1 << 26 });
      await run('docker', ['import', '--change', 'CMD ["/bin/bash"]', tar, MINBASE], { timeout: 120_000 });
      return MINBASE;
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(lock, { recursive: true, force: true });
    }
  })();
  return building;
}

/** NODE_BASE is the engine tests' Node runtime: Debian's nodejs on the minbase. */
export const NODE_BASE = 'whittle-build/node-base:1';

/** ensureNodeBase returns NODE_BASE, building it on the minbase when missing (apt over plain http inside the build). */
export async function ensureNodeBase(): Promise<string> {
  const minbase = await ensureMinbase();
  if (await hasImage(NODE_BASE)) return NODE_BASE;
  const ctx = await mkdtemp(join(tmpdir(), 'whittle-node-base-'));
  try {
    await writeFile(join(ctx, 'Dockerfile'), `FROM ${minbase}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\n`);
    await run('docker', ['build', '-q', '-t', NODE_BASE, ctx], { timeout: 600_000 });
    return NODE_BASE;
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}
