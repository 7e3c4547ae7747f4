// The three renderings of a variants report: the terminal table, --json (schema in
// docs/variants.md) and --markdown for a pull-request comment. All read the same rows.
import { formatBytes } from '../analyze/units.js';
import { escapeControl } from '../internal/escape-text.js';
import { describeCheck } from './check.js';
import type { VariantsReport } from './run.js';
import type { VariantRow } from './types.js';

/** head is the header row; without --registry the pull time column says why it is empty. */
function head(report: VariantsReport): string[] {
  const pull = report.registry === null ? 'pull time (no --registry)' : 'pull time';
  return ['variant', 'status', 'uncompressed (docker images)', 'compressed (pull)', pull, 'layers', 'files', 'build', 'run→check (median ± spread)', 'findings'];
}

function cells(r: VariantRow, smallest: string | null): string[] {
  const dash = '–';
  return [
    r.id + (r.id === smallest ? ' *' : ''),
    r.status,
    r.sizes ? formatBytes(r.sizes.uncompressed) : dash,
    r.sizes ? formatBytes(r.sizes.compressed) : dash,
    r.pullSeconds !== null ? `${r.pullSeconds.toFixed(2)}s` : dash,
    r.layers !== null ? String(r.layers) : dash,
    r.files !== null ? String(r.files) : dash,
    r.buildSeconds !== null ? `${r.buildSeconds.toFixed(1)}s` : dash,
    r.check ? `${Math.round(r.check.medianMs)}ms ± ${Math.round(r.check.spreadMs / 2)}ms` : dash,
    r.findings !== null ? String(r.findings) : dash,
  ];
}

function notes(report: VariantsReport): string[] {
  const out: string[] = [];
  for (const r of report.variants) if (r.reason) out.push(`${r.id} (${r.status}): ${r.reason}`);
  return out;
}

function winnerLine(report: VariantsReport): string {
  if (report.smallest === null) return 'no variant passed the check: none is offered';
  const r = report.variants.find((v) => v.id === report.smallest)!;
  const verb = r.status === 'passed' ? 'the smallest variant that passed the check' : 'the smallest variant built (unchecked)';
  return `* ${r.id}: ${verb}, ${formatBytes(r.sizes!.compressed)} compressed, ${formatBytes(r.sizes!.uncompressed)} uncompressed`;
}

/** pullNote says what the pull time column timed, or how to get it. */
function pullNote(report: VariantsReport): string {
  if (report.registry === null) return 'pull time: no --registry (give --registry HOST:PORT to push each variant there and time its pull)';
  return `pull time: median of ${report.runs} reads of the variant pushed to ${report.registry}: manifest, config and every layer downloaded, gunzipped and verified`;
}

/** renderText is the terminal table, with the check, the reasons, the caveats and the winner. */
export function renderText(report: VariantsReport): string {
  const HEAD = head(report);
  const rows = [HEAD, ...report.variants.map((r) => cells(r, report.smallest))];
  const widths = HEAD.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => (c < 2 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ').trimEnd();
  const out = [`check: ${describeCheck(report.check)}; ${report.runs} timed run(s) after a warm-up`, line(rows[0]!), ...rows.slice(1).map(line)];
  out.push('sizes: uncompressed = `docker images` SIZE; compressed = gzip layer blobs + config + manifest, what a registry stores and a pull moves (1 MB = 1000 kB)');
  out.push(pullNote(report));
  const n = notes(report);
  if (n.length) out.push('', ...n);
  if (report.caveats.length) out.push('', 'caveats:', ...report.caveats.map((c) => `  ${c.variant}: ${c.message}`));
  out.push('', winnerLine(report));
  return out.map((l) => escapeControl(l)).join('\n') + '\n';
}

/** toJson is the --json document (schemaVersion 1; documented in docs/variants.md). */
export function toJson(report: VariantsReport): object {
  return {
    schemaVersion: 1,
    check: report.check,
    runs: report.runs,
    registry: report.registry,
    units: { sizes: 'bytes', buildSeconds: 'seconds', pullSeconds: 'seconds', check: 'milliseconds' },
    smallest: report.smallest,
    variants: report.variants.map(({ tag: _tag, ...r }) => r),
    caveats: report.caveats,
  };
}

const md = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** renderMarkdown is a pull-request comment: the table, the reasons and the caveats. */
export function renderMarkdown(report: VariantsReport): string {
  const HEAD = head(report);
  const out = ['### whittle variants', '', `Check: ${md(describeCheck(report.check))}; ${report.runs} timed run(s) after a warm-up.`, ''];
  out.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, c) => (c < 2 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of report.variants) {
    const c = cells(r, report.smallest).map(md);
    c[0] = r.id === report.smallest ? `**${md(r.id)}**` : c[0]!;
    out.push(`| ${c.join(' | ')} |`);
  }
  out.push('', 'Uncompressed is what `docker images` shows; compressed is the gzip layer blobs plus config and manifest, what a pull moves (decimal units).', '', md(pullNote(report)));
  const n = notes(report);
  if (n.length) out.push('', ...n.map((l) => `- ${md(l)}`));
  if (report.caveats.length) out.push('', '**Caveats**', '', ...report.caveats.map((c) => `- ${md(c.variant)}: ${md(c.message)}`));
  out.push('', md(winnerLine(report)).replace(/^\* /, '**Smallest passing:** '));
  return out.join('\n') + '\n';
}
