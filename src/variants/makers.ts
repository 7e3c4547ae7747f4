// The one table of variant makers: every way whittle knows to make the app's image, in table
// order. Dockerfile makers read the user's Dockerfile (the fix engine's safe fixes, then one
// structural rewrite of `whittle fix --unsafe` each); rewrite makers turn the as-is image into
// another (squash, strip, minify); `built` (src/variants/built.ts) makes its image from the context
// with whittle build.
import { CATEGORIES, strip } from '../rewrite/strip/index.js';
import { squash } from '../rewrite/squash.js';
import { minify } from '../minify/index.js';
import { fixText, SUGGESTION_ORDER } from '../fix/engine.js';
import { lintText } from '../lint/engine.js';
import { built } from './built.js';
import { runtimeStage } from '../lint/structural/runtime-stage.js';
import type { RuntimeFlavour } from '../knowledge/runtime-bases.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nativeAddonIn } from './native-addons.js';
import { VariantDeclined, type MakerInput, type VariantMaker, type VariantPlan } from './types.js';

/** STRUCTURAL names the variant each structural rewrite (a rule with a suggestion) makes. */
export const STRUCTURAL: Readonly<Record<string, { id: string; description: string }>> = {
  'build-tools-in-final-stage': { id: 'multi-stage', description: 'fixed, then the build split into a build stage and a runtime stage' },
  'heavy-base-image': { id: 'slim-base', description: 'fixed, then the final base replaced by its slim variant' },
  'copy-before-dependency-install': { id: 'cache-order', description: 'fixed, then dependency manifests copied and installed before the sources' },
  'root-user': { id: 'non-root', description: 'fixed, then run as an unprivileged user' },
};

const asIs: VariantMaker = {
  id: 'as-is',
  description: 'the Dockerfile unchanged',
  make: async (input) => ({ kind: 'dockerfile', text: input.dockerfile, rules: [] }),
};

const fixed: VariantMaker = {
  id: 'fixed',
  description: 'after the safe fixes (whittle fix)',
  make: async (input) => {
    const r = await fixText(input.dockerfile);
    if (r.output === input.dockerfile) return { kind: 'declined', reason: 'whittle fix has nothing to change: the same Dockerfile as as-is' };
    return { kind: 'dockerfile', text: r.output, rules: [...new Set(r.applied.map((a) => a.ruleId))] };
  },
};

/** structural makes the variant of one rule's structural rewrite, on top of the fixed Dockerfile. */
export function structural(ruleId: string): VariantMaker {
  const named = STRUCTURAL[ruleId] ?? { id: ruleId, description: `fixed, then the ${ruleId} rewrite` };
  return {
    id: named.id,
    description: named.description,
    make: async (input: MakerInput): Promise<VariantPlan> => {
      const start = input.made.get('fixed') ?? input.dockerfile;
      const r = await fixText(start, { only: [ruleId] });
      if (r.output !== start) {
        const fixedRules = input.made.has('fixed') ? (await fixText(input.dockerfile)).applied.map((a) => a.ruleId) : [];
        return { kind: 'dockerfile', text: r.output, rules: [...new Set([...fixedRules, ruleId])] };
      }
      if (r.rejected) return { kind: 'declined', reason: `${ruleId}: ${r.rejected}` };
      const found = (await lintText(start)).diagnostics.filter((d) => d.ruleId === ruleId);
      if (found.length === 0) return { kind: 'declined', reason: `${ruleId} does not apply: whittle lint finds nothing for it` };
      return { kind: 'declined', reason: `${ruleId} has no rewrite for this Dockerfile: ${found[0]!.message}` };
    },
  };
}

/** RUNTIME names the variants whose final stage runs on a smaller base of each flavour (src/knowledge/runtime-bases.ts). */
export const RUNTIME: Readonly<Record<RuntimeFlavour, string>> = {
  distroless: 'a final stage on a distroless base (no shell, no package manager) that copies the app from the build stage',
  alpine: 'a final stage on an Alpine base (musl libc) that copies the app from the build stage',
};

/** runtime makes the variant of one runtime flavour, from the multi-stage Dockerfile where there is one, else the fixed one. */
export function runtime(flavour: RuntimeFlavour): VariantMaker {
  return {
    id: flavour,
    description: RUNTIME[flavour],
    make: async (input: MakerInput): Promise<VariantPlan> => {
      const start = input.made.get('multi-stage') ?? input.made.get('fixed') ?? input.dockerfile;
      const packageJson = input.context === undefined ? undefined : await readFile(path.join(input.context, 'package.json'), 'utf8').catch(() => null);
      const nativeAddon = flavour === 'alpine' && input.context !== undefined ? await nativeAddonIn(input.context) : null;
      const r = await runtimeStage({ text: start, flavour, packageJson, nativeAddon });
      if ('declined' in r) return { kind: 'declined', reason: r.declined };
      return { kind: 'dockerfile', text: r.text, rules: [], base: r.base };
    },
  };
}

const squashed: VariantMaker = {
  id: 'squashed',
  description: 'the as-is image with its layers merged (whittle squash)',
  make: async () => ({
    kind: 'rewrite',
    rewrite: async (image, tmpDir) => {
      const r = await squash(image, { compression: 'none', tmpDir });
      return { image: r.image, dispose: r.dispose };
    },
  }),
};

const stripped: VariantMaker = {
  id: 'stripped',
  description: 'the as-is image without caches, docs, locales and bytecode, squashed (whittle strip --squash)',
  make: async () => ({
    kind: 'rewrite',
    rewrite: async (image, tmpDir) => {
      const r = await strip(image, { categories: CATEGORIES.filter((c) => c.byDefault).map((c) => c.id), squash: true, compression: 'none', tmpDir });
      if (!r.image) {
        await r.dispose();
        throw new VariantDeclined('whittle strip finds nothing to remove: the same image as as-is');
      }
      return { image: r.image, dispose: r.dispose };
    },
  }),
};

const minified: VariantMaker = {
  id: 'minified',
  description: 'the as-is image cut down to the static closure of its entrypoint, in one layer (whittle minify)',
  make: async () => ({
    kind: 'rewrite',
    rewrite: async (image, tmpDir) => {
      // a file the program reads only at run time is not in the closure: the check says so, and the row fails with the reason
      const r = await minify(image, { compression: 'none', tmpDir });
      if (!r.image) {
        await r.dispose();
        throw new VariantDeclined('whittle minify wrote no image');
      }
      return { image: r.image, dispose: r.dispose };
    },
  }),
};

/** VARIANT_MAKERS is the table, in the order rows are made and shown; as-is is always first. */
export const VARIANT_MAKERS: readonly VariantMaker[] = [asIs, fixed, ...SUGGESTION_ORDER.map(structural), runtime('distroless'), runtime('alpine'), squashed, stripped, minified, built];
