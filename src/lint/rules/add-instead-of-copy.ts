import { covers, defineRule, docsPath } from '../define.js';

const ARCHIVE = /\.(?:tar|tgz|tbz2?|txz|tar\.(?:gz|bz2|xz|zst)|gz|bz2|xz|zst)$/i;
const REMOTE = /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;
const ADD_ONLY_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);

export default defineRule({
  meta: {
    id: 'add-instead-of-copy',
    description: 'ADD of local files that are not archives: COPY does the same without the surprises.',
    category: 'context',
    severity: 'warning',
    fixable: 'code',
    messages: {
      useCopy: 'ADD also fetches URLs and unpacks tar archives, so a plain file copy with ADD hides what happens; use COPY',
    },
    docs: docsPath('add-instead-of-copy'),
    covers: covers({ hadolint: ['DL3020'], trivy: ['DS005'], checkov: ['CKV_DOCKER_4'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ADD' || inst.heredocs.length > 0) return;
        const args = inst.json ?? inst.args;
        const sources = args.slice(0, -1);
        if (sources.length === 0) return;
        if (sources.some((s) => REMOTE.test(s.value) || ARCHIVE.test(s.value) || s.value.includes('$'))) return;
        if (inst.flags.some((f) => ADD_ONLY_FLAGS.has(f.name))) return;
        // ADD unpacks every local tar archive it copies, whatever its name: a wildcard source
        // (`ADD * /app/`, `ADD pkg-? /opt/`) can match archives the rule cannot see by name, so COPY
        // would not be the same build there. (A file that is an archive without looking like one
        // stays the rule's known blind spot.)
        const wildcard = sources.some((s) => /[*?[]/.test(s.value));
        ctx.report({ messageId: 'useCopy', span: inst.keywordSpan, fix: (f) => (wildcard ? null : f.replace(inst.keywordSpan, 'COPY')) });
      },
    };
  },
});
