import { describe, expect, it } from 'vitest';
import { analyze } from './index.js';
import { renderJson } from './render-json.js';
import { renderText } from './render-text.js';
import { dir, file, input, opaque, whiteout } from './testing.js';

const layers = [
  [dir('app'), file('app/big', 5000), file('app/keep', 100), file('var/lib/apt/lists/p', 700)],
  [whiteout('app/big'), file('app/keep', 100, { mode: 0o755 })],
  [opaque('app'), file('app/new', 30)],
];
const history = [
  { created_by: '/bin/sh -c #(nop) ADD file:x in /' },
  { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
  { created_by: '/bin/sh -c rm /app/big && chmod +x /app/keep' },
  { created_by: 'COPY app /app # buildkit' },
];

describe('analyze', () => {
  const a = analyze(input(layers, { history, config: { User: '' } }));

  it('labels and sums the three sizes and the final filesystem', () => {
    const tars = input(layers).layers.map((l) => l.stats);
    expect(a.sizes.compressedBlob).toBe(tars.reduce((s, t) => s + t.size, 0));
    expect(a.sizes.uncompressedTar).toBe(tars.reduce((s, t) => s + t.uncompressedSize, 0));
    expect(a.sizes.fileContent).toBe(5000 + 100 + 700 + 100 + 30);
    expect(a.sizes.finalFilesystem).toBe(700 + 30);
  });

  it('maps instructions to layers past empty history entries', () => {
    expect(a.layers.map((l) => l.instruction)).toEqual(['ADD file:x in /', 'RUN rm /app/big && chmod +x /app/keep', 'COPY app /app']);
    expect(a.warnings).toEqual([]);
  });

  it('reports waste per dropped copy with who added and who dropped it', () => {
    expect(a.wasted.top.map((w) => [w.path, w.bytes, w.addedBy, w.droppedBy, w.how])).toEqual([
      ['app/big', 5000, 0, 1, 'deleted'],
      ['app/keep', 100, 0, 1, 'overwritten'],
      ['app/keep', 100, 1, 2, 'opaque'],
    ]);
    expect(a.wasted.bytes).toBe(5200);
    expect(a.wasted.ratio).toBeCloseTo(5200 / a.sizes.fileContent, 12);
    expect(a.layers.map((l) => l.wastedBytes)).toEqual([5100, 100, 0]);
    expect(a.savings).toEqual({ squash: 5200, cleanups: 700, total: 5900 });
  });

  it('counts added/modified/removed per layer', () => {
    expect(a.layers[1]).toMatchObject({ added: { count: 0 }, modified: { count: 1, bytes: 100 }, removed: { count: 1, bytes: 5000 } });
    expect(a.layers[2]).toMatchObject({ added: { count: 1, bytes: 30 }, removed: { count: 1, bytes: 100 } });
  });

  it('does not throw on history that disagrees with the layers', () => {
    const b = analyze(input(layers, { history: [history[0]!] }));
    expect(b.layers.map((l) => l.instruction)).toEqual(['ADD file:x in /', null, null]);
    expect(b.warnings).toHaveLength(1);
  });

  it('renders JSON that parses back to the analysis plus gates', () => {
    const json = JSON.parse(renderJson(a, []));
    expect(json.schemaVersion).toBe(1);
    expect(json.sizes).toEqual(a.sizes);
    expect(json.gates).toEqual([]);
  });

  it('renders text without colour codes unless asked, and fits instructions to the width', () => {
    const plain = renderText(a, { color: false, width: 80, gates: [{ gate: 'max-size', passed: false, actual: 6000, limit: 10, unit: 'bytes', compares: 'x' }] });
    expect(plain).not.toMatch(/\x1b\[/);
    expect(plain).toContain('compressed blob');
    expect(plain).toContain('FAIL max-size: 6kB (limit 10B; x)');
    const tableLines = plain.split('\n').filter((l) => /^\s*\d+\s/.test(l));
    expect(tableLines).toHaveLength(3);
    for (const l of tableLines) expect(l.length).toBeLessThanOrEqual(80);
    expect(renderText(a, { color: true, width: 80 })).toMatch(/\x1b\[/);
  });

  it('analyzes 100k entries', () => {
    const base = Array.from({ length: 70_000 }, (_, i) => file(`usr/share/p${i % 500}/f${i}`, 1000));
    const top = [whiteout('usr/share/p7'), ...Array.from({ length: 30_000 }, (_, i) => file(`usr/share/p${i % 500}/f${i}`, 10))];
    const big = analyze(input([base, top]));
    // 70,000 files, less the 140 of usr/share/p7 the whiteout removes, plus the 60 top writes back into p7
    expect(big.sizes.fileCount).toBe(69_920);
  });
});
