/// <reference lib="dom" />
// The code of the report page, run by the browser. html.ts inlines reportPage (and the CLI's own
// formatBytes) into the HTML as source text, so this function must be self-contained: no imports,
// no references to anything outside its body but `formatBytes` and the DOM. Vanilla TypeScript and
// SVG: a treemap needs a squarified layout and rectangles, which a few hundred lines do without a
// charting dependency (docs/report.md).
import type { ReportData } from './document.js';

declare function formatBytes(n: number): string;

export function reportPage(data: ReportData): void {
  type FileNode = [string, number, number] | [string, number, number, FileNode[]];
  interface Node {
    name: string;
    path: string;
    bytes: number;
    layer: number;
    wasted: boolean;
    /** children, built on first use */
    kids: (() => Node[]) | null;
    cache?: Node[];
    label?: string;
  }

  const a = data.analysis;
  const files = a.files!;
  const attribution = a.attribution ?? null;
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const SVG = 'http://www.w3.org/2000/svg';
  const svgEl = (tag: string, attrs: Record<string, string | number>) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const kidsOf = (n: Node) => (n.kids === null ? [] : (n.cache ??= n.kids()));

  // --- nodes -------------------------------------------------------------------------------------
  const fromFile = (f: FileNode, parent: string): Node => {
    const path = parent === '' ? f[0] : `${parent}/${f[0]}`;
    return { name: f[0], path, bytes: f[1], layer: f[2], wasted: false, kids: f.length === 4 ? () => (f[3] as FileNode[]).map((c) => fromFile(c, path)) : null };
  };
  const fileRoot: Node = fromFile(files.root, '');
  fileRoot.name = '/';

  const findingPaths = new Set<string>();
  for (const f of a.findings) for (const p of f.paths) findingPaths.add(p.path);

  /** treeOf builds a directory tree from flat [path, bytes, layer, wasted] items. */
  const treeOf = (name: string, path: string, items: [string, number, number, boolean][], label: string, layer: number): Node => {
    interface B { name: string; bytes: number; layer: number; wasted: boolean; kids: Map<string, B> | null }
    const root: B = { name, bytes: 0, layer, wasted: false, kids: new Map() };
    for (const [p, bytes, l, wasted] of items) {
      const parts = p.split('/');
      let node = root;
      node.bytes += bytes;
      parts.forEach((part, i) => {
        const last = i === parts.length - 1;
        const key = last && wasted ? `${part}\u0000wasted` : part;
        let next = node.kids!.get(key);
        if (!next) node.kids!.set(key, (next = { name: part, bytes: 0, layer: l, wasted: last && wasted, kids: last ? null : new Map() }));
        next.bytes += bytes;
        next.kids ??= last ? null : new Map();
        node = next;
      });
    }
    const toNode = (b: B, at: string): Node => ({ name: b.name, path: at, bytes: b.bytes, layer: b.layer, wasted: b.wasted, kids: b.kids ? () => [...b.kids!.values()].map((k) => toNode(k, at === '' ? k.name : `${at}/${k.name}`)) : null });
    const n = toNode(root, path);
    n.label = label;
    return n;
  };

  // per-layer items, collected once: surviving files by the layer that wrote them, dropped copies by the layer that added them
  let perLayer: [string, number, number, boolean][][] | null = null;
  const layerItems = () => {
    if (perLayer) return perLayer;
    perLayer = a.layers.map(() => []);
    const walk = (f: FileNode, parent: string) => {
      const path = parent === '' ? f[0] : `${parent}/${f[0]}`;
      if (f.length === 4) for (const c of f[3] as FileNode[]) walk(c, path);
      else if (f[2] >= 0 && f[1] > 0) perLayer![f[2]]?.push([path, f[1], f[2], false]);
    };
    for (const c of (files.root as [string, number, number, FileNode[]])[3]) walk(c, '');
    for (const [path, bytes, addedBy] of files.dropped) if (bytes > 0) perLayer[addedBy]?.push([path, bytes, addedBy, true]);
    return perLayer;
  };
  const layerNode = (i: number): Node => {
    const l = a.layers[i]!;
    const label = `#${i} ${l.instruction ?? '(no history)'}`;
    const n: Node = { name: label, path: `layer ${i}`, bytes: l.sizes.fileContent, layer: i, wasted: false, label, kids: () => kidsOf(treeOf(label, '', layerItems()[i]!, label, i)) };
    return n;
  };
  const layersRoot: Node = { name: 'layers', path: '', bytes: a.layers.reduce((s, l) => s + l.sizes.fileContent, 0), layer: -1, wasted: false, kids: () => a.layers.map((_, i) => layerNode(i)) };
  const linesRoot: Node | null = attribution
    ? {
        name: 'Dockerfile', path: '', layer: -1, wasted: false,
        bytes: a.layers.reduce((s, l) => s + l.sizes.fileContent, 0),
        kids: () => {
          const out: Node[] = [];
          for (const line of attribution.lines) {
            if (line.layers.length === 0) continue;
            const label = `line ${line.line}: ${line.text}`;
            out.push({ name: label, path: `line ${line.line}`, label, layer: line.layers[0]!, wasted: false, bytes: line.layers.reduce((s, i) => s + a.layers[i]!.sizes.fileContent, 0), kids: () => line.layers.map(layerNode) });
          }
          if (attribution.unattributed.layers.length > 0) {
            const label = 'unattributed: no Dockerfile line';
            out.push({ name: label, path: 'unattributed', label, layer: -1, wasted: false, bytes: attribution.unattributed.layers.reduce((s, i) => s + a.layers[i]!.sizes.fileContent, 0), kids: () => attribution.unattributed.layers.map(layerNode) });
          }
          return out;
        },
      }
    : null;

  // --- squarified treemap --------------------------------------------------------------------------
  interface Rect { x: number; y: number; w: number; h: number }
  const squarify = (values: number[], box: Rect): Rect[] => {
    const out: Rect[] = [];
    const total = values.reduce((s, v) => s + v, 0);
    if (total <= 0 || box.w <= 0 || box.h <= 0) return values.map(() => ({ x: box.x, y: box.y, w: 0, h: 0 }));
    const scale = (box.w * box.h) / total;
    const areas = values.map((v) => v * scale);
    let { x, y, w, h } = box;
    let i = 0;
    while (i < areas.length) {
      const side = Math.min(w, h);
      const row: number[] = [];
      let worst = Infinity;
      while (i + row.length < areas.length) {
        const next = [...row, areas[i + row.length]!];
        const sum = next.reduce((s, v) => s + v, 0);
        const ratio = Math.max(...next.map((v) => Math.max((side * side * v) / (sum * sum), (sum * sum) / (side * side * v))));
        if (ratio > worst) break;
        worst = ratio;
        row.push(areas[i + row.length]!);
      }
      const sum = row.reduce((s, v) => s + v, 0);
      const thick = side > 0 ? sum / side : 0;
      let offset = 0;
      for (const v of row) {
        const len = thick > 0 ? v / thick : 0;
        out.push(w >= h ? { x, y: y + offset, w: thick, h: len } : { x: x + offset, y, w: len, h: thick });
        offset += len;
      }
      if (w >= h) {
        x += thick;
        w -= thick;
      } else {
        y += thick;
        h -= thick;
      }
      i += row.length;
    }
    return out;
  };

  const MAX_RECTS = 300;
  /** visible lists the children worth drawing: the largest MAX_RECTS with bytes, the rest as one "smaller entries" node. */
  const visible = (n: Node, box: Rect): Node[] => {
    const kids = kidsOf(n).filter((k) => k.bytes > 0).sort((p, q) => q.bytes - p.bytes);
    const total = kids.reduce((s, k) => s + k.bytes, 0);
    const minBytes = (total * 12) / Math.max(1, box.w * box.h); // under ~12 px² is not worth a rectangle
    const shown: Node[] = [];
    const rest: Node[] = [];
    for (const k of kids) (shown.length < MAX_RECTS && k.bytes >= minBytes ? shown : rest).push(k);
    if (rest.length === 1) shown.push(rest[0]!);
    else if (rest.length > 1) {
      shown.push({ name: `(${rest.length} smaller entries)`, path: n.path === '' ? '…' : `${n.path}/…`, bytes: rest.reduce((s, k) => s + k.bytes, 0), layer: -1, wasted: false, kids: () => rest });
    }
    return shown;
  };

  /** colour: hue by the layer that wrote the path, lightness varied by position so neighbours differ. */
  const colour = (n: Node, k = 0) => {
    if (n.wasted) return 'url(#wasted)';
    if (n.layer < 0) return `hsl(210 12% ${68 + (k % 3) * 5}%)`;
    return `hsl(${(n.layer * 47 + 200) % 360} 50% ${(n.kids ? 70 : 62) + (k % 3) * 5}%)`;
  };

  let view: 'dir' | 'layer' | 'line' = 'dir';
  let stack: Node[] = [fileRoot];
  let highlight: string | null = null;
  const svg = $('treemap') as unknown as SVGSVGElement;

  const draw = () => {
    const current = stack[stack.length - 1]!;
    const W = svg.clientWidth || 1000;
    const H = svg.clientHeight || 560;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    while (svg.lastChild && svg.lastChild.nodeName !== 'defs') svg.removeChild(svg.lastChild);
    const kids = visible(current, { x: 0, y: 0, w: W, h: H });
    const rects = squarify(kids.map((k) => k.bytes), { x: 0, y: 0, w: W, h: H });
    kids.forEach((k, i) => {
      const r = rects[i]!;
      const g = svgEl('g', { class: 'node', 'data-depth': 1, 'data-path': k.path, 'data-bytes': k.bytes });
      const rect = svgEl('rect', { x: r.x, y: r.y, width: Math.max(0, r.w), height: Math.max(0, r.h), fill: colour(k, i), class: findingPaths.has(k.path) ? 'finding' : k.path === highlight ? 'hit' : '' });
      const title = svgEl('title', {});
      title.textContent = `${k.label ?? (k.path || k.name)}\n${formatBytes(k.bytes)}${k.wasted ? ' (wasted: deleted or overwritten later)' : ''}${k.kids ? '\nclick to zoom' : ''}`;
      rect.appendChild(title);
      g.appendChild(rect);
      if (k.kids && r.w > 60 && r.h > 40) {
        const inner = { x: r.x + 2, y: r.y + 16, w: r.w - 4, h: r.h - 18 };
        const grand = visible(k, inner);
        const gr = squarify(grand.map((c) => c.bytes), inner);
        grand.forEach((c, j) => {
          const q = gr[j]!;
          const cr = svgEl('rect', { x: q.x, y: q.y, width: Math.max(0, q.w), height: Math.max(0, q.h), fill: colour(c, j), class: `inner${findingPaths.has(c.path) ? ' finding' : c.path === highlight ? ' hit' : ''}`, 'data-path': c.path, 'data-bytes': c.bytes });
          const t = svgEl('title', {});
          t.textContent = `${c.label ?? c.path}\n${formatBytes(c.bytes)}${c.wasted ? ' (wasted)' : ''}`;
          cr.appendChild(t);
          g.appendChild(cr);
          if (q.w > 50 && q.h > 14) {
            const label = svgEl('text', { x: q.x + 3, y: q.y + 11, class: 'inner-label' });
            const room = Math.floor((q.w - 6) / 6);
            const name = c.label ?? c.name;
            label.textContent = name.length > room ? name.slice(0, Math.max(1, room - 1)) + '…' : name;
            g.appendChild(label);
          }
        });
      }
      if (r.w > 50 && r.h > 14) {
        const text = svgEl('text', { x: r.x + 4, y: r.y + 12 });
        const name = k.label ?? k.name;
        const room = Math.floor((r.w - 8) / 6.5);
        text.textContent = `${name.length > room ? name.slice(0, Math.max(1, room - 1)) + '…' : name} ${r.w > 140 ? formatBytes(k.bytes) : ''}`;
        g.appendChild(text);
      }
      if (k.kids) g.addEventListener('click', () => zoom(k));
      svg.appendChild(g);
    });
    const crumbs = $('crumbs');
    crumbs.textContent = '';
    stack.forEach((n, i) => {
      const b = el('button', { class: 'crumb', 'data-depth': String(i) }, `${i === 0 ? (view === 'dir' ? '/' : view === 'layer' ? 'all layers' : 'Dockerfile') : (n.label ?? n.name)} (${formatBytes(n.bytes)})`);
      b.addEventListener('click', () => {
        stack = stack.slice(0, i + 1);
        draw();
      });
      crumbs.appendChild(b);
    });
  };
  const zoom = (n: Node) => {
    stack.push(n);
    draw();
  };
  const setView = (v: typeof view) => {
    view = v;
    stack = [v === 'dir' ? fileRoot : v === 'layer' ? layersRoot : linesRoot!];
    highlight = null;
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-view]')) b.classList.toggle('on', b.dataset.view === v);
    draw();
  };

  // --- the rest of the page ------------------------------------------------------------------------
  const sizes = a.sizes;
  $('summary').textContent =
    `compressed blob ${formatBytes(sizes.compressedBlob)} · uncompressed tar ${formatBytes(sizes.uncompressedTar)} · file content ${formatBytes(sizes.fileContent)} · docker images ${formatBytes(sizes.docker)} · final filesystem ${formatBytes(sizes.finalFilesystem)} in ${sizes.fileCount} files · wasted ${formatBytes(a.wasted.bytes)}`;
  $('title').textContent = a.image.reference;
  $('ident').textContent = `${a.image.id} · ${a.image.platform} · user ${a.image.user || '(root)'}`;
  for (const w of [...a.warnings, ...(attribution?.warnings ?? [])]) $('warnings').appendChild(el('li', {}, w));

  const table = (head: string[], rows: (string | number)[][], id: string) => {
    const t = el('table', { id });
    const tr = el('tr');
    for (const h of head) tr.appendChild(el('th', {}, h));
    t.appendChild(tr);
    for (const r of rows) {
      const row = el('tr');
      r.forEach((c) => row.appendChild(el('td', typeof c === 'number' ? { class: 'num' } : {}, String(c))));
      t.appendChild(row);
    }
    return t;
  };
  const lineOfLayer = new Map<number, number>();
  if (attribution) for (const l of attribution.lines) for (const i of l.layers) lineOfLayer.set(i, l.line);
  const layers = table(
    ['#', 'size', 'added', 'modified', 'removed', 'wasted', attribution ? 'line' : '', 'instruction'],
    a.layers.map((l) => [l.index, formatBytes(l.sizes.docker), `${l.added.count} · ${formatBytes(l.added.bytes)}`, `${l.modified.count} · ${formatBytes(l.modified.bytes)}`, `${l.removed.count} · ${formatBytes(l.removed.bytes)}`, formatBytes(l.wastedBytes), lineOfLayer.has(l.index) ? String(lineOfLayer.get(l.index)) : '', l.instruction ?? '(no history)']),
    'layer-table',
  );
  layers.querySelectorAll('tr').forEach((tr, i) => {
    if (i === 0) return;
    tr.addEventListener('click', () => {
      setView('layer');
      zoom(kidsOf(layersRoot)[i - 1]!);
      $('treemap-section').scrollIntoView();
    });
  });
  $('layers').appendChild(layers);

  if (a.findings.length === 0) $('findings').appendChild(el('p', {}, 'No findings.'));
  for (const f of a.findings) {
    const box = el('div', { class: `finding ${f.severity}` });
    box.appendChild(el('div', { class: 'head' }, `${f.severity.toUpperCase()} ${f.id}${f.bytes > 0 ? ` [${formatBytes(f.bytes)}]` : ''}: ${f.message}`));
    if (f.layer !== null) box.appendChild(el('div', {}, `layer ${f.layer}${lineOfLayer.has(f.layer) ? ` (Dockerfile line ${lineOfLayer.get(f.layer)})` : ''}: ${f.instruction ?? '(no history)'}`));
    const ul = el('ul');
    for (const p of f.paths.slice(0, 5)) ul.appendChild(el('li', {}, `${formatBytes(p.bytes)} ${p.path}`));
    if (f.pathCount > 5) ul.appendChild(el('li', {}, `… ${f.pathCount - 5} more`));
    box.appendChild(ul);
    box.appendChild(el('div', { class: 'fix' }, `fix: ${f.remedy}`));
    $('findings').appendChild(box);
  }

  if (attribution) {
    $('dockerfile-section').hidden = false;
    const t = table(
      ['line', 'added', 'wasted', 'match', 'instruction'],
      attribution.lines.map((l) => [l.line, l.layers.length > 0 ? formatBytes(l.bytes) : '', l.wastedBytes > 0 ? formatBytes(l.wastedBytes) : '', l.confidence ?? '', l.text]),
      'dockerfile-table',
    );
    t.querySelectorAll('tr').forEach((tr, i) => {
      const l = attribution.lines[i - 1];
      if (!l) return;
      if (!l.ships) tr.classList.add('unshipped');
      for (const f of l.findings) {
        const note = el('tr', { class: `note ${f.severity}` });
        note.appendChild(el('td'));
        const td = el('td', { colspan: '4' }, `${f.source} ${f.id}${f.bytes ? ` [${formatBytes(f.bytes)}]` : ''}: ${f.message}`);
        note.appendChild(td);
        tr.after(note);
      }
    });
    $('dockerfile').appendChild(t);
    $('dockerfile').appendChild(el('p', {}, `unattributed: ${formatBytes(attribution.unattributed.bytes)} in ${attribution.unattributed.layers.length} layers`));
  } else {
    (document.querySelector('[data-view=line]') as HTMLButtonElement).disabled = true;
  }

  // search: every final path holding the text
  const search = $('search') as HTMLInputElement;
  const results = $('results');
  search.addEventListener('input', () => {
    results.textContent = '';
    const q = search.value.trim().toLowerCase();
    if (q.length < 2) return;
    const hits: [string, number][] = [];
    const walk = (f: FileNode, parent: string) => {
      if (hits.length >= 200) return;
      const path = parent === '' ? f[0] : `${parent}/${f[0]}`;
      if (path.toLowerCase().includes(q)) hits.push([path, f[1]]);
      if (f.length === 4) for (const c of f[3] as FileNode[]) walk(c, path);
    };
    for (const c of (files.root as [string, number, number, FileNode[]])[3]) walk(c, '');
    for (const [path, bytes] of hits) {
      const li = el('li', { 'data-path': path }, `${formatBytes(bytes)} ${path}`);
      li.addEventListener('click', () => {
        setView('dir');
        const parts = path.split('/');
        let node = fileRoot;
        for (const part of parts.slice(0, -1)) {
          const next = kidsOf(node).find((k) => k.name === part);
          if (!next) break;
          stack.push(next);
          node = next;
        }
        highlight = path;
        draw();
      });
      results.appendChild(li);
    }
    if (hits.length === 0) results.appendChild(el('li', {}, 'no path matches'));
  });

  $('download').addEventListener('click', () => {
    const text = ($('whittle-analysis') as HTMLScriptElement).textContent ?? '';
    const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: 'analysis.json' });
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  if (data.compare) {
    const c = data.compare;
    $('compare-section').hidden = false;
    const d = (x: number, y: number) => `${y - x >= 0 ? '+' : '-'}${formatBytes(Math.abs(y - x))}`;
    $('compare').appendChild(table(['', 'A', 'B', 'change'], [
      ['image', c.a.reference, c.b.reference, ''],
      ['docker images', formatBytes(c.a.docker), formatBytes(c.b.docker), d(c.a.docker, c.b.docker)],
      ['compressed blob', formatBytes(c.a.compressedBlob), formatBytes(c.b.compressedBlob), d(c.a.compressedBlob, c.b.compressedBlob)],
      ['files', c.a.fileCount, c.b.fileCount, String(c.b.fileCount - c.a.fileCount)],
      ['layers', c.a.layers, c.b.layers, String(c.b.layers - c.a.layers)],
    ], 'compare-summary'));
    $('compare').appendChild(el('h3', {}, 'Directories'));
    $('compare').appendChild(table(['directory', 'A', 'B', 'change'], c.directories.slice(0, 60).map((x) => [x.path, formatBytes(x.a), formatBytes(x.b), d(x.a, x.b)]), 'compare-directories'));
    $('compare').appendChild(el('h3', {}, 'Layers'));
    $('compare').appendChild(table(['#', 'A', 'B', ''], c.layers.map((l) => [l.index, l.a ? `${formatBytes(l.a.bytes)} ${l.a.instruction ?? ''}` : '', l.b ? `${formatBytes(l.b.bytes)} ${l.b.instruction ?? ''}` : '', l.shared ? 'shared' : 'differs']), 'compare-layers'));
    $('compare').appendChild(el('h3', {}, `Files: ${c.counts.added} added (${formatBytes(c.bytes.added)}), ${c.counts.removed} removed (${formatBytes(c.bytes.removed)}), ${c.counts.changed} changed, ${c.counts.unchanged} the same`));
    const lists: [string, [string, ...number[]][]][] = [['added', c.added], ['removed', c.removed], ['changed', c.changed]];
    for (const [name, list] of lists) {
      const t = table([name, 'bytes'], list.slice(0, 200).map((x) => [x[0], (x.slice(1) as number[]).map((n) => formatBytes(n)).join(' → ')]), `compare-${name}`);
      $('compare').appendChild(t);
    }
  }

  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-view]')) b.addEventListener('click', () => setView(b.dataset.view as typeof view));
  window.addEventListener('resize', () => draw());
  setView('dir');
  document.body.dataset.ready = 'true';
}
