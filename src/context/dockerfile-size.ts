// The one size limit on Dockerfiles, checked wherever whittle reads one (lint, fix, context): it
// lives here because lint, fix's CLI and context may all import context/.
import { WhittleError } from '../errors.js';

/**
 * MAX_DOCKERFILE_BYTES is the largest Dockerfile whittle reads (1 MiB). Real Dockerfiles are a few KiB
 * (the largest in test/real-world/ is under 10 KiB); the parser holds a file several times over (text,
 * syntax tree, offsets, one model per fix pass), and on generated hostile text 1 MiB lints in 0.6-1.2 s
 * of CPU and up to 0.4 GB, where 4.4 MiB took 18 s (lint) and 184 s (fix). See docs/security.md.
 */
export const MAX_DOCKERFILE_BYTES = 1024 * 1024;

/** checkDockerfileSize throws 'unsupported' for a Dockerfile larger than MAX_DOCKERFILE_BYTES. */
export function checkDockerfileSize(bytes: number, file: string): void {
  if (bytes > MAX_DOCKERFILE_BYTES) {
    const size = bytes > 10 * 1024 * 1024 ? 'more than 10 MiB' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    throw new WhittleError('unsupported', `${file}: ${size}, larger than the 1 MiB whittle reads as a Dockerfile`);
  }
}
