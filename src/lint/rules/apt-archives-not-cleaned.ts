// apt-archives-not-cleaned: apt-get install keeps every downloaded .deb in /var/cache/apt/archives
// unless Debian's docker-clean hook (src/knowledge: APT_DOCKER_CLEAN) deletes them. The official
// debian and ubuntu images, and every official image built from them, ship the hook; other bases
// (debootstrap or mmdebstrap images, other vendors' Debian derivatives) may not, and a Dockerfile
// that deletes the hook (the BuildKit cache-mount recipe does) certainly has none. So: silent on an
// official base, a warning once the Dockerfile deleted the hook, advice (info) on any other base.
// Satisfied by `apt-get clean` (or removing the archives) later in the same RUN, or a cache mount on
// /var/cache/apt. The fix appends `apt-get clean` after the RUN's last install.
import { covers, defineRule, docsPath } from '../define.js';
import { aptVerb, cacheMount, deletes, laterCommands, parseImageRef, ships, stageChain } from '../helpers.js';
import { appendAfter } from '../fix-helpers.js';
import type { Stage } from '../../dockerfile/model.js';
import type { ShellCommand } from '../../shell/commands.js';
import type { RunInfo } from '../types.js';
import { APT_DOCKER_CLEAN, cacheDir, APT_INSTALL_VERBS } from '../../knowledge/package-managers.js';

const INSTALLS = APT_INSTALL_VERBS;
const ARCHIVES = cacheDir('apt-archives');
const HOOK = `/${APT_DOCKER_CLEAN.path}`;
/** `APT::Keep-Downloaded-Packages "false"`, on the command line (-o) or written into apt.conf.d. */
const KEEP_OFF = /Keep-Downloaded-Packages\s*=?\s*"?(?:false|0)\b/i;
const KEEP_ON = /Keep-Downloaded-Packages\s*=?\s*"?(?:true|1)\b/i;

export default defineRule({
  meta: {
    id: 'apt-archives-not-cleaned',
    description: 'apt-get install keeps the downloaded .deb files unless the base has Debian\'s docker-clean hook or the RUN runs apt-get clean.',
    category: 'caches',
    severity: 'warning',
    fixable: 'code',
    messages: {
      hookDeleted: 'this Dockerfile deleted {{hook}}, so apt keeps every downloaded .deb in {{archives}} (often as large as the packages themselves); run `apt-get clean` in the same RUN, after the install, or mount a cache on /var/cache/apt',
      unknownBase: '{{base}} is not an official Debian-family image, which ship {{hook}}; without that hook apt keeps every downloaded .deb in {{archives}}: run `apt-get clean` in the same RUN, after the install',
    },
    docs: docsPath('apt-archives-not-cleaned'),
    covers: covers({}),
  },
  create(ctx) {
    const rootOf = (stage: Stage): Stage => stageChain(ctx.model, stage).at(-1)!;
    /** ranBefore: a RUN of the stage before `until` (or of the stages it is built FROM) has a command that matches. */
    // the first instruction index of a matching RUN, per stage, computed once per predicate: the
    // question is asked for every apt install, so answering it by a scan of every RUN is quadratic
    const firstMatch = new Map<(c: ShellCommand, r: RunInfo) => boolean, Map<number, number>>();
    const ranBefore = (stage: Stage, until: number, matches: (c: ShellCommand, r: RunInfo) => boolean): boolean => {
      let first = firstMatch.get(matches);
      if (!first) {
        first = new Map();
        for (const r of ctx.runs) {
          if (!first.has(r.inst.stage) && r.commands.some((c) => matches(c, r))) first.set(r.inst.stage, r.inst.index);
        }
        firstMatch.set(matches, first);
      }
      return stageChain(ctx.model, stage).some((s) => {
        const at = first.get(s.index);
        return at !== undefined && (s.index !== stage.index || at < until);
      });
    };
    const deletesHook = (c: ShellCommand, r: RunInfo) => deletes(c, HOOK, (n) => ctx.envAt(r.inst, n));
    /** Keep-Downloaded-Packages "false" written into apt's configuration (this RUN counts: it may write it before installing). */
    const keepsNone = (c: ShellCommand) => KEEP_OFF.test(c.words.map((w) => w.text).join(' '));
    return {
      run(run) {
        const facts = ctx.stageOf(run.inst);
        if (!facts || !ships(facts)) return;
        const installs = run.commands.filter((c) => INSTALLS.has(aptVerb(c) ?? '') && !c.fallback);
        const last = installs[installs.length - 1];
        if (!last) return;
        if (cacheMount(run, ['/var/cache/apt', ARCHIVES])) return;
        // apt (not apt-get) deletes what it downloaded after a successful install unless told to keep it
        const words = last.words.map((w) => w.text).join(' ');
        if ((last.name === 'apt' && !KEEP_ON.test(words)) || KEEP_OFF.test(words)) return;
        if (ranBefore(facts.stage, run.inst.index + 1, keepsNone)) return;
        const later = laterCommands(run, last.order);
        if (later.some((c) => aptVerb(c) === 'clean' || aptVerb(c) === 'dist-clean' || deletes(c, `${ARCHIVES}/x.deb`, (n) => ctx.envAt(run.inst, n)))) return;
        const deleted = ranBefore(facts.stage, run.inst.index, deletesHook);
        const root = rootOf(facts.stage);
        const ref = parseImageRef(root.image);
        if (!deleted && ((ref.official && root.image !== 'scratch') || root.image.includes('$'))) return;
        const data = { hook: HOOK, archives: ARCHIVES, base: root.image };
        const span = last.words[0]!.span;
        const fix = () => appendAfter(ctx.facts, run, last, APT_DOCKER_CLEAN.clean);
        if (deleted) ctx.report({ messageId: 'hookDeleted', span, data, fix });
        else ctx.report({ messageId: 'unknownBase', span, data, severity: 'info', fix });
      },
    };
  },
});
