// whittle report in a real browser: Debian's chromium, headless, driven by playwright-core. The page
// makes no network request, its treemap's rectangles have the areas their bytes call for, a click on
// a directory zooms in, the search finds a path, "by Dockerfile line" shows the Dockerfile's lines,
// the embedded data is exactly `analyze --json --files --dockerfile`, and --compare lists what
// changed by content. A screenshot is kept in test-results/ as an artifact.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildImage, dir, dockerArchiveMembers, file, seeded, whiteout, writeTar } from './support/image-writer.js';
import { runCli } from './support/cli.js';
import { CHROMIUM, describeWith, itWith } from './support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-report-browser-'));
const ARTIFACTS = join(process.cwd(), 'test-results');
let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const DOCKERFILE = ['FROM scratch', 'COPY rootfs/ /', 'WORKDIR /opt/app', 'COPY app/ ./', 'RUN rm /opt/app/scratch.bin', ''].join('\n');

/** an image in the Dockerfile's shape: a base-like layer, the app, a deletion */
async function writeImage(path: string, variant: 'a' | 'b'): Promise<void> {
  const libs = Array.from({ length: 120 }, (_, i) => file(`usr/lib/lib${i}.so`, seeded(2_000 + i * 97, i + 1)));
  const img = await buildImage(
    [
      [dir('usr/'), dir('usr/lib/'), ...libs, dir('etc/'), file('etc/os-release', 'ID=test\n')],
      [dir('opt/'), dir('opt/app/')],
      [
        file('opt/app/needle.txt', 'find me'),
        file('opt/app/server.js', variant === 'a' ? seeded(40_000, 7) : seeded(40_000, 8)), // same size, other content
        file('opt/app/scratch.bin', seeded(90_000, 9)),
        ...(variant === 'b' ? [file('opt/app/extra.js', seeded(5_000, 10))] : []),
        file('opt/app/</script><b>x.txt', 'a name that must not end the page\'s script'),
      ],
      [whiteout('opt/app/scratch.bin')],
    ],
    {
      createdBy: [
        `/bin/sh -c #(nop) COPY dir:${'a'.repeat(64)} in / `,
        '/bin/sh -c #(nop) WORKDIR /opt/app',
        `/bin/sh -c #(nop) COPY dir:${'b'.repeat(64)} in ./ `,
        '/bin/sh -c rm /opt/app/scratch.bin',
      ],
    },
  );
  await writeTar(path, dockerArchiveMembers(img, `whittle-test/report:${variant}`));
}

async function open(html: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${html}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
  return { page, requests, errors };
}

/** depth-1 rectangles: path, bytes and area */
async function rects(page: Page): Promise<{ path: string; bytes: number; area: number }[]> {
  return page.$$eval('#treemap g.node[data-depth="1"]', (gs) =>
    gs.map((g) => {
      const r = g.querySelector('rect')!;
      return { path: g.getAttribute('data-path')!, bytes: Number(g.getAttribute('data-bytes')), area: Number(r.getAttribute('width')) * Number(r.getAttribute('height')) };
    }),
  );
}

