import { describe, expect, it } from 'vitest';
import { analyze } from './index.js';
import { renderText } from './render-text.js';
import { dir, file, input } from './testing.js';
import { formatBytes } from './units.js';

const a = analyze(input([[dir('app'), file('app/big', 1_234_567)], [file('app/small', 42)]], { history: [{ created_by: 'COPY big /app/ # buildkit' }, { created_by: 'COPY small /app/ # buildkit' }] }));

describe('renderText layer table', () => {
  const lines = renderText(a, { color: false, width: 120 }).split('\n');
  const header = lines.find((l) => l.trimStart().startsWith('#'))!;

  it('prints each column header once, instruction last', () => {
    expect(header.trim().split(/\s+/)).toEqual(['#', 'blob', 'tar', 'content', 'added', 'modified', 'removed', 'wasted', 'instruction']);
  });

  it('puts each layer\'s instruction after its sizes, formatted by the one byte formatter', () => {
    const rows = lines.filter((l) => /^\s*\d+\s/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`1 ${formatBytes(1_234_567)}`);
    expect(formatBytes(1_234_567)).toBe('1.23MB');
    expect(rows[0]!.trimEnd().endsWith('COPY big /app/')).toBe(true);
    expect(rows[1]!.trimEnd().endsWith('COPY small /app/')).toBe(true);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [2000, '2kB'],
    [45_600, '45.6kB'],
    [999_500, '1MB'],
    [1_234_567, '1.23MB'],
    [987_654_321, '988MB'],
    [-1500, '-1.5kB'],
  ])('%d → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});

describe('renderText width', () => {
  const long = 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages';
  const b = analyze(input([[dir('var/lib/apt/lists'), file(long, 1_500_000)]], { history: [{ created_by: 'RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev # buildkit' }] }));
  const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');
  const remedies = b.findings.map((f) => f.remedy);

  it.each([60, 80])('at %d columns: no line but the table rows is wider, every remedy whole (wrapped at spaces), paths elided', (width) => {
    const out = renderText(b, { color: false, width });
    const lines = out.split('\n');
    // table rows are never cut; a digest is one word, never cut either
    for (const l of lines.filter((l) => !/^\s*\d+\s|^#|^ID |^Digest /.test(l))) expect(l.length, l).toBeLessThanOrEqual(width);
    // every word of every remedy appears whole, in order
    const text = words(out).join(' ');
    for (const r of remedies) expect(text).toContain(words(r).join(' '));
    expect(out).not.toContain(long);
    expect(out).toMatch(/var\/lib\/apt\/.*….*_Packages/);
  });

  it('--wide prints whole paths; paths that fit stay whole; no width prints every line whole', () => {
    expect(renderText(b, { color: false, width: 120 })).toContain(long);
    expect(renderText(b, { color: false, width: 60, wide: true })).toContain(long);
    const unlimited = renderText(b, { color: false, width: null });
    expect(unlimited).toContain(long);
    for (const r of remedies) expect(unlimited).toContain(`fix: ${r}`);
  });
});
