// The base `whittle build` uses when no --base is given: Google's distroless Node runtime,
// gcr.io/distroless/nodejs<MAJOR>-debian12:nonroot. It holds node (/nodejs/bin/node, its
// Entrypoint), glibc, CA certificates and tzdata, runs as uid 65532 (the build's default --user),
// and has no shell, no package manager and no npm: nothing the app does not need. The Node major is
// the one package.json engines.node allows, among those distroless publishes; 20 when it says nothing.
import { WhittleError } from '../errors.js';
import type { Image } from '../image/image.js';
import { enginesAllows } from './base-facts.js';

/** DISTROLESS_NODE_MAJORS are the majors distroless publishes on Debian 12, in the order they are chosen: 20 first. */
export const DISTROLESS_NODE_MAJORS: readonly number[] = [20, 22, 24, 18];

/** defaultBaseName is the default base for a Node major. */
export function defaultBaseName(major: number): string {
  return `gcr.io/distroless/nodejs${major}-debian12:nonroot`;
}

/** DEFAULT_BASE is the default base when package.json has no engines.node. */
export const DEFAULT_BASE = defaultBaseName(20);

export interface DefaultBase {
  /** the reference, as the annotation names it (`gcr.io/…`); opened as `docker://` + name. */
  name: string;
  major: number;
  /** why this one, for messages. */
  why: string;
}

/** chooseDefaultBase picks the distroless base for engines (package.json engines.node). */
export function chooseDefaultBase(engines: unknown): DefaultBase {
  if (typeof engines !== 'string' || engines.trim() === '') return { name: DEFAULT_BASE, major: 20, why: 'the default; package.json has no engines.node' };
  const verdicts = DISTROLESS_NODE_MAJORS.map((major) => ({ major, allowed: enginesAllows(engines, major) }));
  const hit = verdicts.find((v) => v.allowed === true);
  if (hit) return { name: defaultBaseName(hit.major), major: hit.major, why: `engines.node ${engines} allows Node ${hit.major}` };
  // a range whittle cannot read: the default, and the build warns that it cannot check it
  if (verdicts.some((v) => v.allowed === null)) return { name: DEFAULT_BASE, major: 20, why: `the default; engines.node ${JSON.stringify(engines)} is not a range whittle reads` };
  throw new WhittleError(
    'usage',
    `package.json engines.node ${engines} allows none of the Node versions of the default base (distroless nodejs ${[...DISTROLESS_NODE_MAJORS].sort((a, b) => a - b).join(', ')}): give --base`,
  );
}

/** openDefaultBase opens choice with open (a docker:// reference); a failure is one line naming the default and what to do. */
export async function openDefaultBase(choice: DefaultBase, open: (reference: string) => Promise<Image>): Promise<Image> {
  try {
    return await open(`docker://${choice.name}`);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    throw new WhittleError(
      err instanceof WhittleError ? err.code : 'network',
      `cannot read the default base ${choice.name} (no --base given; ${choice.why}): ${why}; give --base REF (any transport, e.g. docker-daemon: or oci:), or let whittle reach gcr.io`,
      { cause: err },
    );
  }
}
