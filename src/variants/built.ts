// The `built` row: `whittle build` (src/build/) of the context, when it is a Node project (a
// package.json and a lock file), onto --build-base or, without it, the base whittle build itself
// takes by default (distroless Node, the major engines.node allows: src/build/default-base.ts), as
// a user who runs `whittle build` gets. --base-map applies to either.
// A context that is not a Node project, or a base that cannot be read, declines the row with the
// reason; a build that fails (no entry, a native addon the base cannot load) fails it.
import { build } from '../build/index.js';
import { chooseDefaultBase } from '../build/default-base.js';
import { readProject } from '../build/project.js';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { VariantDeclined, VariantFailure, type MakerInput, type VariantMaker, type VariantPlan } from './types.js';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** planBuilt is the plan of the `built` row for this input. */
export async function planBuilt(input: MakerInput): Promise<VariantPlan> {
  if (input.context === undefined) return { kind: 'declined', reason: 'not a Node project: no build context' };
  let project;
  try {
    project = await readProject(input.context);
  } catch (err) {
    if (err instanceof WhittleError) return { kind: 'declined', reason: `not a Node project: ${err.message}` };
    throw err;
  }
  let named: string;
  if (input.buildBase !== undefined) named = input.buildBase;
  else {
    try {
      named = chooseDefaultBase(project.pkg.engines?.node).name;
    } catch (err) {
      if (err instanceof WhittleError) return { kind: 'declined', reason: `no base to build onto: ${err.message.replace(/give --base$/, 'give --build-base')}` };
      throw err;
    }
  }
  const base = input.baseMap?.get(named) ?? named;
  const context = input.context;
  return {
    kind: 'image',
    produce: async (tmpDir) => {
      let image;
      try {
        image = await openImage(base);
      } catch (err) {
        throw new VariantDeclined(`cannot read the base ${base}: ${message(err)}`);
      }
      try {
        const r = await build({ dir: context, base: image, baseName: base, tmp: tmpDir });
        return { image: r.image, dispose: r.dispose };
      } catch (err) {
        if (err instanceof WhittleError) throw new VariantFailure(`whittle build: ${err.message}`);
        throw err;
      }
    },
  };
}

/** built is the maker of the `built` row. */
export const built: VariantMaker = {
  id: 'built',
  description: 'whittle build of the Node project onto --build-base (default: whittle build\'s, distroless Node): dependencies and app in two layers, no engine build',
  make: planBuilt,
};
