// analyze --dockerfile against images the engine built from a known Dockerfile, with the classic
// builder and with BuildKit: every layer goes to the line that made it, the base's layers to FROM,
// the build stage's lines get nothing, the seeds' wasteful patterns (apt lists left, a file deleted
// later, a chmod copy, COPY of .git) show on their lines with their bytes, and a squashed image is
// reported as unattributed rather than misassigned.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Analysis } from '../../src/analyze/index.js';
import type { Attribution } from '../../src/attribute/index.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';
import { runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-engine-attribution-'));
const TAGS: string[] = [];
afterAll(() => {
  for (const tag of TAGS) {
    try {
      execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
    } catch {
      /* never built */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** LINES: the Dockerfile, and for each line that makes a layer, what the test expects of it. */
function dockerfile(base: string): string {
  return [
    `FROM ${base} AS build`, // 1
    'RUN head -c 300000 /dev/urandom > /tool.bin', // 2
    `FROM ${base}`, // 3
    'RUN apt-get update', // 4: apt lists left
    'WORKDIR /app', // 5
    'COPY . .', // 6: .git and tmp.bin come along
    'RUN head -c 200000 /dev/urandom > /app/data.bin \\', // 7
    '    && echo made', // 8
    'RUN chmod 600 /app/data.bin', // 9: the chmod copy
    'RUN rm /app/tmp.bin', // 10: tmp.bin (line 6) deleted later
    'COPY --from=build /tool.bin /opt/tool.bin', // 11
    'ENV MODE=prod', // 12
    'CMD ["ls"]', // 13
    '',
  ].join('\n');
}

interface Built {
  archive: string;
  json: Analysis & { attribution: Attribution };
}

async function build(ctx: string, tag: string, buildkit: boolean): Promise<Built> {
  TAGS.push(tag);
  execFileSync('docker', ['build', '-q', '-t', tag, ctx], { env: { ...process.env, DOCKER_BUILDKIT: buildkit ? '1' : '0' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  const archive = join(tmp, `${buildkit ? 'buildkit' : 'classic'}.tar`);
  execFileSync('docker', ['save', '-o', archive, tag]);
  const r = await runCli(['analyze', archive, '--dockerfile', join(ctx, 'Dockerfile'), '--json']);
  expect(r.status, r.stderr).toBe(0);
  return { archive, json: JSON.parse(r.stdout) as Built['json'] };
}

function context(base: string): string {
  const ctx = join(tmp, 'ctx');
  mkdirSync(join(ctx, '.git', 'objects'), { recursive: true });
  writeFileSync(join(ctx, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(ctx, '.git', 'objects', 'pack.bin'), Buffer.alloc(150_000, 7));
  writeFileSync(join(ctx, 'tmp.bin'), Buffer.alloc(120_000, 1));
  writeFileSync(join(ctx, 'app.txt'), 'hello\n');
  writeFileSync(join(ctx, 'Dockerfile'), dockerfile(base));
  return ctx;
}

function checkAttribution(json: Built['json']): void {
  const a = json.attribution;
  const at = (line: number) => a.lines.find((l) => l.line === line)!;
  // every layer is on exactly one line, in the order the lines make them
  const layerLines = json.layers.map((l) => a.lines.filter((x) => x.layers.includes(l.index)).map((x) => x.line));
  expect(a.unattributed.layers).toEqual([]);
  expect(layerLines.every((lines) => lines.length === 1)).toBe(true);
  // after the base's layers: RUN apt-get, WORKDIR, COPY ., RUN head, RUN chmod, RUN rm, COPY --from
  const made = [4, 5, 6, 7, 9, 10, 11];
  const baseLayers = json.layers.length - made.length;
  expect(layerLines.slice(baseLayers).map((l) => l[0])).toEqual(made);
  expect(layerLines.slice(0, baseLayers).every((l) => l[0] === 3)).toBe(true);
  expect(a.base).toMatchObject({ line: 3 });
  expect(at(3).confidence).toBe('base');
  // the build stage ships nothing
  expect(at(1)).toMatchObject({ ships: false, bytes: 0 });
  expect(at(2)).toMatchObject({ ships: false, bytes: 0, layers: [] });
  // the bytes add up to what docker images reports
  expect(a.lines.reduce((s, l) => s + l.bytes, 0)).toBe(json.sizes.docker);
  // the seeds' wasteful patterns on their lines
  const finding = (line: number, source: string, id: string) => at(line).findings.find((f) => f.source === source && f.id === id);
  expect(finding(4, 'analyze', 'package-caches')?.bytes).toBeGreaterThan(10_000_000);
  expect(finding(4, 'lint', 'apt-lists-not-removed')).toBeDefined();
  expect(finding(6, 'analyze', 'secrets') ?? finding(6, 'analyze', 'package-caches') ?? at(6).findings.find((f) => /\.git/.test(f.message))).toBeDefined();
  expect(at(6).wastedBytes).toBe(120_000); // tmp.bin, deleted by line 10
  expect(at(7).wastedBytes).toBe(200_000); // data.bin, copied again by the chmod on line 9
  expect(finding(9, 'analyze', 'rewritten-later')?.bytes).toBe(200_000);
  expect(at(11).bytes).toBe(300_000);
  expect(at(12).confidence).toBe('exact');
  expect(at(13).confidence).toBe('exact');
}

describeWith(['debian-minbase'], 'analyze --dockerfile on an image the classic builder made', () => {
  let built: Built;
  beforeAll(async () => {
    const ctx = context(await ensureMinbase());
    built = await build(ctx, `whittle-test/attribution-classic:${process.pid}`, false);
  }, 900_000);

  it('ties every layer to its line, with the waste and findings of each', () => {
    checkAttribution(built.json);
    const at = (line: number) => built.json.attribution.lines.find((l) => l.line === line)!;
    // the classic builder replaces COPY sources by a hash: the destination decides
    expect(at(6).confidence).toBe('expanded');
    expect(at(4).confidence).toBe('exact');
  });

  it('reports a squashed image as unattributed, not misassigned', async () => {
    const out = join(tmp, 'squashed.tar');
    const sq = await runCli(['squash', built.archive, '-o', `docker-archive:${out}:whittle-test/attribution-squashed:${process.pid}`]);
    expect(sq.status, sq.stderr).toBe(0);
    const r = await runCli(['analyze', out, '--dockerfile', join(tmp, 'ctx', 'Dockerfile'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const a = (JSON.parse(r.stdout) as Built['json']).attribution;
    const attributed = a.lines.filter((l) => l.ships && l.line !== a.base?.line).reduce((s, l) => s + l.bytes, 0);
    expect(attributed).toBe(0);
    expect(a.unattributed.bytes).toBeGreaterThan(0);
  });

  it('gives lint findings the bytes they cost in the image (lint --image)', async () => {
    const r = await runCli(['lint', join(tmp, 'ctx', 'Dockerfile'), '--image', built.archive, '--json']);
    const report = JSON.parse(r.stdout) as { files: { diagnostics: { ruleId: string; message: string; data: Record<string, number> }[] }[] };
    const diagnostics = report.files.flatMap((f) => f.diagnostics);
    const lists = diagnostics.find((d) => d.ruleId === 'apt-lists-not-removed')!;
    expect(lists.data.measuredBytes).toBeGreaterThan(10_000_000);
    expect(lists.message).toMatch(/MB in this image\)$/);
    // the chmod and rm RUNs after the RUN that wrote data.bin: the split wastes its 200,000 bytes
    expect(diagnostics.find((d) => d.ruleId === 'consecutive-run')?.data.measuredBytes).toBe(200_000);
  });

  it('prints the Dockerfile with the bytes in the margin', async () => {
    const r = await runCli(['analyze', built.archive, '--dockerfile', join(tmp, 'ctx', 'Dockerfile')], { COLUMNS: '120' });
    expect(r.status, r.stderr).toBe(0);
    const margin = r.stdout.split('\n').find((l) => l.endsWith('│ COPY --from=build /tool.bin /opt/tool.bin'));
    expect(margin).toMatch(/^\s+300kB\s+│/);
    expect(r.stdout).toMatch(/Biggest lines/);
  });
});

describeWith(['debian-minbase', 'buildkit'], 'analyze --dockerfile on an image BuildKit made', () => {
  let built: Built;
  beforeAll(async () => {
    const ctx = context(await ensureMinbase());
    built = await build(ctx, `whittle-test/attribution-buildkit:${process.pid}`, true);
  }, 900_000);

  it('ties every layer to its line, with the waste and findings of each', () => {
    checkAttribution(built.json);
    const at = (line: number) => built.json.attribution.lines.find((l) => l.line === line)!;
    expect(at(6).confidence).toBe('exact');
    expect(at(11).confidence).toBe('exact');
  });
});
