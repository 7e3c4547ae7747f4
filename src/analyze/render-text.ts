// renderText prints the terminal report of `whittle analyze`: header and totals, the layer table,
// efficiency and wasted bytes (whittle's and dive's), top wasted paths, findings by severity, savings and gates.
import pc from 'picocolors';
import type { GateResult } from './gates.js';
import type { Analysis } from './index.js';
import { formatBytes, percent } from './units.js';

export interface TextOptions {
  color: boolean;
  /** terminal width; instructions are truncated to fit. */
  width: number;
  gates?: GateResult[];
}

function truncate(text: string, width: number): string {
  if (width <= 1) return '';
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function table(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

export function renderText(a: Analysis, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const width = Math.max(40, opts.width);
  out.push(c.bold(`Image   ${a.image.reference}`));
  out.push(`ID      ${a.image.id}`);
  if (a.image.manifestDigest) out.push(`Digest  ${a.image.manifestDigest}`);
  out.push(`Platform ${a.image.platform}   User ${a.image.user || '(root)'}`);
  out.push(
    `Sizes   compressed blob ${formatBytes(a.sizes.compressedBlob)} · uncompressed tar ${formatBytes(a.sizes.uncompressedTar)} · file content ${formatBytes(a.sizes.fileContent)} · docker images ${formatBytes(a.sizes.docker)} · final filesystem ${formatBytes(a.sizes.finalFilesystem)} in ${a.sizes.fileCount} files`,
  );
  out.push('(sizes in decimal units: 1 kB = 1000 B)');
  for (const w of a.warnings) out.push(c.yellow(`warning: ${w}`));

  out.push('', c.bold('Layers'));
  // The instruction is not a table column: it is appended after the aligned columns and truncated to
  // the terminal width, its header included.
  const rows = [['#', 'blob', 'tar', 'content', 'added', 'modified', 'removed', 'wasted']];
  for (const l of a.layers) {
    rows.push([
      String(l.index), formatBytes(l.sizes.compressedBlob), formatBytes(l.sizes.uncompressedTar), formatBytes(l.sizes.fileContent),
      `${l.added.count} ${formatBytes(l.added.bytes)}`, `${l.modified.count} ${formatBytes(l.modified.bytes)}`, `${l.removed.count} ${formatBytes(l.removed.bytes)}`,
      formatBytes(l.wastedBytes),
    ]);
  }
  const lines = table(rows, [0, 1, 2, 3, 4, 5, 6, 7]);
  lines.forEach((line, i) => {
    const instr = i === 0 ? 'instruction' : (a.layers[i - 1]?.instruction ?? '(no history)').replace(/\s+/g, ' ');
    out.push(`${line}  ${truncate(instr, width - line.length - 2)}`);
  });

  out.push('', c.bold('Efficiency'));
  out.push(`whittle  wasted ${formatBytes(a.wasted.bytes)} (${percent(a.wasted.ratio)} of file content) in ${a.wasted.count} dropped copies — what squashing would drop`);
  out.push(`dive     efficiency ${percent(a.dive.efficiency)} · wasted ${formatBytes(a.dive.wastedBytes)} · user wasted ${percent(a.dive.userWastedPercent)}`);
  if (a.wasted.top.length > 0) {
    out.push('', c.bold('Top wasted paths'));
    const wrows = [['bytes', 'added', 'dropped', 'how', 'path']];
    for (const w of a.wasted.top) wrows.push([formatBytes(w.bytes), `#${w.addedBy}`, `#${w.droppedBy}`, w.how, w.path]);
    for (const line of table(wrows, [0])) out.push(truncate(line, width));
  }

  out.push('', c.bold('Findings'));
  if (a.findings.length === 0) out.push('none');
  const paint = { high: c.red, medium: c.yellow, low: c.cyan, info: c.dim };
  for (const f of a.findings) {
    const saving = f.bytes > 0 ? ` [${formatBytes(f.bytes)}]` : '';
    out.push(`${paint[f.severity](f.severity.toUpperCase().padEnd(6))} ${f.id}${saving}: ${f.message}`);
    if (f.layer !== null) out.push(`       layer ${f.layer}: ${truncate(f.instruction ?? '(no history)', width - 16)}`);
    for (const p of f.paths.slice(0, 3)) out.push(truncate(`       ${formatBytes(p.bytes).padStart(7)} ${p.path}`, width));
    if (f.pathCount > 3) out.push(`       … ${f.pathCount - 3} more`);
    out.push(c.dim(truncate(`       fix: ${f.remedy}`, Math.max(width, 60) * 2)));
  }

  out.push('', c.bold('Savings'));
  out.push(`squash ${formatBytes(a.savings.squash)} · cleanups ${formatBytes(a.savings.cleanups)} · total ${formatBytes(a.savings.total)}`);

  if (opts.gates && opts.gates.length > 0) {
    out.push('', c.bold('Gates'));
    for (const g of opts.gates) {
      const fmt = (n: number) => (g.unit === 'bytes' ? formatBytes(n) : percent(n));
      out.push(`${g.passed ? c.green('PASS') : c.red('FAIL')} ${g.gate}: ${fmt(g.actual)} (limit ${fmt(g.limit)}; ${g.compares})`);
    }
  }
  return out.join('\n') + '\n';
}
