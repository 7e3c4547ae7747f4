// npm-as-pid1: the shipped image's command runs the app through a package manager (`npm start`,
// `npm run serve`, `yarn start`, `pnpm start`). npm and yarn start the app as a child process and do
// not pass SIGTERM on to it, so `docker stop` waits out its timeout and kills the app uncleanly; and
// the package manager itself must ship in the runtime. Only the final image's CMD/ENTRYPOINT count
// (a build stage's never run as a container), in exec or shell form, directly or after `exec`.
import { covers, defineRule, docsPath } from '../define.js';
import type { Instruction } from '../../dockerfile/model.js';

const MANAGERS = new Set(['npm', 'yarn', 'pnpm']);
/** Verbs that run a package.json script. */
const RUNS_SCRIPT = new Set(['start', 'run', 'run-script', 'test', 'restart']);
/** yarn and pnpm run any other word as a script (`yarn serve`); these are their own commands. */
const OWN_COMMANDS = new Set(['install', 'i', 'ci', 'add', 'remove', 'rm', 'list', 'ls', 'info', 'why', 'audit', 'config', 'cache', 'store', 'prune', 'dlx', 'exec', 'help']);

function runsScript(manager: string, verb: string | undefined): boolean {
  if (verb === undefined || verb.startsWith('-')) return false;
  return RUNS_SCRIPT.has(verb) || (manager !== 'npm' && !OWN_COMMANDS.has(verb));
}

/** commandWords is the program and first argument a CMD/ENTRYPOINT runs, past `exec`/`sh -c`. */
function commandWords(inst: Instruction): string[] {
  let words = (inst.json ?? inst.args).map((t) => t.value);
  if (inst.json && /(?:^|\/)(?:ba|da)?sh$/.test(words[0] ?? '') && words[1] === '-c') words = (words[2] ?? '').trim().split(/\s+/);
  if (words[0] === 'exec') words = words.slice(1);
  return words;
}

export default defineRule({
  meta: {
    id: 'npm-as-pid1',
    description: 'The container runs the app through npm, yarn or pnpm, which do not forward signals.',
    category: 'hygiene',
    severity: 'warning',
    messages: {
      packageManager: '`{{command}}` as the container\'s command: {{manager}} runs the app as a child process and does not pass SIGTERM on, so docker stop waits 10 s and kills it; and {{manager}} must ship in the image. Run node directly: {{keyword}} ["node", "<the file the script starts>"]',
    },
    docs: docsPath('npm-as-pid1'),
    covers: covers({}),
  },
  create(ctx) {
    return {
      stage(facts) {
        // Only the image that ships runs a container; a stage built FROM this one replaces its command.
        if (!facts.ships || ctx.stages.some((o) => o.ships && o.stage.baseStage === facts.stage.index)) return;
        for (const inst of facts.stage.instructions) {
          if (inst.keyword !== 'CMD' && inst.keyword !== 'ENTRYPOINT') continue;
          const words = commandWords(inst);
          const manager = (words[0] ?? '').replace(/^.*\//, '');
          if (!MANAGERS.has(manager)) continue;
          if (!runsScript(manager, words[1])) continue;
          ctx.report({ messageId: 'packageManager', span: inst.keywordSpan, data: { command: words.slice(0, 3).join(' '), manager, keyword: inst.keyword } });
        }
      },
    };
  },
});