describeWith(['chromium'], 'whittle report in headless Chromium', () => {
  const a = join(tmp, 'a.tar');
  const b = join(tmp, 'b.tar');
  const dockerfile = join(tmp, 'Dockerfile');
  const html = join(tmp, 'report.html');
  const compared = join(tmp, 'compare.html');

  beforeAll(async () => {
    await writeImage(a, 'a');
    await writeImage(b, 'b');
    writeFileSync(dockerfile, DOCKERFILE);
    const r = await runCli(['report', a, '--dockerfile', dockerfile, '-o', html]);
    expect(r.status, r.stderr).toBe(0);
    const c = await runCli(['report', a, '--compare', b, '-o', compared]);
    expect(c.status, c.stderr).toBe(0);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  itWith(['chromium'], 'makes no network request and runs without errors', async () => {
    const { page, requests, errors } = await open(html);
    expect(requests).toEqual([`file://${html}`]);
    expect(errors).toEqual([]);
    await page.close();
  });

  itWith(['chromium'], 'draws rectangles whose areas are their share of the bytes, and zooms into a directory on a click', async () => {
    const { page } = await open(html);
    const top = await rects(page);
    const total = top.reduce((s, r) => s + r.bytes, 0);
    const area = top.reduce((s, r) => s + r.area, 0);
    const doc = JSON.parse((await page.textContent('#whittle-analysis'))!) as { files: { root: [string, number] } };
    expect(total).toBe(doc.files.root[1]);
    for (const r of top) expect(Math.abs(r.area / area - r.bytes / total)).toBeLessThan(0.005);
    expect(top.map((r) => r.path).sort()).toEqual(['etc', 'opt', 'usr']);
    // (the header strip of the rectangle: its middle is covered by its children's)
    await page.locator('#treemap g.node[data-path="usr"] > rect').first().click({ position: { x: 8, y: 6 } });
    expect(await page.locator('#crumbs .crumb').count()).toBe(2);
    const inside = await rects(page);
    expect(inside.map((r) => r.path)).toEqual(['usr/lib']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-zoomed.png') });
    await page.click('#crumbs .crumb[data-depth="0"]');
    expect(await page.locator('#crumbs .crumb').count()).toBe(1);
    await page.close();
  });

  itWith(['chromium'], 'finds a path, and shows it in its directory', async () => {
    const { page } = await open(html);
    await page.fill('#search', 'needle');
    const hits = await page.$$eval('#results li', (lis) => lis.map((li) => li.getAttribute('data-path')));
    expect(hits).toEqual(['opt/app/needle.txt']);
    await page.click('#results li');
    expect(await page.$$eval('#treemap rect.hit', (rs) => rs.map((r) => r.parentElement!.getAttribute('data-path') ?? r.getAttribute('data-path')))).toHaveLength(1);
    await page.close();
  });

  itWith(['chromium'], 'shows the Dockerfile lines, by line and in the table, with each line\'s bytes', async () => {
    const { page } = await open(html);
    await page.click('[data-view=line]');
    const labels = await page.$$eval('#treemap g.node[data-depth="1"]', (gs) => gs.map((g) => g.getAttribute('data-path')));
    // FROM scratch has no layers; COPY rootfs/ / made the first; WORKDIR made a layer without bytes
    expect(labels.sort()).toEqual(['line 2', 'line 4']);
    const rows = await page.$$eval('#dockerfile-table tr', (trs) => trs.map((tr) => tr.textContent));
    expect(rows.some((r) => r!.includes('RUN rm /opt/app/scratch.bin'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'report-by-line.png'), fullPage: true });
    await page.close();
  });

  itWith(['chromium'], 'embeds exactly the analyze --json --files --dockerfile document, and offers it as a download', async () => {
    const r = await runCli(['analyze', a, '--json', '--files', '--dockerfile', dockerfile]);
    expect(r.status, r.stderr).toBe(0);
    const { page } = await open(html);
    expect(JSON.parse((await page.textContent('#whittle-analysis'))!)).toEqual(JSON.parse(r.stdout));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const saved = join(tmp, 'downloaded.json');
    await download.saveAs(saved);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(JSON.parse(r.stdout));
    // the file name holding </script> is data, not markup
    expect(await page.locator('b').count()).toBe(0);
    await page.close();
  });

  itWith(['chromium'], 'compares two images: a file of the same size with other content is changed, a new one added', async () => {
    const { page, errors } = await open(compared);
    expect(errors).toEqual([]);
    const cells = (id: string) => page.$$eval(`#${id} td:first-child`, (tds) => tds.map((td) => td.textContent));
    expect(await cells('compare-added')).toEqual(['opt/app/extra.js']);
    expect(await cells('compare-changed')).toEqual(['opt/app/server.js']);
    expect(await cells('compare-removed')).toEqual([]);
    await page.close();
  });
});
