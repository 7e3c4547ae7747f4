import { covers, defineRule, docsPath } from '../define.js';
import type { Instruction, Stage } from '../../dockerfile/model.js';
import { suggestNonRootUser } from '../structural/index.js';
import { githubAction, parseImageRef, stageChain } from '../helpers.js';
import { runsServer, stepsDownFromRoot } from '../../knowledge/base-images.js';

const ROOT = /^(?:root|0)(?::.*)?$/;

export default defineRule({
  meta: {
    id: 'root-user',
    description: 'The image runs as root: the last USER is root, or there is none.',
    category: 'safety',
    severity: 'warning',
    hasSuggestions: true,
    messages: {
      missing: 'no USER in the final stage, so containers run as root: a process escape starts with full privileges inside the container; create a user and add USER <name> (or USER 65532 on distroless)',
      root: 'the last USER is {{user}}, so containers run as root; switch to an unprivileged user after the steps that need root',
      baseImage: 'no USER, but this looks like a base image (no CMD or ENTRYPOINT): images built FROM it run as root unless they add USER themselves, after their own installs; say so in its documentation',
    },
    docs: docsPath('root-user'),
    covers: covers({ hadolint: ['DL3002'], trivy: ['DS002'], checkov: ['CKV_DOCKER_3', 'CKV_DOCKER_8'] }),
  },
  create(ctx) {
    /** lastUser walks the final stage and the stages it is FROM. */
    const lastUser = (stage: Stage): Instruction | null => {
      for (let i = stage.instructions.length - 1; i >= 0; i--) {
        if (stage.instructions[i]!.keyword === 'USER') return stage.instructions[i]!;
      }
      return stage.baseStage !== null ? lastUser(ctx.model.stages[stage.baseStage]!) : null;
    };
    /** runsSomething: the stage, or one it is built FROM, says what a container runs (CMD or ENTRYPOINT), or its base is an official server image with a CMD of its own. */
    const runsSomething = (stage: Stage): boolean => {
      const chain = stageChain(ctx.model, stage);
      const base = parseImageRef(chain[chain.length - 1]!.image);
      return chain.some((s) => s.instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) || (base.official && runsServer(base.name, base.tag));
    };
    const nonRootBase = (stage: Stage): boolean => {
      let s: Stage = stage;
      while (s.baseStage !== null) s = ctx.model.stages[s.baseStage]!;
      // Windows images have ContainerUser/ContainerAdministrator, not root; USER semantics differ.
      return /nonroot|rootless|unprivileged|nanoserver|servercore|mcr\.microsoft\.com\/windows/i.test(s.image);
    };
    return {
      end() {
        const final = ctx.stages.find((f) => f.ships && !ctx.stages.some((o) => o.ships && o.stage.baseStage === f.stage.index));
        if (!final) return;
        const user = lastUser(final.stage);
        if (!user) {
          if (nonRootBase(final.stage)) return;
          // GitHub runs Docker actions as root and documents that they must not set USER
          if (githubAction(ctx.model, final.stage)) return;
          // an official server image that steps down to its own user, its ENTRYPOINT kept
          const chain = stageChain(ctx.model, final.stage);
          const root = parseImageRef(chain[chain.length - 1]!.image);
          if (root.official && stepsDownFromRoot(root.name) && !chain.some((s) => s.instructions.some((i) => i.keyword === 'ENTRYPOINT'))) return;
          // a base image is built FROM: its children install packages as root, then pick their user
          if (!runsSomething(final.stage)) ctx.report({ messageId: 'baseImage', span: final.stage.from.keywordSpan, severity: 'info' });
          else ctx.report({ messageId: 'missing', span: final.stage.from.keywordSpan, suggest: () => suggestNonRootUser(ctx.facts, final.stage.from.keywordSpan.start, 'missing') });
          return;
        }
        const name = user.args[0]?.value ?? '';
        if (ROOT.test(name)) ctx.report({ messageId: 'root', span: user.argsSpan ?? user.span, data: { user: name } });
      },
    };
  },
});
