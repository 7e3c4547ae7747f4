// renderAttribution prints the Dockerfile with the bytes each instruction added (and wasted) in the
// margin, the findings of both analyze and lint under the line they belong to, what no line made,
// and the lines ranked by bytes.
import pc from 'picocolors';
import { formatBytes } from '../analyze/units.js';
import { elideMiddle } from '../internal/width.js';
import { counted } from '../internal/plural.js';
import type { Attribution, AttributedFinding, AttributedLine } from './index.js';

export interface AttributionTextOptions {
  color: boolean;
  /** terminal width, or null for no limit; Dockerfile lines longer than the room left are shortened. */
  width: number | null;
}

const COLUMNS = 19; // "  123.4MB   45.6MB"
const MARGIN = COLUMNS + 4; // the columns, a mark, "│ "

function marginFor(l: AttributedLine | undefined, first: boolean): string {
  if (!l || !first || (l.bytes === 0 && l.layers.length === 0)) return ' '.repeat(COLUMNS);
  const wasted = l.wastedBytes > 0 ? formatBytes(l.wastedBytes) : '';
  return `${formatBytes(l.bytes).padStart(9)} ${wasted.padStart(9)}`;
}

export function renderAttribution(a: Attribution, text: string, opts: AttributionTextOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const room = opts.width === null ? null : Math.max(20, opts.width - MARGIN - 2);
  const fit = (s: string) => (room === null || s.length <= room ? s : elideMiddle(s, room));
  out.push(c.bold(`Dockerfile ${a.dockerfile}`) + ` (stage ${a.target} ships; bytes as docker history counts them)`);
  for (const w of a.warnings) out.push(c.yellow(`warning: ${w}`));
  out.push(`${'added'.padStart(9)} ${'wasted'.padStart(9)}  │`);
  const byLine = new Map<number, AttributedLine>();
  for (const l of a.lines) for (let n = l.line; n <= l.endLine; n++) byLine.set(n, l);
  const paint = { high: c.red, medium: c.yellow, low: c.cyan, info: c.dim, error: c.red, warning: c.yellow } as Record<string, (s: string) => string>;
  const findingLine = (f: AttributedFinding) => {
    const bytes = f.bytes !== null && f.bytes > 0 ? ` [${formatBytes(f.bytes)}]` : '';
    return `${' '.repeat(COLUMNS + 2)}│   ${(paint[f.severity] ?? c.dim)(`${f.source} ${f.id}`)}${bytes}: ${f.message}`;
  };
  const source = text.split(/\r?\n/);
  if (source[source.length - 1] === '') source.pop();
  source.forEach((raw, k) => {
    const n = k + 1;
    const l = byLine.get(n);
    const first = l !== undefined && l.line === n;
    let body = fit(raw);
    if (l && !l.ships) body = c.dim(body);
    const mark = first && l.confidence === 'fuzzy' ? '~' : first && l.confidence === 'base' ? 'B' : ' ';
    out.push(`${marginFor(l, first)} ${mark}│ ${body}`);
    if (l && l.endLine === n) for (const f of l.findings) out.push(findingLine(f));
  });
  for (const f of a.fileFindings) out.push(findingLine(f));
  out.push(`(B: the base image's layers; ~: matched by similar text only; dim: stages that do not ship)`);
  if (a.unattributed.layers.length > 0 || a.unattributed.history.length > 0) {
    out.push(`unattributed: ${formatBytes(a.unattributed.bytes)} in ${counted(a.unattributed.layers.length, 'layer', 'layers')} (${a.unattributed.layers.map((i) => `#${i}`).join(', ') || 'none'}) that match no line`);
  } else {
    out.push('unattributed: none');
  }
  const top = a.ranked.slice(0, 5).map((n) => a.lines.find((l) => l.line === n)!).filter((l) => l.bytes > 0);
  if (top.length > 0) {
    out.push('', c.bold('Biggest lines'));
    for (const l of top) {
      const wasted = l.wastedBytes > 0 ? `, ${formatBytes(l.wastedBytes)} wasted` : '';
      out.push(`${formatBytes(l.bytes).padStart(9)}  line ${l.line}: ${fit(l.text)}${wasted}`);
    }
  }
  return out.join('\n') + '\n';
}
