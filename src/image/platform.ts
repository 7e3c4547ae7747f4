// Platforms (`os/arch[/variant]`) and choosing one image out of an index the way docker pull does:
// architecture aliases normalized, arm64's implied v8 variant, attestation manifests ignored.
import { WhittleError } from '../errors.js';
import type { Descriptor, Platform } from './spec.js';

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };

/** DEFAULT_PLATFORM is what whittle selects from an index when none is asked for. */
export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new WhittleError('usage', `platform ${JSON.stringify(text)} is not of the form os/arch[/variant] (e.g. linux/arm64)`);
  }
  const [os, arch, variant] = parts as [string, string, string?];
  return normalizePlatform({ os: os.toLowerCase(), architecture: arch.toLowerCase(), ...(variant ? { variant: variant.toLowerCase() } : {}) });
}

export function normalizePlatform(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture;
  let variant = p.variant;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  return { ...p, architecture, ...(variant ? { variant } : { variant: undefined }) };
}

export function formatPlatform(p: Platform | undefined): string {
  if (!p) return 'unknown platform';
  const n = normalizePlatform(p);
  return [n.os, n.architecture, n.variant].filter(Boolean).join('/');
}

/** platformMatches: os and architecture must be equal; a wanted variant must be equal too. */
export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return !w.variant || w.variant === h.variant;
}

/** isAttestation recognizes BuildKit's attestation manifests (`unknown/unknown`). */
export function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown')
  );
}

/**
 * configPlatformMatches checks an image config's own os/architecture against the platform asked
 * for: an image chosen without a platform to go by (a docker-archive, a layout whose index names
 * none) must still be the one asked for. A variant is compared only when both name one, as configs
 * often leave it out. A config that states no os or architecture matches anything.
 */
export function configPlatformMatches(want: Platform, config: { os?: string; architecture?: string; variant?: string }): boolean {
  if (!config.os || !config.architecture) return true;
  const w = normalizePlatform(want);
  const h = normalizePlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return !w.variant || !h.variant || w.variant === h.variant;
}
