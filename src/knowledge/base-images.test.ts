import { describe, expect, it } from 'vitest';
import { debianReleaseOf, debianSlimFor, slimTag } from './base-images.js';

describe('slimTag keeps the Debian release the tag names', () => {
  it.each([
    ['debian', '', 'stable-slim'],
    ['debian', 'latest', 'stable-slim'],
    ['debian', 'trixie', 'trixie-slim'],
    ['debian', '12', '12-slim'],
    ['debian', 'bookworm-20240110', 'bookworm-20240110-slim'],
    ['python', '', 'slim'],
    ['python', '3.12', '3.12-slim'],
    ['python', '3.12-bookworm', '3.12-slim-bookworm'],
    ['python', '3.13-trixie', '3.13-slim-trixie'],
    ['ruby', '3.3-bookworm', '3.3-slim-bookworm'],
    ['node', '20', '20-slim'],
    ['node', '20-trixie', '20-trixie-slim'],
    ['node', 'lts-bookworm', 'lts-bookworm-slim'],
    ['golang', '1.22', null],
  ])('%s:%s → %s', (image, tag, want) => {
    expect(slimTag(image, tag)).toBe(want);
  });

  it('finds the release in a tag, and the debian slim image for it', () => {
    expect(debianReleaseOf('1.22-bookworm')).toBe('bookworm');
    expect(debianReleaseOf('24.04')).toBeNull();
    expect(debianSlimFor('trixie')).toBe('debian:trixie-slim');
    expect(debianSlimFor('24.04')).toBe('debian:stable-slim');
  });
});
