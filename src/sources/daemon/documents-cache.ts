// The documents of an engine image's export, kept so that the next read of the same image needs no
// export when its layers are not read (a build on an engine base whose facts are cached, written
// back to that engine, reads none). An entry is keyed by the image ID, which is the digest of the
// config it holds (checked on reading), and by the name it was exported under (the export's
// RepoTags follow the name). Its manifest is the one whittle synthesizes from the export: layer
// digests and sizes follow from the config's diff IDs, and every layer read later is still checked
// against them. Entries are written atomically; a cache that cannot be read or written is a miss.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { digestOf } from '../../image/digest.js';
import { writeFileAtomic } from '../../internal/atomic.js';

export interface ExportDocuments {
  rawManifest: Buffer;
  rawConfig: Buffer;
  tags: string[];
}

function entryFile(dir: string, id: string, name: string): string {
  const nameKey = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return path.join(dir, `daemon-${id.replace(':', '-')}-${nameKey}.json`);
}

/** readExportDocuments gives the cached documents of image id exported as name, or null. */
export async function readExportDocuments(dir: string, id: string, name: string): Promise<ExportDocuments | null> {
  try {
    const e = JSON.parse(await readFile(entryFile(dir, id, name), 'utf8')) as { manifest: string; config: string; tags: string[] };
    const rawConfig = Buffer.from(e.config, 'base64');
    if (digestOf(rawConfig) !== id || !Array.isArray(e.tags)) return null;
    return { rawManifest: Buffer.from(e.manifest, 'base64'), rawConfig, tags: e.tags };
  } catch {
    return null;
  }
}

/** writeExportDocuments stores them; failing to is not an error. */
export async function writeExportDocuments(dir: string, id: string, name: string, docs: ExportDocuments): Promise<void> {
  const value = JSON.stringify({ manifest: docs.rawManifest.toString('base64'), config: docs.rawConfig.toString('base64'), tags: docs.tags });
  await mkdir(dir, { recursive: true })
    .then(() => writeFileAtomic(entryFile(dir, id, name), value))
    .catch(() => undefined);
}
