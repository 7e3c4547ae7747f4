import { describe, expect, it } from 'vitest';
import { WhittleError } from '../errors.js';
import { blobPath, digestOfBlobPath } from './blob-path.js';

const hex = 'a'.repeat(64);

describe('oci layout blob paths', () => {
  it('blobPath and digestOfBlobPath are inverse', () => {
    expect(blobPath(`sha256:${hex}`)).toBe(`blobs/sha256/${hex}`);
    expect(digestOfBlobPath(`blobs/sha256/${hex}`)).toBe(`sha256:${hex}`);
    expect(digestOfBlobPath(`./blobs/sha256/${hex}`)).toBe(`sha256:${hex}`);
  });

  it.each([`blobs/sha256/${hex.slice(1)}`, `blobs/sha256/${hex}/x`, `manifest.json`, `blobs/md5/${hex}`, `x/blobs/sha256/${hex}`])('digestOfBlobPath(%s) = null', (path) => {
    expect(digestOfBlobPath(path)).toBeNull();
  });

  it('blobPath refuses what is not a digest', () => {
    expect(() => blobPath('sha256:xyz')).toThrow(WhittleError);
  });
});
