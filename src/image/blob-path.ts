// Where blobs live: in an OCI image layout and in a Docker 25+ `docker save` archive a blob with
// digest `<algorithm>:<hex>` is the file `blobs/<algorithm>/<hex>`. The layout and tarball sources
// and the layout and archive sinks all read it from here.
import { isDigest, parseDigest, type Digest } from './digest.js';

const BLOB_PATH = /^(?:\.\/)?blobs\/([a-z0-9]+(?:[+._-][a-z0-9]+)*)\/([a-zA-Z0-9=_-]+)$/;

/** blobPath is the file of a blob inside a layout or archive: `sha256:ab…` → `blobs/sha256/ab…`. */
export function blobPath(digest: Digest): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

/** digestOfBlobPath is the digest a path names (`blobs/sha256/ab…` → `sha256:ab…`), or null for any other path or an invalid digest. */
export function digestOfBlobPath(path: string): Digest | null {
  const m = BLOB_PATH.exec(path);
  const digest = m ? `${m[1]}:${m[2]}` : null;
  return digest !== null && isDigest(digest) ? digest : null;
}
