// renderReport writes the report as one self-contained HTML file: styles, data and code inline, no
// request to anything (it opens from file:// with the network off). The data sit in
// <script type="application/json"> elements with `<` escaped, so no text from an image (a file name
// holding `</script>`) can end them; the page's code is reportPage's source and the CLI's own byte
// formatter, so sizes read the same on the page as in the terminal.
import { formatBytes } from '../analyze/units.js';
import { escapeNamesInJson } from '../internal/name-bytes.js';
import type { ReportData } from './document.js';
import { reportPage } from './page.js';

const STYLE = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1f2933; }
body { margin: 0 auto; max-width: 1400px; padding: 12px 20px; }
h1 { font-size: 20px; margin: 4px 0; word-break: break-all; }
h2 { font-size: 16px; margin: 20px 0 6px; border-bottom: 1px solid #d9e2ec; }
.muted, #ident { color: #616e7c; font-size: 12px; }
#warnings { color: #8d2b0b; }
.toolbar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
button { font: inherit; border: 1px solid #9aa5b1; background: #f5f7fa; border-radius: 4px; padding: 2px 8px; cursor: pointer; }
button.on { background: #334e68; color: #fff; }
button:disabled { opacity: .4; cursor: default; }
.crumb { border: none; background: none; color: #2680c2; padding: 0 2px; }
.crumb::after { content: ' ›'; color: #9aa5b1; }
#treemap { width: 100%; height: 560px; display: block; background: #f0f4f8; }
#treemap rect { stroke: #fff; stroke-width: 1; cursor: pointer; }
#treemap rect.inner { stroke-width: .5; }
#treemap rect.finding { stroke: #cb6e17; stroke-width: 2; }
#treemap rect.hit { stroke: #d64545; stroke-width: 3; }
#treemap text { font-size: 11px; pointer-events: none; fill: #102a43; }
#treemap text.inner-label { font-size: 10px; fill: #243b53; }
#search { width: 320px; }
#results { max-height: 180px; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
#results li { cursor: pointer; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
td.num { text-align: right; }
#layer-table tr:not(:first-child) { cursor: pointer; }
#layer-table tr:hover, #dockerfile-table tr:hover { background: #f0f4f8; }
#dockerfile-table td:last-child { font-family: ui-monospace, monospace; white-space: pre-wrap; }
tr.unshipped { color: #9aa5b1; }
tr.note td { color: #8d2b0b; font-size: 11px; }
.finding { border-left: 4px solid #9aa5b1; padding: 4px 8px; margin: 6px 0; background: #f5f7fa; }
.finding.high { border-color: #d64545; } .finding.medium { border-color: #cb6e17; } .finding.low { border-color: #2680c2; }
.finding .head { font-weight: 600; } .finding .fix { color: #486581; }
.legend span { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin: 0 4px 0 10px; }
`;

/** renderReport returns the HTML page for the data. */
export function renderReport(data: ReportData): string {
  const json = (v: unknown) => JSON.stringify(v, escapeNamesInJson).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const script = [
    // bound to the name the page calls: a bundle may have renamed the declaration (scripts/bundle.mjs)
    `const formatBytes = ${formatBytes.toString()};`,
    `(${reportPage.toString()})({ analysis: JSON.parse(document.getElementById('whittle-analysis').textContent), compare: JSON.parse(document.getElementById('whittle-compare').textContent) });`,
  ].join('\n');
  const title = data.analysis.image.reference.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>whittle report: ${title}</title>
<style>${STYLE}</style></head>
<body>
<header><h1 id="title"></h1><div id="ident"></div><div id="summary"></div><ul id="warnings"></ul>
<div class="toolbar"><button id="download" type="button">Download the analysis (JSON)</button><span class="muted">sizes in decimal units: 1 kB = 1000 B, as the CLI prints them</span></div></header>
<section id="treemap-section"><h2>Where the bytes are</h2>
<div class="toolbar"><button type="button" data-view="dir">by directory</button><button type="button" data-view="layer">by layer</button><button type="button" data-view="line">by Dockerfile line</button>
<input id="search" type="search" placeholder="search a path (2+ characters)" aria-label="search a path"></div>
<ul id="results"></ul>
<div id="crumbs" class="toolbar"></div>
<svg id="treemap" xmlns="http://www.w3.org/2000/svg"><defs><pattern id="wasted" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f8d3d3"></rect><line x1="0" y1="0" x2="0" y2="6" stroke="#d64545" stroke-width="3"></line></pattern></defs></svg>
<div class="legend muted">colour: the layer that wrote the file<span style="background:#f8d3d3;border:1px solid #d64545"></span>wasted (deleted or overwritten later; by layer)<span style="border:2px solid #cb6e17"></span>named by a finding · click a directory to zoom</div>
</section>
<section><h2>Layers</h2><div id="layers"></div></section>
<section id="dockerfile-section" hidden><h2>Dockerfile lines</h2><div id="dockerfile"></div></section>
<section><h2>Findings</h2><div id="findings"></div></section>
<section id="compare-section" hidden><h2>Compared</h2><div id="compare"></div></section>
<script type="application/json" id="whittle-analysis">${json(data.analysis)}</script>
<script type="application/json" id="whittle-compare">${json(data.compare)}</script>
<script>${script}</script>
</body></html>
`;
}
