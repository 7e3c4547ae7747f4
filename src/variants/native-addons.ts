// Whether the build context ships a native Node addon (a `.node` file under node_modules): copied
// into an image as it is, it was built for the C library of the machine that installed it (glibc on
// Debian-based bases), so the `alpine` variant declines it (musl). A bounded walk: it stops at the
// first addon, and after a fixed number of entries.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MAX_ENTRIES = 200_000;

/** nativeAddonIn names the package of the first `.node` file under DIR/node_modules, or null (also when there is none). */
export async function nativeAddonIn(dir: string): Promise<string | null> {
  const root = path.join(dir, 'node_modules');
  const queue = [root];
  let seen = 0;
  while (queue.length > 0 && seen < MAX_ENTRIES) {
    const at = queue.shift()!;
    const entries = await readdir(at, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      seen++;
      const full = path.join(at, e.name);
      if (e.isDirectory()) queue.push(full);
      else if (e.isFile() && e.name.endsWith('.node')) {
        const parts = path.relative(root, full).split(path.sep);
        const rest = parts.slice(parts.lastIndexOf('node_modules') + 1);
        return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? e.name);
      }
    }
  }
  return null;
}
