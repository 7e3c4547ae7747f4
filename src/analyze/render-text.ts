// renderText prints the terminal report of `whittle analyze`: header and totals, the layer table,
// efficiency and wasted bytes (whittle's and dive's), top wasted paths, findings by severity, savings and gates.
// Every text that comes from the image (history, paths, user, warnings, finding messages quoting
// them) is passed through escapeControl before it is fitted to the width.
import pc from 'picocolors';
import { escapeName } from '../internal/name-bytes.js';
import { elideMiddle, wrapWords } from '../internal/width.js';
import type { GateResult } from './gates.js';
import type { Analysis } from './index.js';
import { formatBytes, percent } from './units.js';
import { counted } from '../internal/plural.js';
import { escapeControl as esc } from '../internal/escape-text.js';

export interface TextOptions {
  color: boolean;
  /**
   * terminal width (at least 40 is used), or null for no limit: long lines (instructions, messages,
   * remedies) wrap at spaces with a hanging indent, never cut inside a word, and long paths are
   * shortened in the middle with `…` unless wide.
   */
  width: number | null;
  /** print whole paths, never shortened. */
  wide?: boolean;
  gates?: GateResult[];
}

function table(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

export function renderText(a: Analysis, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const width = opts.width === null ? null : Math.max(40, opts.width);
  /** labeled: text after a label, wrapped to the width, later lines indented under the text. */
  const labeled = (label: string, text: string) => wrapWords(esc(text), width, { first: label.length, indent: label.length }).map((l, k) => (k === 0 ? label + l : l));
  /** path: a path shortened to fit after `used` columns (whole with --wide). */
  const path = (p: string, used: number) => (opts.wide || width === null ? esc(p) : elideMiddle(esc(p), Math.max(20, width - used)));
  out.push(c.bold(`Image   ${esc(a.image.reference)}`));
  out.push(`ID      ${esc(a.image.id)}`);
  if (a.image.manifestDigest) out.push(`Digest  ${esc(a.image.manifestDigest)}`);
  out.push(`Platform ${esc(a.image.platform)}   User ${esc(a.image.user || '(root)')}`);
  out.push(
    ...labeled('Sizes   ', `compressed blob ${formatBytes(a.sizes.compressedBlob)} · uncompressed tar ${formatBytes(a.sizes.uncompressedTar)} · file content ${formatBytes(a.sizes.fileContent)} · docker images ${formatBytes(a.sizes.docker)} · final filesystem ${formatBytes(a.sizes.finalFilesystem)} in ${counted(a.sizes.fileCount, 'file', 'files')}`),
  );
  out.push('(sizes in decimal units: 1 kB = 1000 B)');
  for (const w of a.warnings) out.push(...labeled('warning: ', w).map((l) => c.yellow(l)));

  out.push('', c.bold('Layers'));
  // The instruction is not a table column: it is appended after the aligned columns and wrapped to
  // the terminal width under itself (or, when the columns leave under 20, on the lines below its
  // row, indented 4). The columns themselves are never cut.
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
    const instr = i === 0 ? 'instruction' : esc((a.layers[i - 1]?.instruction ?? '(no history)').replace(/\s+/g, ' '));
    if (width !== null && width - line.length - 2 < 20 && i > 0) {
      out.push(line, ...wrapWords(instr, width, { first: 4, indent: 4 }).map((l, k) => (k === 0 ? `    ${l}` : l)));
    } else {
      out.push(...wrapWords(instr, width, { first: line.length + 2, indent: line.length + 2 }).map((l, k) => (k === 0 ? `${line}  ${l}` : l)));
    }
  });

  out.push('', c.bold('Efficiency'));
  out.push(...labeled('whittle  ', `wasted ${formatBytes(a.wasted.bytes)} (${percent(a.wasted.ratio)} of file content) in ${a.wasted.count} dropped copies — what squashing would drop`));
  out.push(...labeled('dive     ', `efficiency ${percent(a.dive.efficiency)} · wasted ${formatBytes(a.dive.wastedBytes)} · user wasted ${percent(a.dive.userWastedPercent)}`));
  if (a.wasted.top.length > 0) {
    out.push('', c.bold('Top wasted paths'));
    const wrows = [['bytes', 'added', 'dropped', 'how']];
    for (const w of a.wasted.top) wrows.push([formatBytes(w.bytes), `#${w.addedBy}`, `#${w.droppedBy}`, esc(w.how)]);
    const wlines = table(wrows, [0]);
    const cols = Math.max(...wlines.map((l) => l.length));
    wlines.forEach((line, i) => out.push(`${line.padEnd(cols)}  ${i === 0 ? 'path' : path(a.wasted.top[i - 1]!.path, cols + 2)}`));
  }

  out.push('', c.bold('Findings'));
  if (a.findings.length === 0) out.push('none');
  const paint = { high: c.red, medium: c.yellow, low: c.cyan, info: c.dim };
  for (const f of a.findings) {
    const saving = f.bytes > 0 ? ` [${formatBytes(f.bytes)}]` : '';
    const label = f.severity.toUpperCase().padEnd(6);
    // wrapped as plain text (colour codes take no columns), then the label painted
    const head = wrapWords(esc(`${f.id}${saving}: ${f.message}`), width, { first: 7, indent: 7 });
    out.push(`${paint[f.severity](label)} ${head[0]}`, ...head.slice(1));
    if (f.layer !== null) out.push(...wrapWords(esc(`layer ${f.layer}: ${(f.instruction ?? '(no history)').replace(/\s+/g, ' ')}`), width, { first: 7, indent: 9 }).map((l, k) => (k === 0 ? `       ${l}` : l)));
    for (const p of f.paths.slice(0, 3)) out.push(`       ${formatBytes(p.bytes).padStart(7)} ${path(p.path, 15)}`);
    if (f.pathCount > 3) out.push(`       … ${f.pathCount - 3} more`);
    out.push(...wrapWords(esc(`fix: ${f.remedy}`), width, { first: 7, indent: 12 }).map((l, k) => c.dim(k === 0 ? `       ${l}` : l)));
  }

  out.push('', c.bold('Savings'));
  out.push(`squash ${formatBytes(a.savings.squash)} · cleanups ${formatBytes(a.savings.cleanups)} · total ${formatBytes(a.savings.total)}`);

  if (opts.gates && opts.gates.length > 0) {
    out.push('', c.bold('Gates'));
    for (const g of opts.gates) {
      const fmt = (n: number) => (g.unit === 'bytes' ? formatBytes(n) : percent(n));
      const lines = wrapWords(`${g.gate}: ${fmt(g.actual)} (limit ${fmt(g.limit)}; ${g.compares})`, width, { first: 5, indent: 5 });
      out.push(`${g.passed ? c.green('PASS') : c.red('FAIL')} ${lines[0]}`, ...lines.slice(1));
    }
  }
  // a name's bytes that are not UTF-8 print as \xNN wherever the name appears (findings quote paths too)
  return escapeName(out.join('\n')) + '\n';
}
