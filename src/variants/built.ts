// The `built` row: `whittle build` (src/build/) of the context, when it is a Node project (a
// package.json and a lock file), onto --build-base or, without it, the final base of the user's
// own Dockerfile (whittle build has no default base: docs/build.md). --base-map applies to either.
// A context that is not a Node project, or a base that cannot be read, declines the row with the
// reason; a build that fails (no entry, a native addon the base cannot load) fails it.
import { build } from '../build/index.js';
import { readProject } from '../build/project.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { WhittleError } from '../errors.js';
import { openImage } from '../transports/open.js';
import { VariantDeclined, VariantFailure, type MakerInput, type VariantMaker, type VariantPlan } from './types.js';

/** finalBase is the image the Dockerfile's final stage starts from (through `FROM stage` links), or why there is none. */
export function finalBase(dockerfile: string): { ref: string } | { reason: string } {
  const model = parseDockerfile(dockerfile);
  let stage = model.stages[model.stages.length - 1];
  while (stage && stage.baseStage !== null) stage = model.stages[stage.baseStage];
  if (!stage) return { reason: 'the Dockerfile has no FROM: give --build-base' };
  if (stage.image.includes('$')) return { reason: `the final base ${stage.image} names a build argument: give --build-base` };
  if (stage.image.toLowerCase() === 'scratch') return { reason: 'the final base is scratch, which has no node: give --build-base' };
  return { ref: stage.image };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** planBuilt is the plan of the `built` row for this input. */
export async function planBuilt(input: MakerInput): Promise<VariantPlan> {
  if (input.context === undefined) return { kind: 'declined', reason: 'not a Node project: no build context' };
  try {
    await readProject(input.context);
  } catch (err) {
    if (err instanceof WhittleError) return { kind: 'declined', reason: `not a Node project: ${err.message}` };
    throw err;
  }
  const named = input.buildBase !== undefined ? { ref: input.buildBase } : finalBase(input.dockerfile);
  if ('reason' in named) return { kind: 'declined', reason: `no base to build onto: ${named.reason}` };
  const base = input.baseMap?.get(named.ref) ?? named.ref;
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
  description: 'whittle build of the Node project onto --build-base (default: the final base of the Dockerfile): dependencies and app in two layers, no engine build',
  make: planBuilt,
};
