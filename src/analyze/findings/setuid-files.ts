// setuid-files: files with the setuid or setgid bit in the final image (privilege escalation paths).
import { forEachFinalFile, mainLayer, type FindingRule } from './rule.js';

export const setuidFiles: FindingRule = {
  meta: {
    id: 'setuid-files',
    title: 'setuid/setgid files',
    severity: 'medium',
    messages: { found: '{{files|file carries|files carry}} the setuid or setgid bit: {{list}}.' },
    remedy: 'Remove the bits in the same RUN that installs them (chmod u-s,g-s), or use a slimmer base without them; run as a non-root user.',
    removable: false,
  },
  check(ctx, report) {
    const items: { path: string; bytes: number; layer: number; mode: number }[] = [];
    forEachFinalFile(ctx, (path, r) => {
      if (r.type === 'file' && (r.mode & 0o6000) !== 0) items.push({ path, bytes: r.size, layer: r.layer, mode: r.mode });
    });
    if (items.length === 0) return;
    items.sort((a, b) => (a.path < b.path ? -1 : 1));
    const list = items.slice(0, 5).map((i) => `${i.path} (${i.mode.toString(8).padStart(4, '0')})`).join(', ') + (items.length > 5 ? ', …' : '');
    report({ messageId: 'found', data: { files: items.length, list }, paths: items.map(({ path, bytes }) => ({ path, bytes })), layer: mainLayer(items), bytes: 0 });
  },
};
